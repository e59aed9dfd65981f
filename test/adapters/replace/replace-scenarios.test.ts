import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaString, metaValue } from "../../../src/core/k8s/kube-object.ts";
import { runReplacement, type ProgressEvent } from "../../../src/adapters/replace/run-replacement.ts";
import { createJournalStore } from "../../../src/adapters/replace/journal-store.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { GUARD_NS } from "../../support/replace/replace-rig.ts";
import { controllerOf, edited, labels, spec, startSimRig, uid, type SimRig } from "../../support/replace/sim-rig.ts";
import type { SimulatedCluster } from "../../support/kube-controllers/start-simulated-cluster.ts";
import { createFluxOwner } from "../../support/replace/flux-owner.ts";

const FLUX = { "kustomize.toolkit.fluxcd.io/name": "shop", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };
const WEB = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const [webFixture, serviceFixture] = loadDocuments("kube-controllers/web.yaml").filter(isJsonObject) as [JsonObject, JsonObject];

/** The web fixture applied by Flux: every object carries Flux's ownership labels. */
const asFlux = (o: JsonObject): JsonObject => edited(o, (c) => {
  const meta = c["metadata"] as JsonObject;
  meta["labels"] = { ...(isJsonObject(meta["labels"]) ? meta["labels"] : {}), ...FLUX };
});

const PDB: JsonObject = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "shop", labels: FLUX }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } };

/** kustomize `commonLabels: {team: shop}`: the label in the Deployment's selector and template, the Service's and PDB's selectors. */
const desiredWeb = edited(webFixture, (c) => {
  spec(c)["selector"] = { matchLabels: { app: "web", team: "shop" } };
  ((spec(c)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "web", team: "shop" };
});
const desiredService = edited(serviceFixture, (c) => void (spec(c)["selector"] = { app: "web", team: "shop" }));
const desiredPdb = edited(PDB, (c) => void (spec(c)["selector"] = { matchLabels: { app: "web", team: "shop" } }));

function webAvailable(c: SimulatedCluster): boolean {
  const d = c.api.get(WEB);
  const status = d?.["status"];
  return isJsonObject(status) && status["availableReplicas"] === 3 && status["updatedReplicas"] === 3 && status["replicas"] === 3;
}

async function webRig(): Promise<SimRig> {
  return startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: webAvailable, extra: [PDB] });
}

const request = { target: WEB, desired: desiredWeb, desiredOthers: [desiredService, desiredPdb], settings: DEFAULT_REPLACE_SETTINGS };

