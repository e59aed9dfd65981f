import { isDeepStrictEqual } from "node:util";
import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

function withoutEmpty(value: JsonValue | undefined): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((item) => withoutEmpty(item) ?? null);
  if (!isJsonObject(value)) return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = withoutEmpty(item);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * apimachinery's `equality.Semantic.DeepEqual` as the API server's validation uses it on JSON:
 * nil and empty maps/slices are equal (its forked reflect.DeepEqual), so an absent field, null,
 * `{}` and `[]` compare equal. Written here, apart from src/core, so the simulated API server does
 * not share gitops-guard's own comparison (a bug there must not hide in both).
 */
export function semanticDeepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return isDeepStrictEqual(withoutEmpty(a), withoutEmpty(b));
}
