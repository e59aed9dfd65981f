import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { DAEMON_SET, NODE, POD } from "./kinds.ts";
import { controllerRefOf } from "./owner-references.ts";
import { isPodAvailable, isPodServing } from "./pod-conditions.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const NS = "monitoring";
const AGENT = { ...DAEMON_SET, namespace: NS, name: "node-agent" };

function editDaemonSet(edit: (d: JsonObject) => void = () => undefined): (obj: JsonObject) => JsonObject {
  return (obj) => {
    edit(obj);
    return obj;
  };
}

describe("simulated DaemonSet controller", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => cluster.stop());

  const pods = (): JsonObject[] => cluster.api.list(POD, NS);
  const nodesOf = (list: readonly JsonObject[]): string[] => list.map((p) => String(objectField(p, "spec")["nodeName"])).sort();
  const status = (): JsonObject => objectField(cluster.api.get(AGENT)!, "status");
  const up = async (edit?: (d: JsonObject) => void): Promise<void> => {
    await createFromFixture(cluster.api, "kube-controllers/node-agent.yaml", edit ? editDaemonSet(edit) : undefined);
    await cluster.runUntil(() => status()["numberAvailable"] === status()["desiredNumberScheduled"] && status()["desiredNumberScheduled"] !== undefined, { timeoutMs: 60_000, what: "agents up" });
  };

  it("runs one pod per Ready node, pinned by node affinity, and reports the counts", async () => {
    await up();
    assert.deepEqual(nodesOf(pods()), ["node-1", "node-2", "node-3"]);
    const affinity = objectField(objectField(pods()[0]!, "spec"), "affinity");
    assert.equal(objectsField(objectsField(objectField(objectField(affinity, "nodeAffinity"), "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms")[0], "matchFields")[0]?.["key"], "metadata.name");
    assert.deepEqual(status(), { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 });
  });

  it("honours the template's nodeSelector and follows a new node", async () => {
    await cluster.api.update({ ...NODE, namespace: "", name: "node-2" }, (n) => ({ ...n, metadata: { ...objectField(n, "metadata"), labels: { ...objectField(objectField(n, "metadata"), "labels"), agent: "yes" } } }));
    await up((d) => {
      objectField(objectField(objectField(d, "spec"), "template"), "spec")["nodeSelector"] = { agent: "yes" };
    });
    assert.deepEqual(nodesOf(pods()), ["node-2"]);
    // A kubelet registers its node and posts its status (the store, as the simulated server's /status would).
    cluster.server.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "node-4", labels: { agent: "yes" } }, status: { conditions: [{ type: "Ready", status: "True" }] } });
    await cluster.advance(10_000);
    assert.deepEqual(nodesOf(pods().filter(isPodServing)), ["node-2", "node-4"]);
  });

  it("re-created with the same selector after an orphan delete, adopts the running pods; with a new selector, runs new pods beside the orphans on every node", async () => {
    await up();
    const uids = pods().map((p) => meta(p, "uid")).sort();
    await cluster.api.delete(AGENT, { propagationPolicy: "Orphan" });
    await cluster.advance(2_000);
    await createFromFixture(cluster.api, "kube-controllers/node-agent.yaml");
    await cluster.advance(5_000);
    assert.deepEqual(pods().map((p) => meta(p, "uid")).sort(), uids, "adopted, not replaced");
    assert.ok(pods().every((p) => controllerRefOf(p)?.["uid"] === meta(cluster.api.get(AGENT)!, "uid")));

    await cluster.api.delete(AGENT, { propagationPolicy: "Orphan" });
    await cluster.advance(2_000);
    await createFromFixture(cluster.api, "kube-controllers/node-agent.yaml", editDaemonSet((d) => {
      objectField(d, "spec")["selector"] = { matchLabels: { app: "node-agent", tier: "system" } };
      objectField(objectField(objectField(d, "spec"), "template"), "metadata")["labels"] = { app: "node-agent", tier: "system" };
    }));
    await cluster.advance(10_000);
    assert.equal(pods().length, 6);
    assert.deepEqual(nodesOf(pods().filter((p) => controllerRefOf(p) === undefined)), ["node-1", "node-2", "node-3"], "old pods orphaned");
    assert.deepEqual(nodesOf(pods().filter((p) => controllerRefOf(p) !== undefined && isPodServing(p))), ["node-1", "node-2", "node-3"], "new pods beside them");
  });

  it("RollingUpdate (maxUnavailable 1): never more than one node without an available agent; a node's new pod starts after its old one is gone", async () => {
    await up();
    let worst = 0;
    const off = cluster.server.context.store.subscribe(() => {
      const available = new Set(nodesOf(pods().filter((p) => meta(p, "deletionTimestamp") === "" && isPodAvailable(p, 0, cluster.clock.nowMs()))));
      worst = Math.max(worst, 3 - available.size);
    });
    await cluster.api.update(AGENT, (d) => {
      objectsField(objectField(objectField(objectField(d, "spec"), "template"), "spec"), "containers")[0]!["image"] = "ghcr.io/example/agent:2.1.0";
      return d;
    });
    await cluster.runUntil(() => status()["updatedNumberScheduled"] === 3 && status()["numberAvailable"] === 3, { timeoutMs: 120_000, what: "agents updated" });
    off();
    assert.equal(worst, 1);
    assert.equal(pods().length, 3);
  });
});
