import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { POD } from "./kinds.ts";
import { isPodReady, podCondition, podPhase } from "./pod-conditions.ts";
import { restartsAfter } from "./pod-lifecycle.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

function pod(name: string, extra: JsonObject = {}): JsonObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: "app", image: "app:1" }], ...extra } };
}

describe("simulated kubelet and scheduler", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster({ kubelet: { startDelayMs: 2_000, readinessDelayMs: 3_000 } });
  });
  afterEach(() => cluster.stop());
  const get = (name: string): JsonObject | undefined => cluster.api.get({ ...POD, namespace: "default", name });

  it("schedules, starts and readies a pod on the simulated timeline, with the kubelet's status", async () => {
    await cluster.api.create(pod("a"));
    await cluster.step();
    assert.equal(objectField(get("a")!, "spec")["nodeName"], "node-1");
    assert.equal(podPhase(get("a")!), "Pending");
    assert.equal(objectsField(objectField(get("a")!, "status"), "containerStatuses")[0]?.["state"] !== undefined, true);
    await cluster.advance(2_000);
    assert.equal(podPhase(get("a")!), "Running");
    assert.equal(isPodReady(get("a")!), false);
    assert.match(String(objectField(get("a")!, "status")["podIP"]), /^10\.244\.0\.\d+$/);
    await cluster.advance(2_000);
    assert.equal(isPodReady(get("a")!), false, "4 s: not yet");
    await cluster.advance(1_000);
    assert.equal(isPodReady(get("a")!), true, "5 s: start 2 s + readiness 3 s");
    assert.equal(podCondition(get("a")!, "Ready")?.["lastTransitionTime"], "2026-01-01T00:00:05Z");
  });

  it("spreads pods over the nodes, fewest pods first", async () => {
    for (const name of ["p1", "p2", "p3", "p4"]) await cluster.api.create(pod(name));
    await cluster.step();
    assert.deepEqual(["p1", "p2", "p3", "p4"].map((n) => objectField(get(n)!, "spec")["nodeName"]), ["node-1", "node-2", "node-3", "node-1"]);
  });

  it("injects never-ready, crash-loop (restart back-off 10 s doubling) and image-pull failures by name or image", async () => {
    cluster.kubelet.inject({ match: { name: "never" }, behaviour: "never-ready" });
    cluster.kubelet.inject({ match: { image: "crash:1" }, behaviour: "crash-loop" });
    cluster.kubelet.inject({ match: { name: /^pull/ }, behaviour: "image-pull-error" });
    await cluster.api.create(pod("never"));
    await cluster.api.create(pod("crash", { containers: [{ name: "app", image: "crash:1" }] }));
    await cluster.api.create(pod("pull-1"));
    await cluster.advance(60_000);
    assert.equal(podPhase(get("never")!), "Running");
    assert.equal(isPodReady(get("never")!), false);
    const crash = objectsField(objectField(get("crash")!, "status"), "containerStatuses")[0]!;
    assert.equal(objectField(objectField(crash, "state"), "waiting")["reason"], "CrashLoopBackOff");
    assert.equal(crash["restartCount"], 2, "58 s after start: restarts at 10 s and 30 s, the next at 70 s");
    assert.equal(podPhase(get("pull-1")!), "Pending");
    assert.equal(objectField(objectField(objectsField(objectField(get("pull-1")!, "status"), "containerStatuses")[0]!, "state"), "waiting")["reason"], "ImagePullBackOff");
    assert.deepEqual([0, 9_999, 10_000, 30_000, 70_000, 150_000, 310_000, 610_000].map(restartsAfter), [0, 0, 1, 2, 3, 4, 5, 6]);
  });

  it("runs restartPolicy Never pods to Succeeded or Failed", async () => {
    cluster.kubelet.inject({ match: { name: "bad" }, behaviour: "fail", runDurationMs: 4_000 });
    await cluster.api.create(pod("good", { restartPolicy: "Never" }));
    await cluster.api.create(pod("bad", { restartPolicy: "Never" }));
    await cluster.advance(20_000);
    assert.equal(podPhase(get("good")!), "Succeeded");
    assert.equal(podPhase(get("bad")!), "Failed");
    const terminated = objectField(objectField(objectsField(objectField(get("bad")!, "status"), "containerStatuses")[0]!, "state"), "terminated");
    assert.deepEqual([terminated["exitCode"], terminated["reason"], terminated["finishedAt"]], [1, "Error", "2026-01-01T00:00:07Z"], "seen at the first tick (1 s), running at 3 s, exited 4 s later");
  });

  it("deletes a pod gracefully: not ready at once, gone after the shutdown delay, or at the end of a shorter grace period", async () => {
    await cluster.api.create(pod("slow"));
    await cluster.api.create(pod("quick", { terminationGracePeriodSeconds: 1 }));
    await cluster.advance(6_000);
    await cluster.api.delete({ ...POD, namespace: "default", name: "slow" });
    await cluster.api.delete({ ...POD, namespace: "default", name: "quick" });
    assert.equal(objectField(get("slow")!, "metadata")["deletionTimestamp"], "2026-01-01T00:00:36Z", "now + 30 s");
    await cluster.step();
    assert.equal(isPodReady(get("slow")!), false);
    await cluster.advance(1_000);
    assert.equal(get("quick"), undefined, "1 s grace");
    assert.ok(get("slow"));
    await cluster.advance(1_000);
    assert.equal(get("slow"), undefined, "exited 2 s after SIGTERM (DEFAULT_SHUTDOWN_DELAY_MS)");
  });

  it("deletes an unscheduled pod at once (no kubelet would confirm), and leaves pods alone on no node", async () => {
    const lonely = await startSimulatedCluster({ nodes: 0 });
    try {
      await lonely.api.create(pod("nowhere"));
      await lonely.step();
      const stuck = lonely.api.get({ ...POD, namespace: "default", name: "nowhere" })!;
      assert.equal(podCondition(stuck, "PodScheduled")?.["reason"], "Unschedulable");
      await lonely.api.delete({ ...POD, namespace: "default", name: "nowhere" });
      assert.equal(lonely.api.get({ ...POD, namespace: "default", name: "nowhere" }), undefined);
    } finally {
      await lonely.stop();
    }
    assert.equal(meta(pod("x"), "name"), "x");
  });
});
