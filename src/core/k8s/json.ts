/** JSON values as they arrive on the wire (AdmissionReview bodies, YAML manifests). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Absent or null: a nil Go pointer (`{}` is a set pointer, see CompareOptions.pointerStructs). */
export function isNil(value: JsonValue | undefined): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * Kubernetes' semantic equality treats nil and empty maps/slices alike
 * (apimachinery `third_party/forked/golang/reflect` DeepEqual); so do we: absent, null, {} and []
 * are all "empty".
 */
export function isEmptyValue(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) {
    // No Object.keys: compare calls this on every node, and an array per node is measurable.
    for (const key in value) if (Object.hasOwn(value, key)) return false;
    return true;
  }
  return false;
}

/** Deep equality with Kubernetes' empty-equals-absent semantics (see isEmptyValue). */
export function semanticEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!semanticEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * A deep copy of a JSON value. Hand-written rather than structuredClone: the values copied here
 * are small (a restored selector, a label), and structuredClone's serialize/deserialize round
 * trip cost about 3 µs per call on the webhook's restore path. A `__proto__` key (YAML may hold
 * one) is defined as an own property, never assigned (assignment would set the prototype).
 */
export function cloneJson<T extends JsonValue>(value: T): T;
export function cloneJson(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => cloneJson(item));
  const out: JsonObject = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const copy = cloneJson(value[key]!);
    if (key === "__proto__") Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}
