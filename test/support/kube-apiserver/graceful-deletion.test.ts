import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "../wait-for.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { podGracePeriodSeconds } from "./pod-grace-period.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

describe("simulated API server: graceful pod deletion and foreground deletion through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  let nowMs = Date.UTC(2026, 0, 1);
  before(async () => {
    server = await startKubeApiServer({ now: () => new Date(nowMs) });
    api = kubeClients(server.kubeconfigPath);
  });
  after(() => server.stop());

  const pod = (name: string, extra: Record<string, unknown> = {}): Parameters<KubeClients["core"]["createNamespacedPod"]>[0] => ({
    namespace: "default",
    body: { metadata: { name }, spec: { nodeName: "node-1", terminationGracePeriodSeconds: 30, containers: [{ name: "app", image: "app:1" }], ...extra } },
  });

  it("computes the grace period as the pod strategy does", () => {
    const scheduled = { spec: { nodeName: "n", terminationGracePeriodSeconds: 30 }, status: { phase: "Running" } };
    assert.equal(podGracePeriodSeconds(scheduled, undefined), 30);
    assert.equal(podGracePeriodSeconds(scheduled, 5), 5, "DeleteOptions win");
    assert.equal(podGracePeriodSeconds(scheduled, -3), 1);
    assert.equal(podGracePeriodSeconds({ ...scheduled, spec: { terminationGracePeriodSeconds: 30 } }, undefined), 0, "not scheduled");
    assert.equal(podGracePeriodSeconds({ ...scheduled, status: { phase: "Succeeded" } }, undefined), 0, "finished");
    assert.equal(podGracePeriodSeconds({ spec: { nodeName: "n" } }, undefined), 0, "no default without defaulting");
  });

  it("marks a running pod (deletionTimestamp = now + grace), keeps it through status updates, and removes it on gracePeriodSeconds=0", async () => {
    await api.core.createNamespacedPod(pod("graceful"));
    await api.core.deleteNamespacedPod({ name: "graceful", namespace: "default" });
    const marked = await api.core.readNamespacedPod({ name: "graceful", namespace: "default" });
    assert.equal(marked.metadata?.deletionTimestamp?.toISOString(), "2026-01-01T00:00:30.000Z");
    assert.equal(marked.metadata?.deletionGracePeriodSeconds, 30);
    await api.core.replaceNamespacedPodStatus({ name: "graceful", namespace: "default", body: { ...marked, status: { phase: "Running" } } });
    assert.ok(server.store.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "graceful" }), "a status update does not finish it");
    await api.core.deleteNamespacedPod({ name: "graceful", namespace: "default", gracePeriodSeconds: 10 });
    const shorter = server.store.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "graceful" });
    assert.equal((shorter?.["metadata"] as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds, 10, "shortened");
    await api.core.deleteNamespacedPod({ name: "graceful", namespace: "default", gracePeriodSeconds: 0 });
    assert.equal(server.store.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "graceful" }), undefined);
  });

  it("keeps a foreground-deleted owner until its blocking dependents are gone, including a pod in its grace period", async () => {
    const owner = await api.apps.createNamespacedReplicaSet({ namespace: "default", body: { metadata: { name: "owner" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } } } });
    const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "owner", uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
    await api.core.createNamespacedPod({ ...pod("held"), body: { ...pod("held").body, metadata: { name: "held", ownerReferences: [ref] } } });
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "loose", ownerReferences: [{ ...ref, controller: false, blockOwnerDeletion: false }] } } });
    await api.apps.deleteNamespacedReplicaSet({ name: "owner", namespace: "default", propagationPolicy: "Foreground" });
    await waitFor("the loose dependent goes", () => server.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "loose" }) === undefined, { timeoutMs: 2000 });
    assert.ok(server.store.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "held" }), "the pod is in its grace period");
    assert.ok(server.store.get({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default", name: "owner" }), "so the owner waits");
    nowMs += 30_000;
    await api.core.deleteNamespacedPod({ name: "held", namespace: "default", gracePeriodSeconds: 0 });
    await waitFor("the owner goes after its pod", () => server.store.get({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default", name: "owner" }) === undefined, { timeoutMs: 2000 });
  });

  it("orphans a batch/v1 Job's pods when the DELETE names no propagationPolicy", async () => {
    const job = await server.store.put({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "once", namespace: "default" }, spec: { template: { spec: { containers: [] } } } });
    const uid = String((job["metadata"] as { uid: string }).uid);
    await api.core.createNamespacedPod({ ...pod("job-pod"), body: { ...pod("job-pod").body, metadata: { name: "job-pod", ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "once", uid, controller: true, blockOwnerDeletion: true }] } } });
    const batch = api.kubeConfig.makeApiClient((await import("@kubernetes/client-node")).BatchV1Api);
    await batch.deleteNamespacedJob({ name: "once", namespace: "default" });
    await waitFor("the Job goes", () => server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "default", name: "once" }) === undefined, { timeoutMs: 2000 });
    const left = server.store.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "job-pod" });
    assert.ok(left, "the pod stays");
    assert.deepEqual((left["metadata"] as { ownerReferences?: unknown[] }).ownerReferences, []);
  });
});
