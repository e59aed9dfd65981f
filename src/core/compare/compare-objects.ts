import { isEmptyValue, isJsonObject, semanticEqual, type JsonValue } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";

/**
 * One difference between two JSON documents, reported where the two diverge: a leaf whose value
 * changed, or the root of a subtree that exists on one side only. `from`/`to` are undefined when
 * the value is absent on that side.
 */
export interface FieldChange {
  readonly path: readonly PathSegment[];
  readonly from: JsonValue | undefined;
  readonly to: JsonValue | undefined;
}

/** Where to stop descending: status is reset by the API server on main-resource updates. */
export interface CompareOptions {
  /** Top-level keys not compared. Default: status and the server-managed metadata fields below. */
  readonly ignore?: readonly (readonly PathSegment[])[];
}

/**
 * Fields the API server owns or resets on every update (rest.BeforeUpdate; k8s-immutable-fields §1):
 * differences there are never a change of intent, so they are not reported.
 */
export const SERVER_MANAGED_PATHS: readonly (readonly PathSegment[])[] = [
  ["status"],
  ["metadata", "managedFields"],
  ["metadata", "resourceVersion"],
  ["metadata", "generation"],
  ["metadata", "creationTimestamp"],
  ["metadata", "selfLink"],
];

function isIgnored(path: readonly PathSegment[], ignore: readonly (readonly PathSegment[])[]): boolean {
  return ignore.some((p) => p.length === path.length && p.every((s, i) => s === path[i]));
}

/**
 * compare(old, new) → the changed field paths, with Kubernetes' semantic equality (nil and empty
 * maps/lists are equal). Arrays are compared index by index, which is how the API server's
 * validation addresses list items (`containers[0]`).
 */
export function compareObjects(
  oldValue: JsonValue | undefined,
  newValue: JsonValue | undefined,
  options: CompareOptions = {},
): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(oldValue, newValue, [], options.ignore ?? SERVER_MANAGED_PATHS, changes);
  return changes;
}

function walk(
  a: JsonValue | undefined,
  b: JsonValue | undefined,
  path: PathSegment[],
  ignore: readonly (readonly PathSegment[])[],
  out: FieldChange[],
): void {
  if (isIgnored(path, ignore)) return;
  if (a === b) return;
  if (isEmptyValue(a) && isEmptyValue(b)) return;
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) walk(a[key], b[key], [...path, key], ignore, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i++) walk(a[i], b[i], [...path, i], ignore, out);
    return;
  }
  if (semanticEqual(a, b)) return;
  out.push({ path, from: isEmptyValue(a) && a !== null ? undefined : a, to: isEmptyValue(b) && b !== null ? undefined : b });
}
