import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { CONTROLLER_REVISION_HASH_LABEL } from "./controller-revisions.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { CONTROLLER_REVISION, EVENT, POD, PVC, STATEFUL_SET } from "./kinds.ts";
import { controllerRefOf, ownerReferencesOf } from "./owner-references.ts";
import { isPodServing } from "./pod-conditions.ts";
import { POD_UPDATE_FORBIDDEN } from "./pod-update-validator.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const NS = "data";
const DB = { ...STATEFUL_SET, namespace: NS, name: "db" };

function onlySet(edit: (s: JsonObject) => void = () => undefined): (obj: JsonObject) => JsonObject | undefined {
  return (obj) => {
    if (obj["kind"] !== "StatefulSet") return undefined;
    edit(obj);
    return obj;
  };
}

function editSet(edit: (s: JsonObject) => void): (obj: JsonObject) => JsonObject {
  return (obj) => {
    if (obj["kind"] === "StatefulSet") edit(obj);
    return obj;
  };
}

function addClaimTemplate(set: JsonObject, name: string): void {
  const spec = objectField(set, "spec");
  spec["volumeClaimTemplates"] = [...objectsField(spec, "volumeClaimTemplates"), { metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Mi" } } } }];
}

describe("simulated StatefulSet controller", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => cluster.stop());

  const pods = (): JsonObject[] => cluster.api.list(POD, NS);
  const podNames = (): string[] => pods().map((p) => meta(p, "name")).sort();
  const claims = (): string[] => cluster.api.list(PVC, NS).map((c) => meta(c, "name")).sort();
  const set = (): JsonObject => cluster.api.get(DB)!;
  const status = (): JsonObject => objectField(set(), "status");
  const up = async (edit?: (s: JsonObject) => void): Promise<void> => {
    await createFromFixture(cluster.api, "kube-controllers/db.yaml", edit ? editSet(edit) : undefined);
    await cluster.runUntil(() => status()["readyReplicas"] === 3 && status()["currentRevision"] === status()["updateRevision"], { timeoutMs: 120_000, what: "db ready" });
  };

  it("OrderedReady: creates db-N only once db-(N-1) is Running and Ready, with its PVC data-db-N, identity labels and volume", async () => {
    await createFromFixture(cluster.api, "kube-controllers/db.yaml");
    const seen: string[] = [];
    cluster.onTick(() => seen.push(podNames().join(",")));
    await cluster.runUntil(() => status()["readyReplicas"] === 3, { timeoutMs: 120_000, what: "db ready" });
    assert.deepEqual([...new Set(seen)], ["db-0", "db-0,db-1", "db-0,db-1,db-2"]);
    assert.deepEqual(claims(), ["data-db-0", "data-db-1", "data-db-2"]);
    for (const claim of cluster.api.list(PVC, NS)) {
      assert.equal(objectField(claim, "status")["phase"], "Bound");
      assert.deepEqual(objectField(objectField(claim, "metadata"), "labels"), { app: "db" }, "the selector's matchLabels");
      assert.deepEqual(ownerReferencesOf(claim), [], "Retain: no owner, never collected");
    }
    const db1 = cluster.api.get({ ...POD, namespace: NS, name: "db-1" })!;
    const labels = objectField(objectField(db1, "metadata"), "labels");
    assert.equal(labels["statefulset.kubernetes.io/pod-name"], "db-1");
    assert.equal(labels["apps.kubernetes.io/pod-index"], "1");
    assert.equal(labels[CONTROLLER_REVISION_HASH_LABEL], status()["updateRevision"]);
    assert.deepEqual(objectsField(objectField(db1, "spec"), "volumes"), [{ name: "data", persistentVolumeClaim: { claimName: "data-db-1" } }]);
    assert.deepEqual([objectField(db1, "spec")["hostname"], objectField(db1, "spec")["subdomain"]], ["db-1", "db"]);
    assert.equal(cluster.api.list(CONTROLLER_REVISION, NS).length, 1);
    assert.deepEqual({ ...status(), currentRevision: undefined, updateRevision: undefined }, {
      observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3,
      currentRevision: undefined, updateRevision: undefined, collisionCount: 0,
    });
  });

  it("Parallel: creates every pod at once", async () => {
    await createFromFixture(cluster.api, "kube-controllers/db.yaml", editSet((s) => {
      objectField(s, "spec")["podManagementPolicy"] = "Parallel";
    }));
    await cluster.step();
    assert.deepEqual(podNames(), ["db-0", "db-1", "db-2"]);
  });

  it("re-created after an orphan delete, adopts its pods by name and selector (no restart), and its ControllerRevision", async () => {
    await up();
    const recorder = cluster.recordReadyPods(NS, "db-read");
    const uids = pods().map((p) => meta(p, "uid")).sort();
    const revision = status()["updateRevision"];
    // A stranger with the right labels but not named db-N is never claimed.
    await cluster.api.create({ apiVersion: "v1", kind: "Pod", metadata: { name: "db-debug", namespace: NS, labels: { app: "db" } }, spec: { containers: [{ name: "psql", image: "postgres:17.2" }] } });
    await cluster.api.delete(DB, { propagationPolicy: "Orphan" });
    await cluster.advance(3_000);
    assert.ok(pods().filter((p) => meta(p, "name") !== "db-debug").every((p) => controllerRefOf(p) === undefined), "orphans");
    await createFromFixture(cluster.api, "kube-controllers/db.yaml", onlySet());
    await cluster.advance(5_000);
    const owned = pods().filter((p) => controllerRefOf(p)?.["uid"] === meta(set(), "uid")).map((p) => meta(p, "uid")).sort();
    assert.deepEqual(owned, uids, "the same three pods, adopted");
    assert.equal(controllerRefOf(cluster.api.get({ ...POD, namespace: NS, name: "db-debug" })!), undefined, "isMemberOf: the name decides");
    assert.equal(status()["updateRevision"], revision, "the orphaned revision adopted, not a new one");
    assert.equal(cluster.api.list(CONTROLLER_REVISION, NS).length, 1);
    recorder.stop();
    assert.ok(recorder.min >= 3, `min ${recorder.min}`);
  });

  it("PVCs survive a background delete of the set and a scale-down; retention Delete hands them to the garbage collector", async () => {
    await up();
    await cluster.api.update(DB, (s) => ({ ...s, spec: { ...objectField(s, "spec"), replicas: 1 } }));
    await cluster.advance(10_000);
    assert.deepEqual(podNames(), ["db-0"], "scaled down from the highest ordinal");
    assert.deepEqual(claims(), ["data-db-0", "data-db-1", "data-db-2"]);
    await cluster.api.delete(DB);
    await cluster.advance(5_000);
    assert.deepEqual(podNames(), [], "pods collected");
    assert.deepEqual(claims(), ["data-db-0", "data-db-1", "data-db-2"], "claims never deleted");

    await createFromFixture(cluster.api, "kube-controllers/db.yaml", onlySet((s) => {
      objectField(s, "metadata")["name"] = "cache";
      objectField(s, "spec")["persistentVolumeClaimRetentionPolicy"] = { whenDeleted: "Delete", whenScaled: "Delete" };
      objectField(s, "spec")["replicas"] = 2;
    }));
    await cluster.runUntil(() => cluster.api.list(POD, NS).filter(isPodServing).length === 2, { timeoutMs: 60_000, what: "cache up" });
    await cluster.api.update({ ...STATEFUL_SET, namespace: NS, name: "cache" }, (s) => ({ ...s, spec: { ...objectField(s, "spec"), replicas: 1 } }));
    await cluster.advance(10_000);
    assert.ok(!claims().includes("data-cache-1"), "whenScaled: Delete");
    assert.ok(claims().includes("data-cache-0"));
    await cluster.api.delete({ ...STATEFUL_SET, namespace: NS, name: "cache" });
    await cluster.advance(10_000);
    assert.deepEqual(claims(), ["data-db-0", "data-db-1", "data-db-2"], "whenDeleted: Delete");
  });

  it("RollingUpdate: highest ordinal first, one pod at a time, each waiting for the previous to be Ready again", async () => {
    await up();
    const recorder = cluster.recordReadyPods(NS, "db-read");
    const order: string[] = [];
    const off = cluster.server.context.store.subscribe((change) => {
      if (change.storageKey === "pods" && change.type === "ADDED") order.push(String(objectField(change.object, "metadata")["name"]));
    });
    await cluster.api.update(DB, (s) => {
      objectsField(objectField(objectField(objectField(s, "spec"), "template"), "spec"), "containers")[0]!["image"] = "postgres:17.3";
      return s;
    });
    await cluster.runUntil(() => status()["updatedReplicas"] === 3 && status()["readyReplicas"] === 3 && status()["currentRevision"] === status()["updateRevision"], { timeoutMs: 120_000, what: "rolled" });
    off();
    recorder.stop();
    assert.deepEqual(order, ["db-2", "db-1", "db-0"]);
    assert.equal(recorder.min, 2, "one pod down at a time");
    assert.equal(cluster.api.list(CONTROLLER_REVISION, NS).length, 2);
  });

  it("a re-created set with a new claim template blocks on the lowest adopted pod without it (FailedUpdate) until the pods are deleted in ordinal order and re-created with the new claim", async () => {
    await up();
    await cluster.api.delete(DB, { propagationPolicy: "Orphan" });
    await cluster.advance(2_000);
    await createFromFixture(cluster.api, "kube-controllers/db.yaml", onlySet((s) => addClaimTemplate(s, "wal")));
    await cluster.advance(10_000);
    const failed = cluster.api.list(EVENT, NS).filter((e) => e["reason"] === "FailedUpdate");
    assert.equal(failed.length, 1, "reported once, retried every pass");
    assert.match(String(failed[0]!["message"]), /^update Pod db-0 in StatefulSet db failed error: Pod "db-0" is invalid: spec: Forbidden: pod updates may not change fields other than/);
    assert.ok(String(failed[0]!["message"]).includes(POD_UPDATE_FORBIDDEN));
    assert.ok(claims().includes("wal-db-0"), "the claim is created before the pod update is tried");
    assert.equal(pods().length, 3, "pods keep running");
    // processReplica goes up from ordinal 0 and stops at the first pod it cannot fix: deleting
    // db-2 first does not help, it is not even re-created while db-0 blocks.
    await cluster.api.delete({ ...POD, namespace: NS, name: "db-2" });
    await cluster.advance(30_000);
    assert.deepEqual(podNames(), ["db-0", "db-1"]);
    for (const ordinal of [0, 1, 2]) {
      if (ordinal < 2) await cluster.api.delete({ ...POD, namespace: NS, name: `db-${ordinal}` });
      await cluster.runUntil(() => {
        const pod = cluster.api.get({ ...POD, namespace: NS, name: `db-${ordinal}` });
        return pod !== undefined && isPodServing(pod) && objectsField(objectField(pod, "spec"), "volumes").some((v) => v["name"] === "wal");
      }, { timeoutMs: 60_000, what: `db-${ordinal} re-created with the wal volume` });
    }
    assert.deepEqual(claims(), ["data-db-0", "data-db-1", "data-db-2", "wal-db-0", "wal-db-1", "wal-db-2"]);
    assert.equal(status()["readyReplicas"], 3);
  });
});
