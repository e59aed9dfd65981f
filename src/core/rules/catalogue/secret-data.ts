import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { base64Utf8 } from "../../k8s/base64-utf8.ts";

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

/** `data` as the API server validates it: `stringData` entries are encoded and override `data`. */
function effectiveData(secret: JsonObject): Record<string, string> {
  const data = strings(getAt(secret, ["data"]));
  for (const [key, text] of Object.entries(strings(getAt(secret, ["stringData"])))) data[key] = base64Utf8(text);
  return data;
}

/**
 * `ValidateSecretUpdate` with a stored `immutable: true` (the rule's `when`): `data` may not change.
 * A change made through `stringData` is reported there and at the `data` key it overrides.
 */
export function secretDataFrozen(input: RuleInput): Violation[] {
  const before = effectiveData(input.old);
  const after = effectiveData(input.new);
  const viaStringData = strings(getAt(input.new, ["stringData"]));
  const violations: Violation[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[key] === after[key]) continue;
    for (const field of key in viaStringData ? ["stringData", "data"] : ["data"]) {
      const path = [field, key];
      violations.push({ path, from: getAt(input.old, path), to: getAt(input.new, path) });
    }
  }
  return violations;
}
