import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { podsToDelete } from "./pods-to-delete.ts";

function pod(name: string, options: { node?: string; phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string; cost?: string } = {}): JsonObject {
  return {
    metadata: { name, creationTimestamp: options.created ?? "2026-01-01T00:00:00Z", ...(options.cost ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": options.cost } } : {}) },
    spec: options.node === "" ? {} : { nodeName: options.node ?? "node-1" },
    status: {
      phase: options.phase ?? "Running",
      conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True", lastTransitionTime: options.readySince ?? "2026-01-01T00:00:10Z" }],
      containerStatuses: [{ restartCount: options.restarts ?? 0 }],
    },
  };
}

const names = (pods: JsonObject[]): string[] => pods.map((p) => String((p["metadata"] as JsonObject)["name"]));

describe("pods a ReplicaSet deletes first (ActivePodsWithRanks)", () => {
  it("orders by every upstream criterion in turn", () => {
    const cases: [string, JsonObject[], string][] = [
      ["unscheduled first", [pod("a"), pod("b", { node: "" })], "b"],
      ["Pending before Running", [pod("a"), pod("b", { phase: "Pending" })], "b"],
      ["not ready before ready", [pod("a"), pod("b", { ready: false })], "b"],
      ["lower deletion cost first", [pod("a", { cost: "10" }), pod("b", { cost: "-5" })], "b"],
      ["doubled-up node first", [pod("a", { node: "node-1" }), pod("b", { node: "node-2" }), pod("c", { node: "node-2" })], "b"],
      ["ready for less time first", [pod("a", { readySince: "2026-01-01T00:00:05Z" }), pod("b", { readySince: "2026-01-01T00:00:20Z" })], "b"],
      ["more restarts first", [pod("a"), pod("b", { restarts: 3 })], "b"],
      ["newer first", [pod("a"), pod("b", { created: "2026-01-01T00:05:00Z" })], "b"],
    ];
    for (const [what, pods, first] of cases) assert.deepEqual(names(podsToDelete(pods, pods, 1)), [first], what);
  });

  it("takes as many as asked, none for zero or less", () => {
    const pods = [pod("a"), pod("b", { ready: false }), pod("c", { phase: "Pending" })];
    assert.deepEqual(names(podsToDelete(pods, pods, 2)), ["c", "b"]);
    assert.deepEqual(podsToDelete(pods, pods, 0), []);
    assert.deepEqual(podsToDelete(pods, pods, -1), []);
  });
});
