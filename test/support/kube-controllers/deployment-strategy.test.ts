import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject, JsonValue } from "../../../src/core/k8s/json.ts";
import { maxSurge, maxUnavailable, newReplicaSetReplicas, oldReplicaSetScaleDowns, resolveFenceposts } from "./deployment-strategy.ts";
import { scaledValue } from "./int-or-percent.ts";

function deployment(replicas: number, rollingUpdate: JsonObject = {}, type = "RollingUpdate"): JsonObject {
  return { metadata: { name: "d" }, spec: { replicas, strategy: { type, rollingUpdate } } };
}

function rs(name: string, created: string, replicas: number, available: number): JsonObject {
  return { metadata: { name, creationTimestamp: created }, spec: { replicas }, status: { replicas, availableReplicas: available } };
}

describe("deployment strategy arithmetic (deploymentutil)", () => {
  it("scales int-or-percent values as intstr.GetScaledValueFromIntOrPercent", () => {
    const cases: [JsonValue | undefined, number, boolean, number][] = [[2, 10, true, 2], ["25%", 3, true, 1], ["25%", 3, false, 0], ["39%", 10, false, 3], [undefined, 4, true, 1]];
    for (const [value, total, up, want] of cases) assert.equal(scaledValue(value, total, up, "25%"), want, JSON.stringify([value, total, up]));
    assert.throws(() => scaledValue("oops", 10, true, "25%"), /invalid value for IntOrString/);
    assert.throws(() => scaledValue(1.5, 10, true, "25%"), /invalid value/);
  });

  it("resolves fenceposts: surge rounds up, unavailable down, 0/0 becomes 0/1; Recreate has neither", () => {
    const table: [JsonObject, number, number, number][] = [
      [{}, 4, 1, 1], [{}, 3, 1, 0], [{}, 10, 3, 2], [{ maxSurge: 0, maxUnavailable: 0 }, 3, 0, 1],
      [{ maxSurge: "39%", maxUnavailable: "39%" }, 10, 4, 3], [{ maxSurge: "50%", maxUnavailable: "50%" }, 5, 3, 2],
    ];
    for (const [params, replicas, surge, unavailable] of table) {
      assert.deepEqual(resolveFenceposts(deployment(replicas, params)), { surge, unavailable }, JSON.stringify([params, replicas]));
    }
    assert.equal(maxUnavailable(deployment(3, { maxUnavailable: 10 })), 3, "never above replicas");
    assert.equal(maxUnavailable(deployment(0)), 0);
    assert.equal(maxUnavailable(deployment(4, {}, "Recreate")), 0);
    assert.equal(maxSurge(deployment(4, {}, "Recreate")), 0);
  });

  it("scales the new ReplicaSet up within replicas + maxSurge, never beyond replicas", () => {
    const d = deployment(4, { maxSurge: 1 });
    const old = rs("old", "2026-01-01T00:00:00Z", 4, 4);
    const fresh = rs("new", "2026-01-01T00:01:00Z", 0, 0);
    assert.equal(newReplicaSetReplicas(d, [old, fresh], fresh), 1, "4 + 1 surge − 4 running");
    assert.equal(newReplicaSetReplicas(d, [rs("old", "x", 1, 1), rs("new", "y", 3, 3)], rs("new", "y", 3, 3)), 4, "capped at replicas");
    assert.equal(newReplicaSetReplicas(d, [old, rs("new", "y", 1, 0)], rs("new", "y", 1, 0)), 1, "at the surge limit: unchanged");
    assert.equal(newReplicaSetReplicas(deployment(4, {}, "Recreate"), [old, fresh], fresh), 4);
  });

  it("scales old ReplicaSets down: unhealthy pods first, then available ones above replicas − maxUnavailable, oldest first", () => {
    const d = deployment(4, { maxSurge: 1, maxUnavailable: 1 });
    // 4 old available + 1 new not yet available: all 5, minAvailable 3, new unavailable 1 → may go down by 1.
    assert.deepEqual(oldReplicaSetScaleDowns(d, [rs("old", "2026-01-01T00:00:00Z", 4, 4)], rs("new", "2026-01-01T00:01:00Z", 1, 0)).map((s) => s.replicas), [3]);
    // An old ReplicaSet with 2 of 4 unavailable: cleaned first (to 2), then nothing more (available 2 < 3).
    assert.deepEqual(oldReplicaSetScaleDowns(d, [rs("old", "2026-01-01T00:00:00Z", 4, 2)], rs("new", "2026-01-01T00:01:00Z", 1, 1)).map((s) => s.replicas), [2]);
    // Two old ReplicaSets: the oldest goes first.
    const downs = oldReplicaSetScaleDowns(deployment(4, { maxSurge: 0, maxUnavailable: 2 }), [rs("b", "2026-01-01T00:00:02Z", 2, 2), rs("a", "2026-01-01T00:00:01Z", 2, 2)], rs("new", "2026-01-01T00:01:00Z", 0, 0));
    assert.deepEqual(downs.map((s) => [s.rs["metadata"], s.replicas]), [[{ name: "a", creationTimestamp: "2026-01-01T00:00:01Z" }, 0]]);
    assert.deepEqual(oldReplicaSetScaleDowns(deployment(3, { maxSurge: 1, maxUnavailable: 0 }), [rs("old", "x", 3, 3)], rs("new", "y", 1, 0)), [], "maxUnavailable 0: nothing until a new pod is available");
  });
});
