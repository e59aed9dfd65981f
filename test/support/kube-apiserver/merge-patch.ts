import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

/**
 * RFC 7386 JSON merge patch: objects merge key by key, `null` removes a key, anything else
 * (arrays included) replaces. Returns a new value; neither argument is changed.
 */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const out = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
