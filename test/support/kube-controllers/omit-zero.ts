import type { JsonObject } from "../../../src/core/k8s/json.ts";

/**
 * `status` without the `keys` whose value is 0: the apps/v1 status counters are `omitempty`, so a
 * real controller's status has no `readyReplicas: 0` (code that reads `status.readyReplicas === 0`
 * would fail on a real cluster, and here too).
 */
export function omitZero(status: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(status)) if (!(keys.includes(key) && value === 0)) out[key] = value;
  return out;
}
