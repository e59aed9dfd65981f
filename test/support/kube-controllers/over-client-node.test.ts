import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { Watch } from "@kubernetes/client-node";
import { forbidden } from "../kube-apiserver/status-error.ts";
import { kubeClients, type KubeClients } from "../kube-apiserver/kube-clients.ts";
import { waitFor } from "../wait-for.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { objectField, objectsField } from "./json-fields.ts";
import { DEPLOYMENT, REPLICA_SET } from "./kinds.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

describe("simulated controllers seen from client-node", () => {
  let cluster: SimulatedCluster;
  let api: KubeClients;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
    api = kubeClients(cluster.server.kubeconfigPath);
  });
  afterEach(() => cluster.stop());

  it("a client-node watch sees the controllers' writes; reads give the status they wrote; server.requests holds only the client's", async () => {
    const events: string[] = [];
    const watch = await new Watch(api.kubeConfig).watch("/api/v1/namespaces/shop/pods", {}, (type: string, object: { metadata?: { name?: string } }) => {
      events.push(`${type} ${object.metadata?.name ?? ""}`);
    }, () => undefined);
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await cluster.advance(10_000);
    await waitFor("three pods seen added", () => events.filter((e) => e.startsWith("ADDED")).length === 3, { timeoutMs: 3000 });
    watch.abort();
    const deployment = await api.apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
    assert.equal(deployment.status?.readyReplicas, 3);
    assert.equal(deployment.status?.conditions?.find((c) => c.type === "Available")?.reason, "MinimumReplicasAvailable");
    const pods = await api.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=web" });
    assert.equal(pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length, 3);
    assert.deepEqual([...new Set(cluster.server.requests.map((r) => r.method))].sort(), ["GET"], "the controllers did not go through HTTP");
  });

  it("an admission denial of pod creation reaches the ReplicaSet (ReplicaFailure FailedCreate) and the Deployment, and clears when lifted", async () => {
    cluster.server.setAdmission({
      mutating: [],
      validating: [(request) => {
        if (request.resource.plural === "pods" && request.operation === "CREATE") throw forbidden('admission webhook "quota.example.com" denied the request: pods are frozen');
      }],
    });
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await cluster.advance(3_000);
    const rs = cluster.api.list(REPLICA_SET, "shop")[0]!;
    const failure = objectsField(objectField(rs, "status"), "conditions").find((c) => c["type"] === "ReplicaFailure");
    assert.equal(failure?.["reason"], "FailedCreate");
    assert.match(String(failure?.["message"]), /denied the request: pods are frozen/);
    const deployment = cluster.api.get({ ...DEPLOYMENT, namespace: "shop", name: "web" })!;
    assert.equal(objectsField(objectField(deployment, "status"), "conditions").find((c) => c["type"] === "ReplicaFailure")?.["reason"], "FailedCreate");
    assert.ok(cluster.errors.some((e) => e.controller === "replicaset-controller" && e.code === 403));
    cluster.server.setAdmission({ mutating: [], validating: [] });
    await cluster.advance(10_000);
    const healed = cluster.api.get({ ...DEPLOYMENT, namespace: "shop", name: "web" })!;
    assert.equal(objectField(healed, "status")["availableReplicas"], 3);
    assert.equal(objectsField(objectField(healed, "status"), "conditions").find((c) => c["type"] === "ReplicaFailure"), undefined);
  });
});
