import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

/** The value at `keys` inside `object` (object keys only), or undefined when any step is missing. */
export function jsonAt(object: JsonObject | undefined, ...keys: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = object;
  for (const key of keys) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
