import { isRawNumber } from "./lossless-json.ts";

/** JSON values as they arrive on the wire (AdmissionReview bodies, YAML manifests). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON object (not an array, not null, not a number kept as its text: see lossless-json.ts). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawNumber(value);
}

/**
 * The value of an own key, or undefined. Every key a Kubernetes map may hold is data, including
 * "constructor", "toString" or "__proto__": a plain `object[key]` finds Object.prototype's member
 * when the key is absent, so map lookups with keys from requests go through here.
 */
export function ownValue(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Writes an own key, whatever its name: an assignment of "__proto__" would set the object's
 * prototype (dropping the key) instead of writing it.
 */
export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * The string entries of a JSON object as a Map (labels, annotations, data, selectors): lookups by
 * key then never reach Object.prototype. Non-string values are left out.
 */
export function stringMapOf(value: JsonValue | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) if (typeof item === "string") out.set(key, item);
  return out;
}

/** A number's JSON text (a RawNumber's own, a double's String), or undefined for anything else. */
function numberText(value: JsonValue | undefined): string | undefined {
  if (isRawNumber(value)) return value.rawJSON;
  return typeof value === "number" ? String(value) : undefined;
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
  // A number kept as its text equals the same text, or a double that writes as that text.
  if (isRawNumber(a) || isRawNumber(b)) return numberText(a) !== undefined && numberText(a) === numberText(b);
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!semanticEqual(ownValue(a, key), ownValue(b, key))) return false;
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
  if (value === null || typeof value !== "object" || isRawNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item) => cloneJson(item));
  const out: JsonObject = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    setOwn(out, key, cloneJson(value[key]!));
  }
  return out;
}
