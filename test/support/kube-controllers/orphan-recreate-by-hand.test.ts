import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { V1Deployment } from "@kubernetes/client-node";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { kubeClients, type KubeClients } from "../kube-apiserver/kube-clients.ts";
import { loadDocuments } from "../load-yaml.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

/**
 * The simulation against the two procedures of watch-recovery.md §6: Flux's force (background
 * delete, then create) and the hand procedure gitops-guard automates (orphan delete, create,
 * wait, switch the Service, drain, remove the orphans), both through client-node over HTTPS with
 * the cluster driven by simulated time. The recorder tells them apart; these are the reference
 * for the engine's scenario tests, not the engine.
 */

const NS = "shop";
const REPLICAS = 3;
// 25 % of 3: maxSurge rounds up to 1, maxUnavailable down to 0.
const MAX_UNAVAILABLE = 0;
const DRAIN_MS = 30_000;

function desired(): V1Deployment {
  const manifest = loadDocuments("kube-controllers/web.yaml")[0] as V1Deployment;
  // kustomize commonLabels: the new label lands in the selector and the template.
  manifest.spec!.selector = { matchLabels: { app: "web", env: "prod" } };
  manifest.spec!.template.metadata!.labels = { app: "web", env: "prod" };
  return manifest;
}

describe("orphan-recreate by hand versus Flux's force, in the simulated cluster", () => {
  let cluster: SimulatedCluster;
  let api: KubeClients;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
    api = kubeClients(cluster.server.kubeconfigPath);
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await cluster.advance(10_000);
  });
  afterEach(() => cluster.stop());

  const available = async (labelSelector: string): Promise<number> =>
    (await api.core.listNamespacedPod({ namespace: NS, labelSelector })).items
      .filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;

  it("Flux's force (background delete, then create) leaves the Service with no ready pod", async () => {
    const recorder = cluster.recordReadyPods(NS, "web");
    await api.apps.deleteNamespacedDeployment({ name: "web", namespace: NS, propagationPolicy: "Background" });
    await cluster.runUntil(() => cluster.api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, NS).length === 0, { timeoutMs: 30_000, what: "old ReplicaSet gone" });
    await api.apps.createNamespacedDeployment({ namespace: NS, body: loadDocuments("kube-controllers/web.yaml")[0] as V1Deployment });
    await cluster.advance(20_000);
    recorder.stop();
    assert.equal(recorder.min, 0, "downtime");
    assert.ok(recorder.min < REPLICAS - MAX_UNAVAILABLE, "the issue's assertion fails for it");
  });

  it("orphan delete, create with the new selector, wait, switch the Service, drain, remove the orphans: never below replicas − maxUnavailable", async () => {
    const recorder = cluster.recordReadyPods(NS, "web");
    await api.apps.deleteNamespacedDeployment({ name: "web", namespace: NS, propagationPolicy: "Orphan" });
    await cluster.step();
    await api.apps.createNamespacedDeployment({ namespace: NS, body: desired() });
    const sleep = (ms: number): Promise<void> => cluster.advance(ms);
    while ((await available("app=web,env=prod")) < REPLICAS) await sleep(1_000);
    await api.core.patchNamespacedService({ name: "web", namespace: NS, body: { spec: { selector: { app: "web", env: "prod" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await sleep(DRAIN_MS);
    const orphans = (await api.apps.listNamespacedReplicaSet({ namespace: NS })).items.filter((rs) => !rs.metadata?.ownerReferences?.length);
    assert.equal(orphans.length, 1);
    for (const rs of orphans) await api.apps.deleteNamespacedReplicaSet({ name: rs.metadata!.name!, namespace: NS, propagationPolicy: "Foreground" });
    await cluster.runUntil(() => cluster.api.list({ apiVersion: "v1", kind: "Pod" }, NS).length === REPLICAS, { timeoutMs: 60_000, what: "old pods gone" });
    recorder.stop();
    assert.ok(recorder.min >= REPLICAS - MAX_UNAVAILABLE, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const left = (await api.apps.listNamespacedReplicaSet({ namespace: NS })).items;
    assert.equal(left.length, 1, "no orphan left (verified by listing)");
    assert.deepEqual(left[0]!.spec?.selector?.matchLabels?.["env"], "prod");
    assert.equal(await available("app=web"), REPLICAS);
  });
});
