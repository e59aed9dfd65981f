import { getAt } from "../../k8s/field-path.ts";
import { stringMapOf, type JsonObject } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { base64Utf8 } from "../../k8s/base64-utf8.ts";

/** `data` as the API server validates it: `stringData` entries are encoded and override `data`. */
function effectiveData(secret: JsonObject): Map<string, string> {
  const data = stringMapOf(getAt(secret, ["data"]));
  for (const [key, text] of stringMapOf(getAt(secret, ["stringData"]))) data.set(key, base64Utf8(text));
  return data;
}

/**
 * `ValidateSecretUpdate` with a stored `immutable: true` (the rule's `when`): `data` may not change.
 * A change made through `stringData` is reported there and at the `data` key it overrides.
 */
export function secretDataFrozen(input: RuleInput): Violation[] {
  const before = effectiveData(input.old);
  const after = effectiveData(input.new);
  const viaStringData = stringMapOf(getAt(input.new, ["stringData"]));
  const violations: Violation[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) === after.get(key)) continue;
    for (const field of viaStringData.has(key) ? ["stringData", "data"] : ["data"]) {
      const path = [field, key];
      violations.push({ path, from: getAt(input.old, path), to: getAt(input.new, path) });
    }
  }
  return violations;
}
