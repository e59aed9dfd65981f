import { isJsonObject, setOwn, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { parseQuantity } from "../../k8s/quantity.ts";

/**
 * One spelling per amount ("1Gi" and "1024Mi" become the same string): the API server compares
 * resource.Quantity values, not their text. Values that are not quantities are returned as they are.
 */
export function canonicalQuantity(value: JsonValue): JsonValue {
  if (typeof value !== "string" && typeof value !== "number") return value;
  const quantity = parseQuantity(value);
  if (!quantity) return value;
  let { numerator, scale } = quantity;
  while (scale > 0 && numerator % 10n === 0n) {
    numerator /= 10n;
    scale -= 1;
  }
  return `${numerator}e-${scale}`;
}

/** A ResourceList (`requests`, `limits`, `capacity`) with every quantity canonical. */
export function canonicalResourceList(value: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, canonicalQuantity(item));
  return out;
}
