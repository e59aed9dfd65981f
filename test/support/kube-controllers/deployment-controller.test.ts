import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { DEPLOYMENT, POD, REPLICA_SET, SERVICE } from "./kinds.ts";
import { controllerRefOf, ownerReferencesOf } from "./owner-references.ts";
import { isPodServing } from "./pod-conditions.ts";
import { POD_TEMPLATE_HASH_LABEL } from "./pod-template-hash.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const NS = "shop";

function refOfRs(rs: JsonObject): { apiVersion: string; kind: string; namespace: string; name: string } {
  return { ...REPLICA_SET, namespace: meta(rs, "namespace"), name: meta(rs, "name") };
}
const WEB = { ...DEPLOYMENT, namespace: NS, name: "web" };

function labels(obj: JsonObject): JsonObject {
  return objectField(objectField(obj, "metadata"), "labels");
}

function conditionOf(obj: JsonObject, type: string): JsonObject | undefined {
  return objectsField(objectField(obj, "status"), "conditions").find((c) => c["type"] === type);
}

/** The web Deployment with `edit` applied to it (the Service stays as in the fixture). */
function editDeployment(edit: (d: JsonObject) => void): (obj: JsonObject) => JsonObject {
  return (obj) => {
    if (obj["kind"] === "Deployment") edit(obj);
    return obj;
  };
}

/** Only the Deployment of the fixture, edited. */
function onlyDeployment(edit: (d: JsonObject) => void = () => undefined): (obj: JsonObject) => JsonObject | undefined {
  return (obj) => {
    if (obj["kind"] !== "Deployment") return undefined;
    edit(obj);
    return obj;
  };
}

function withImage(d: JsonObject, image: string): void {
  const containers = objectsField(objectField(objectField(objectField(d, "spec"), "template"), "spec"), "containers");
  containers[0]!["image"] = image;
}

