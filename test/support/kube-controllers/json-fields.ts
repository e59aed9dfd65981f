import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

/** Readers for the JSON the simulated controllers handle: absent or mistyped fields read as empty. */

/** `obj[key]` when it is an object, else a fresh {} (not attached to obj). */
export function objectField(obj: JsonObject | undefined, key: string): JsonObject {
  const value = obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
  return isJsonObject(value) ? value : {};
}

/** `obj[key]` when it is a number, else `fallback`. */
export function numberField(obj: JsonObject | undefined, key: string, fallback: number): number {
  const value = obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
  return typeof value === "number" ? value : fallback;
}

/** `obj[key]` when it is a string, else "". */
export function stringField(obj: JsonObject | undefined, key: string): string {
  const value = obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
  return typeof value === "string" ? value : "";
}

/** The objects of the array at `obj[key]` (non-objects skipped). */
export function objectsField(obj: JsonObject | undefined, key: string): JsonObject[] {
  const value: JsonValue | undefined = obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** metadata.name, metadata.namespace, metadata.uid… of an object ("" when absent). */
export function meta(obj: JsonObject, key: string): string {
  return stringField(objectField(obj, "metadata"), key);
}

/** metadata.creationTimestamp in epoch milliseconds (0 when absent). */
export function createdMs(obj: JsonObject): number {
  const text = meta(obj, "creationTimestamp");
  return text === "" ? 0 : Date.parse(text);
}

/** True when metadata.deletionTimestamp is set. */
export function isDeleting(obj: JsonObject): boolean {
  return meta(obj, "deletionTimestamp") !== "";
}

/** Oldest first (creationTimestamp, then name), as the controllers' ByCreationTimestamp sorts. */
export function byCreation(a: JsonObject, b: JsonObject): number {
  return createdMs(a) - createdMs(b) || meta(a, "name").localeCompare(meta(b, "name"));
}