/** The end state a blue-green replacement of web must reach, checked by listing. */
function assertWebReplaced(rig: SimRig, oldUid: string): void {
  const { api } = rig.cluster;
  const web = api.get(WEB)!;
  assert.notEqual(uid(web), oldUid, "a new Deployment");
  assert.deepEqual(spec(web)["selector"], { matchLabels: { app: "web", team: "shop" } });
  const sets = api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "shop");
  assert.equal(sets.length, 1, `one ReplicaSet left: ${sets.map((s) => metaString(s, "name")).join(", ")}`);
  assert.equal(controllerOf(sets[0]!), `Deployment/web/${uid(web)}`);
  const pods = api.list({ apiVersion: "v1", kind: "Pod" }, "shop");
  assert.equal(pods.length, 3, "3 pods, no orphan left");
  for (const p of pods) {
    assert.equal(labels(p)["team"], "shop");
    assert.equal(controllerOf(p), `ReplicaSet/${metaString(sets[0]!, "name")}/${uid(sets[0])}`);
  }
  const svc = api.get({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" })!;
  assert.deepEqual(spec(svc)["selector"], { app: "web", team: "shop" });
  assert.equal(metaValue(svc, "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined, "unfrozen");
  const pdb = api.get({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespace: "shop", name: "web" })!;
  assert.deepEqual(spec(pdb)["selector"], { matchLabels: { app: "web", team: "shop" } });
  assert.equal(metaValue(pdb, "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined, "unfrozen");
}

test("commonLabels selector change of a 3-replica Deployment behind a Service and a PDB: blue-green, at least replicas − maxUnavailable ready at every tick, nothing left over", async () => {
  const rig = await webRig();
  try {
    const oldUid = uid(rig.cluster.api.get(WEB));
    const recorder = rig.cluster.recordReadyPods("shop", "web");
    const outcome = await runReplacement(request, "start", rig.deps());
    recorder.stop();
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    // web: 3 replicas, maxUnavailable 25 % of 3 rounded down = 0.
    assert.ok(recorder.min >= 3 - 0, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    assertWebReplaced(rig, oldUid);
    const journal = await createJournalStore(rig.http, GUARD_NS).read(WEB);
    assert.equal(journal?.journal.phase, "replaced");
    const writes = rig.cluster.server.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`);
    assert.equal(writes.filter((w) => w === "DELETE /apis/apps/v1/namespaces/shop/deployments/web").length, 1);
  } finally {
    await rig.stop();
  }
});

test("the new pods never become ready: rolled back after the timeout; the old Deployment re-adopts its ReplicaSet and pods without a restart, the Service serves throughout", async () => {
  const rig = await webRig();
  try {
    const { api } = rig.cluster;
    const oldSets = api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "shop").map((rs) => `${metaString(rs, "name")}/${uid(rs)}`);
    const oldPods = api.list({ apiVersion: "v1", kind: "Pod" }, "shop").map((p) => uid(p)).sort();
    rig.cluster.kubelet.inject({ match: { image: "ghcr.io/example/web:2.0.0-broken" }, behaviour: "never-ready" });
    const broken = edited(desiredWeb, (c) => {
      const podSpec = (spec(c)["template"] as JsonObject)["spec"] as JsonObject;
      (podSpec["containers"] as JsonObject[])[0]!["image"] = "ghcr.io/example/web:2.0.0-broken";
    });
    const recorder = rig.cluster.recordReadyPods("shop", "web");
    const started = rig.cluster.clock.nowMs();
    const outcome = await runReplacement({ ...request, desired: broken, settings: { ...DEFAULT_REPLACE_SETTINGS, timeoutSeconds: 120 } }, "start", rig.deps());
    recorder.stop();
    assert.equal(outcome.kind, "rolled-back", JSON.stringify(outcome));
    assert.ok(rig.cluster.clock.nowMs() - started >= 120_000);
    assert.ok(recorder.min >= 3, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const web = api.get(WEB)!;
    assert.deepEqual(spec(web)["selector"], { matchLabels: { app: "web" } }, "the old spec is back");
    assert.deepEqual(api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "shop").map((rs) => `${metaString(rs, "name")}/${uid(rs)}`), oldSets, "the old ReplicaSet, re-adopted; the new one gone");
    assert.deepEqual(api.list({ apiVersion: "v1", kind: "Pod" }, "shop").map((p) => uid(p)).sort(), oldPods, "the same pods: no restart");
    for (const rs of api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "shop")) assert.equal(controllerOf(rs), `Deployment/web/${uid(web)}`);
    const svc = api.get({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" })!;
    assert.deepEqual(spec(svc)["selector"], { app: "web" });
    assert.equal(metaValue(svc, "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined, "unfrozen");
    const events = api.list({ apiVersion: "v1", kind: "Event" }, "shop").filter((e) => e["reason"] === "ReplacementRolledBack");
    assert.equal(events.length, 1);
  } finally {
    await rig.stop();
  }
});

test("the API server goes away mid-plan and comes back: the replacement waits, then finishes; the Service serves throughout", async () => {
  const rig = await webRig();
  try {
    const oldUid = uid(rig.cluster.api.get(WEB));
    const recorder = rig.cluster.recordReadyPods("shop", "web");
    let downAt: number | undefined;
    const off = rig.cluster.onTick(() => {
      if (downAt !== undefined && rig.cluster.clock.nowMs() - downAt >= 20_000) void rig.cluster.setApiAvailable(true);
    });
    const outcome = await runReplacement(request, "start", rig.deps({
      onProgress: (e: ProgressEvent) => {
        if (e.type === "step" && e.step.id === "wait-healthy" && e.state === "started" && downAt === undefined) {
          downAt = rig.cluster.clock.nowMs();
          void rig.cluster.setApiAvailable(false);
        }
      },
    }));
    off();
    recorder.stop();
    assert.ok(downAt !== undefined, "the outage happened");
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    assert.ok(recorder.min >= 3, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    assertWebReplaced(rig, oldUid);
  } finally {
    await rig.stop();
  }
});

const DB = { apiVersion: "apps/v1", kind: "StatefulSet", namespace: "data", name: "db" };

test("a StatefulSet claim-template change: orphan-recreate adopts the pods by name, each pod re-created in turn for its new claim, no PVC deleted, the Service keeps replicas − 1 ready", async () => {
  const rig = await startSimRig("kube-controllers/db.yaml", {
    ready: (c) => {
      const st = c.api.get(DB)?.["status"];
      return isJsonObject(st) && st["readyReplicas"] === 3 && st["currentReplicas"] === 3;
    },
  });
  try {
    const { api } = rig.cluster;
    const [sts] = loadDocuments("kube-controllers/db.yaml").filter(isJsonObject).filter((o) => o["kind"] === "StatefulSet");
    const desired = edited(sts!, (c) => {
      const s = spec(c);
      (s["volumeClaimTemplates"] as JsonObject[]).push({ metadata: { name: "wal" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
      const container = (((s["template"] as JsonObject)["spec"] as JsonObject)["containers"] as JsonObject[])[0]!;
      (container["volumeMounts"] as JsonObject[]).push({ name: "wal", mountPath: "/var/lib/postgresql/wal" });
    });
    const pvcsBefore = api.list({ apiVersion: "v1", kind: "PersistentVolumeClaim" }, "data").map((p) => uid(p));
    const recorder = rig.cluster.recordReadyPods("data", "db-read");
    const outcome = await runReplacement({ target: DB, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    recorder.stop();
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    // RollingUpdate of a StatefulSet takes down one pod at a time: maxUnavailable 1.
    assert.ok(recorder.min >= 3 - 1, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const pvcsAfter = api.list({ apiVersion: "v1", kind: "PersistentVolumeClaim" }, "data");
    for (const u of pvcsBefore) assert.ok(pvcsAfter.some((p) => uid(p) === u), "no PVC deleted");
    assert.deepEqual(pvcsAfter.map((p) => metaString(p, "name")).sort(), ["data-db-0", "data-db-1", "data-db-2", "wal-db-0", "wal-db-1", "wal-db-2"]);
    const set = api.get(DB)!;
    const pods = api.list({ apiVersion: "v1", kind: "Pod" }, "data");
    assert.deepEqual(pods.map((p) => metaString(p, "name")).sort(), ["db-0", "db-1", "db-2"]);
    for (const p of pods) {
      assert.equal(controllerOf(p), `StatefulSet/db/${uid(set)}`);
      const volumes = ((p["spec"] as JsonObject)["volumes"] as JsonObject[]).map((v) => v["name"]);
      assert.ok(volumes.includes("wal"), `${metaString(p, "name")} has the new claim`);
    }
  } finally {
    await rig.stop();
  }
});

const AGENT = { apiVersion: "apps/v1", kind: "DaemonSet", namespace: "monitoring", name: "node-agent" };

test("a DaemonSet selector change: new pods beside the orphans on every node, then the orphans go; one pod per node at the end", async () => {
  const service: JsonObject = { apiVersion: "v1", kind: "Service", metadata: { name: "node-agent", namespace: "monitoring" }, spec: { selector: { app: "node-agent" }, ports: [{ port: 9100 }] } };
  const rig = await startSimRig("kube-controllers/node-agent.yaml", {
    extra: [service],
    ready: (c) => {
      const st = c.api.get(AGENT)?.["status"];
      return isJsonObject(st) && st["numberReady"] === 3;
    },
  });
  try {
    const { api } = rig.cluster;
    const [ds] = loadDocuments("kube-controllers/node-agent.yaml").filter(isJsonObject);
    const desired = edited(ds!, (c) => {
      spec(c)["selector"] = { matchLabels: { app: "node-agent", tier: "system" } };
      ((spec(c)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "node-agent", tier: "system" };
    });
    const recorder = rig.cluster.recordReadyPods("monitoring", "node-agent");
    const outcome = await runReplacement({ target: AGENT, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    recorder.stop();
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    assert.ok(recorder.min >= 3 - 1, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const set = api.get(AGENT)!;
    const pods = api.list({ apiVersion: "v1", kind: "Pod" }, "monitoring");
    assert.equal(pods.length, 3, "one pod per node, no orphan left");
    for (const p of pods) {
      assert.equal(labels(p)["tier"], "system");
      assert.equal(controllerOf(p), `DaemonSet/node-agent/${uid(set)}`);
    }
  } finally {
    await rig.stop();
  }
});

const MIGRATE = { apiVersion: "batch/v1", kind: "Job", namespace: "batch", name: "migrate" };

test("a Job template change: recreate (foreground) once the old Job completed; the new Job runs; the old pods are gone", async () => {
  const [jobFixture] = loadDocuments("kube-controllers/migrate.yaml").filter(isJsonObject);
  const ns = metaString(jobFixture!, "namespace") ?? "default";
  const name = metaString(jobFixture!, "name") ?? "";
  const target = { ...MIGRATE, namespace: ns, name };
  const complete = (c: SimulatedCluster): boolean => {
    const conditions = (c.api.get(target)?.["status"] as JsonObject | undefined)?.["conditions"];
    return Array.isArray(conditions) && conditions.some((x) => isJsonObject(x) && x["type"] === "Complete" && x["status"] === "True");
  };
  const rig = await startSimRig("kube-controllers/migrate.yaml", { ready: complete });
  try {
    const { api } = rig.cluster;
    const oldUid = uid(api.get(target));
    const desired = edited(jobFixture!, (c) => {
      const container = ((((spec(c)["template"] as JsonObject)["spec"] as JsonObject)["containers"]) as JsonObject[])[0]!;
      container["image"] = `${String(container["image"])}-v2`;
    });
    const outcome = await runReplacement({ target, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    const job = api.get(target)!;
    assert.notEqual(uid(job), oldUid);
    for (const p of api.list({ apiVersion: "v1", kind: "Pod" }, ns)) assert.notEqual(controllerOf(p).split("/")[2], oldUid, "no pod of the old Job is left");
    assert.equal(rig.cluster.server.requests.find((r) => r.method === "DELETE" && r.path.endsWith(`/jobs/${name}`))?.propagationPolicy, "Foreground");
  } finally {
    await rig.stop();
  }
});

test("a PersistentVolumeClaim change is refused: nothing is written, the claim is untouched", async () => {
  const rig = await startSimRig("kube-controllers/db.yaml", { ready: (c) => c.api.list({ apiVersion: "v1", kind: "PersistentVolumeClaim" }, "data").length === 3 });
  try {
    const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "data", name: "data-db-0" };
    const before = rig.cluster.api.get(pvc)!;
    const desired = edited(before, (c) => void (spec(c)["storageClassName"] = "fast"));
    const outcome = await runReplacement({ target: pvc, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    assert.equal(outcome.kind, "refused");
    assert.ok(outcome.kind === "refused" && outcome.refusal.procedure.some((s) => s.includes("VolumeSnapshot")));
    assert.deepEqual(rig.cluster.server.requests.filter((r) => r.method !== "GET"), []);
    assert.equal(uid(rig.cluster.api.get(pvc)), uid(before));
  } finally {
    await rig.stop();
  }
});

test("without a desired manifest a Flux-owned StatefulSet is re-created by its Kustomization (requestedAt), adopts its pods by name, and nothing is left over", async () => {
  const [sts] = loadDocuments("kube-controllers/db.yaml").filter(isJsonObject).filter((o) => o["kind"] === "StatefulSet");
  const fromGit = edited(asFlux(sts!), (c) => void (spec(c)["podManagementPolicy"] = "OrderedReady"));
  const owner = createFluxOwner(new Map([["flux-system/shop", [fromGit]]]));
  const kustomization: JsonObject = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "shop", namespace: "flux-system" }, spec: { interval: "10m", path: "./shop", prune: true, sourceRef: { kind: "GitRepository", name: "shop" } } };
  const rig = await startSimRig("kube-controllers/db.yaml", {
    edit: asFlux,
    owners: [owner],
    extra: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } }, kustomization],
    ready: (c) => {
      const st = c.api.get(DB)?.["status"];
      return isJsonObject(st) && st["readyReplicas"] === 3;
    },
  });
  try {
    const { api } = rig.cluster;
    const oldPods = api.list({ apiVersion: "v1", kind: "Pod" }, "data").map((p) => uid(p)).sort();
    const recorder = rig.cluster.recordReadyPods("data", "db-read");
    const outcome = await runReplacement({ target: DB, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    recorder.stop();
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    assert.equal(owner.applies(), 1, "one reconcile requested and handled");
    assert.ok(recorder.min >= 3, `min ${recorder.min}`);
    const set = api.get(DB)!;
    assert.equal(spec(set)["podManagementPolicy"], "OrderedReady");
    const pods = api.list({ apiVersion: "v1", kind: "Pod" }, "data");
    assert.deepEqual(pods.map((p) => uid(p)).sort(), oldPods, "the same pods, adopted");
    for (const p of pods) assert.equal(controllerOf(p), `StatefulSet/db/${uid(set)}`);
  } finally {
    await rig.stop();
  }
});