describe("simulated Deployment and ReplicaSet controllers", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => cluster.stop());

  const deployment = (): JsonObject => cluster.api.get(WEB)!;
  const replicaSets = (): JsonObject[] => cluster.api.list(REPLICA_SET, NS);
  const pods = (): JsonObject[] => cluster.api.list(POD, NS);
  const up = async (edit?: (d: JsonObject) => void): Promise<void> => {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml", edit ? editDeployment(edit) : undefined);
    await cluster.runUntil(() => conditionOf(deployment(), "Progressing")?.["reason"] === "NewReplicaSetAvailable", { timeoutMs: 60_000, what: "web available" });
  };
  const update = async (edit: (d: JsonObject) => void): Promise<void> => {
    await cluster.api.update(WEB, (current) => {
      edit(current);
      return current;
    });
  };

  it("creates <name>-<pod-template-hash> with the hash in labels and selector, pods go ready, status as the controller writes it", async () => {
    await up();
    const [rs, ...more] = replicaSets();
    assert.equal(more.length, 0);
    const hash = String(labels(rs!)[POD_TEMPLATE_HASH_LABEL]);
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(meta(rs!, "name"), `web-${hash}`);
    assert.deepEqual(objectField(objectField(rs!, "spec"), "selector"), { matchLabels: { app: "web", [POD_TEMPLATE_HASH_LABEL]: hash } });
    assert.deepEqual(controllerRefOf(rs!), { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: meta(deployment(), "uid"), controller: true, blockOwnerDeletion: true });
    assert.equal(objectField(objectField(rs!, "metadata"), "annotations")["deployment.kubernetes.io/revision"], "1");
    assert.equal(pods().length, 3);
    for (const pod of pods()) {
      assert.match(meta(pod, "name"), new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(labels(pod)[POD_TEMPLATE_HASH_LABEL], hash);
      assert.ok(isPodServing(pod));
    }
    const status = objectField(deployment(), "status");
    assert.deepEqual({ ...status, conditions: undefined }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
    assert.equal(conditionOf(deployment(), "Available")?.["reason"], "MinimumReplicasAvailable");
    assert.equal(conditionOf(deployment(), "Progressing")?.["message"], `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.equal(objectField(objectField(deployment(), "metadata"), "annotations")["deployment.kubernetes.io/revision"], "1");
  });

  it("keeps the hash stable for one template and changes it with the template", async () => {
    await up();
    const first = meta(replicaSets()[0]!, "name");
    await update((d) => {
      objectField(d, "metadata")["labels"] = { app: "web", touched: "yes" };
    });
    await cluster.advance(5_000);
    assert.deepEqual(replicaSets().map((r) => meta(r, "name")), [first], "a metadata-only change makes no new ReplicaSet");
    await update((d) => withImage(d, "ghcr.io/example/web:1.1.0"));
    await cluster.step();
    assert.equal(replicaSets().length, 2);
    assert.ok(replicaSets().some((r) => meta(r, "name") !== first));
  });

  for (const [strategy, replicas, expectedMaxUnavailable] of [[{}, 4, 1], [{ maxSurge: 1, maxUnavailable: 0 }, 3, 0], [{ maxSurge: 0, maxUnavailable: 1 }, 3, 1], [{ maxSurge: "50%", maxUnavailable: "50%" }, 5, 2]] as const) {
    it(`rolls ${replicas} replicas with ${JSON.stringify(strategy)} keeping ready pods ≥ replicas − maxUnavailable (${replicas - expectedMaxUnavailable}) after every write`, async () => {
      await up((d) => {
        objectField(d, "spec")["replicas"] = replicas;
        objectField(d, "spec")["strategy"] = { type: "RollingUpdate", rollingUpdate: { ...strategy } };
      });
      const recorder = cluster.recordReadyPods(NS, "web");
      await update((d) => withImage(d, "ghcr.io/example/web:1.1.0"));
      await cluster.runUntil(() => conditionOf(deployment(), "Progressing")?.["reason"] === "NewReplicaSetAvailable"
        && objectField(deployment(), "status")["updatedReplicas"] === replicas && objectField(deployment(), "status")["replicas"] === replicas, { timeoutMs: 120_000, what: "rollout done" });
      recorder.stop();
      assert.ok(recorder.min >= replicas - expectedMaxUnavailable, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
      assert.ok(recorder.min <= replicas, "the recorder saw the rollout");
      const [old, fresh] = [...replicaSets()].sort((a, b) => meta(a, "creationTimestamp").localeCompare(meta(b, "creationTimestamp")) || (meta(a, "name") === meta(b, "name") ? 0 : 1));
      assert.ok(old && fresh);
      const byRevision = replicaSets().map((r) => [objectField(objectField(r, "metadata"), "annotations")["deployment.kubernetes.io/revision"], objectField(r, "spec")["replicas"]]).sort();
      assert.deepEqual(byRevision, [["1", 0], ["2", replicas]]);
      assert.equal(pods().filter(isPodServing).length, replicas);
      assert.ok(pods().every((p) => objectsField(objectField(p, "spec"), "containers")[0]!["image"] === "ghcr.io/example/web:1.1.0" || meta(p, "deletionTimestamp") !== ""));
    });
  }

  it("Recreate: scales the old ReplicaSet to 0 and creates the new one only once the old pods are gone (downtime by design)", async () => {
    await up((d) => {
      objectField(d, "spec")["strategy"] = { type: "Recreate" };
    });
    const recorder = cluster.recordReadyPods(NS, "web");
    const hashesSeen: string[][] = [];
    const off = cluster.server.context.store.subscribe(() => hashesSeen.push([...new Set(pods().map((p) => String(labels(p)[POD_TEMPLATE_HASH_LABEL])))]));
    await update((d) => withImage(d, "ghcr.io/example/web:1.1.0"));
    await cluster.runUntil(() => objectField(deployment(), "status")["updatedReplicas"] === 3 && conditionOf(deployment(), "Progressing")?.["reason"] === "NewReplicaSetAvailable", { timeoutMs: 120_000, what: "recreate done" });
    off();
    recorder.stop();
    assert.ok(hashesSeen.every((h) => h.length <= 1), "old and new pods never exist together");
    assert.equal(hashesSeen.at(-1)?.length, 1);
    assert.equal(recorder.min, 0, "Recreate has a window with no ready pod");
    assert.equal(pods().filter(isPodServing).length, 3);
  });

  it("orphan delete keeps the ReplicaSet and its pods serving; a new Deployment with the same selector adopts them without restarting a pod", async () => {
    await up();
    const recorder = cluster.recordReadyPods(NS, "web");
    const podUids = pods().map((p) => meta(p, "uid")).sort();
    const rsUid = meta(replicaSets()[0]!, "uid");
    await cluster.api.delete(WEB, { propagationPolicy: "Orphan" });
    await cluster.advance(5_000);
    assert.equal(cluster.api.get(WEB), undefined);
    const [rs] = replicaSets();
    assert.equal(meta(rs!, "uid"), rsUid);
    assert.deepEqual(ownerReferencesOf(rs!), [], "the garbage collector removed the owner reference");
    assert.deepEqual(pods().map((p) => meta(p, "uid")).sort(), podUids);
    assert.ok(pods().every((p) => controllerRefOf(p)?.["uid"] === rsUid), "pods stay owned by their ReplicaSet");
    assert.equal(recorder.min, 3, "no pod stopped serving");

    await createFromFixture(cluster.api, "kube-controllers/web.yaml", onlyDeployment());
    await cluster.advance(10_000);
    assert.equal(replicaSets().length, 1, "no new ReplicaSet: the orphan has the same template");
    assert.equal(controllerRefOf(replicaSets()[0]!)?.["uid"], meta(deployment(), "uid"));
    assert.equal(controllerRefOf(replicaSets()[0]!)?.["blockOwnerDeletion"], true);
    assert.deepEqual(pods().map((p) => meta(p, "uid")).sort(), podUids, "the same pods");
    assert.equal(recorder.min, 3);
    assert.equal(conditionOf(deployment(), "Available")?.["status"], "True");
    assert.equal(cluster.api.list(SERVICE, NS).length, 1);
  });

  it("a new Deployment with a changed selector (commonLabels) makes a new ReplicaSet and leaves the old one orphaned and serving", async () => {
    await up();
    const oldRs = replicaSets()[0]!;
    const oldPods = pods().map((p) => meta(p, "uid")).sort();
    await cluster.api.delete(WEB, { propagationPolicy: "Orphan" });
    await cluster.step();
    const recorder = cluster.recordReadyPods(NS, "web");
    await createFromFixture(cluster.api, "kube-controllers/web.yaml", onlyDeployment((d) => {
      // What kustomize commonLabels does: the label lands in the selector and the template.
      objectField(d, "spec")["selector"] = { matchLabels: { app: "web", env: "prod" } };
      objectField(objectField(objectField(d, "spec"), "template"), "metadata")["labels"] = { app: "web", env: "prod" };
    }));
    await cluster.runUntil(() => objectField(deployment(), "status")["availableReplicas"] === 3, { timeoutMs: 60_000, what: "new pods available" });
    recorder.stop();
    const stillOld = cluster.api.get(refOfRs(oldRs))!;
    assert.deepEqual(ownerReferencesOf(stillOld), [], "not adopted: its labels lack env=prod");
    assert.equal(objectField(stillOld, "spec")["replicas"], 3, "nobody scales an orphan down");
    assert.equal(replicaSets().length, 2);
    const fresh = replicaSets().find((r) => meta(r, "uid") !== meta(oldRs, "uid"))!;
    assert.equal(controllerRefOf(fresh)?.["uid"], meta(deployment(), "uid"));
    assert.notEqual(labels(fresh)[POD_TEMPLATE_HASH_LABEL], labels(oldRs)[POD_TEMPLATE_HASH_LABEL]);
    assert.equal(pods().length, 6, "old and new pods side by side");
    assert.ok(oldPods.every((uid) => pods().some((p) => meta(p, "uid") === uid && isPodServing(p))), "old pods keep serving");
    assert.equal(recorder.min, 3, "the Service (app=web) selects old and new pods throughout");
  });

  it("background delete removes the ReplicaSet and then its pods through the garbage collector, each pod after its grace", async () => {
    await up();
    await cluster.api.delete(WEB);
    await cluster.step();
    assert.equal(cluster.api.get(WEB), undefined);
    assert.equal(replicaSets().length, 0, "the ReplicaSet went in the background");
    assert.equal(pods().length, 3, "pods are terminating, not gone");
    assert.ok(pods().every((p) => meta(p, "deletionTimestamp") !== "" && objectField(p, "metadata")["deletionGracePeriodSeconds"] === 30));
    assert.ok(pods().every((p) => !isPodServing(p)));
    await cluster.advance(2_000);
    assert.equal(pods().length, 0, "the kubelet removed them once their containers stopped");
  });

  it("foreground delete keeps the Deployment (foregroundDeletion) until its ReplicaSets and their pods are gone", async () => {
    await up();
    await cluster.api.delete(WEB, { propagationPolicy: "Foreground" });
    await cluster.step();
    const held = cluster.api.get(WEB);
    assert.ok(held, "still there while dependents go");
    assert.deepEqual(objectField(held, "metadata")["finalizers"], ["foregroundDeletion"]);
    const rs = replicaSets()[0];
    assert.ok(rs && meta(rs, "deletionTimestamp") !== "", "the ReplicaSet is deleted in the foreground too");
    assert.deepEqual(objectField(rs, "metadata")["finalizers"], ["foregroundDeletion"]);
    assert.equal(pods().length, 3);
    let goneAt: { pods: number; rs: number } | undefined;
    const off = cluster.server.context.store.subscribe(() => {
      if (goneAt === undefined && cluster.api.get(WEB) === undefined) goneAt = { pods: pods().length, rs: replicaSets().length };
    });
    await cluster.advance(3_000);
    off();
    assert.deepEqual(goneAt, { pods: 0, rs: 0 }, "the Deployment went only after its last pod and ReplicaSet");
  });

  it("releases a pod whose labels stop matching and replaces it; adopts a matching orphan pod and scales down, not-ready first", async () => {
    await up();
    const victim = pods()[0]!;
    await cluster.api.update({ ...POD, namespace: NS, name: meta(victim, "name") }, (p) => {
      objectField(p, "metadata")["labels"] = { app: "debug" };
      return p;
    });
    await cluster.step();
    const released = cluster.api.get({ ...POD, namespace: NS, name: meta(victim, "name") })!;
    assert.equal(controllerRefOf(released), undefined, "released");
    assert.equal(pods().filter((p) => labels(p)["app"] === "web").length, 3, "replaced");

    // The orphan gets the ReplicaSet's labels back: adopted, and the ReplicaSet now has 4 pods,
    // one too many; the one that is not ready yet goes first.
    cluster.kubelet.inject({ match: { name: "late" }, behaviour: "never-ready" });
    const rs = replicaSets()[0]!;
    await cluster.api.create({ apiVersion: "v1", kind: "Pod", metadata: { name: "late", namespace: NS, labels: { ...labels(rs) } }, spec: { containers: [{ name: "web", image: "ghcr.io/example/web:1.0.0" }] } });
    await cluster.advance(3_000);
    const late = cluster.api.get({ ...POD, namespace: NS, name: "late" });
    assert.ok(late === undefined || meta(late, "deletionTimestamp") !== "", "the adopted, never-ready pod was the one deleted");
    assert.equal(pods().filter((p) => meta(p, "deletionTimestamp") === "" && labels(p)["app"] === "web").length, 3);
  });

  it("new pods that never become ready: Available stays True (old pods), Progressing turns False ProgressDeadlineExceeded after progressDeadlineSeconds", async () => {
    await up((d) => {
      objectField(d, "spec")["progressDeadlineSeconds"] = 60;
    });
    cluster.kubelet.inject({ match: { image: "ghcr.io/example/web:broken" }, behaviour: "never-ready" });
    const recorder = cluster.recordReadyPods(NS, "web");
    await update((d) => withImage(d, "ghcr.io/example/web:broken"));
    const took = await cluster.runUntil(() => conditionOf(deployment(), "Progressing")?.["reason"] === "ProgressDeadlineExceeded", { timeoutMs: 120_000, what: "deadline" });
    assert.ok(took > 60_000 && took <= 70_000, `took ${took} ms`);
    assert.equal(conditionOf(deployment(), "Progressing")?.["status"], "False");
    assert.match(String(conditionOf(deployment(), "Progressing")?.["message"]), /^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
    assert.equal(conditionOf(deployment(), "Available")?.["status"], "True");
    // 25 % of 3: maxSurge rounds up to 1, maxUnavailable down to 0, so no old pod may go before a
    // new one is available, and none ever is.
    assert.equal(recorder.min, 3, `min at ${JSON.stringify(recorder.minAt)}`);
    assert.equal(replicaSets().find((r) => objectField(r, "spec")["replicas"] === 1 && meta(r, "name") !== "")?.["kind"], "ReplicaSet", "one surge pod of the new ReplicaSet");
  });
});
