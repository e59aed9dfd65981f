import { isEmptyValue, isJsonObject, semanticEqual, type JsonObject, type JsonValue } from "../k8s/json.ts";
import { patternCovers, type PathSegment } from "../k8s/field-path.ts";
import { childScope, WHOLE_DOCUMENT, type PathScope } from "./path-scope.ts";

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
  /** Only paths in this scope are compared (find: the paths the kind's rules watch). Default: all. */
  readonly scope?: PathScope;
  /**
   * Paths (relative to the compared values; "*" = any key or index) of Go pointer-to-struct fields,
   * where `{}` is a set value and differs from absent or null: `affinity: {}` decodes to a non-nil
   * `*Affinity`, and Semantic.DeepEqual tells a nil pointer from a pointer to a zero struct (only
   * nil and empty maps and slices are equal to it). Default: none (`{}` equals absent everywhere).
   */
  readonly pointerStructs?: readonly (readonly PathSegment[])[];
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

function isPointerStruct(path: readonly PathSegment[], patterns: readonly (readonly PathSegment[])[]): boolean {
  return patterns.some((p) => p.length === path.length && patternCovers(p, path));
}

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
  const ignore = options.ignore ?? SERVER_MANAGED_PATHS;
  const ignoreDepth = Math.max(0, ...ignore.map((p) => p.length));
  const pointerStructs = options.pointerStructs ?? [];
  walk(oldValue, newValue, [], options.scope ?? WHOLE_DOCUMENT, { ignore, ignoreDepth, pointerStructs, out: changes });
  return changes;
}

interface WalkState {
  readonly ignore: readonly (readonly PathSegment[])[];
  readonly pointerStructs: readonly (readonly PathSegment[])[];
  /** Ignored paths are at most this deep: deeper nodes skip the check. */
  readonly ignoreDepth: number;
  readonly out: FieldChange[];
}

/**
 * Depth-first over both documents with one shared path stack: the path is copied only when a
 * change is recorded (the webhook compares every UPDATE, so allocation per node matters).
 */
function walk(a: JsonValue | undefined, b: JsonValue | undefined, path: PathSegment[], scope: PathScope, state: WalkState): void {
  if (a === b) return;
  if (path.length <= state.ignoreDepth && isIgnored(path, state.ignore)) return;
  if (isEmptyValue(a) && isEmptyValue(b)) {
    // Only `{}` against absent/null can differ, and only at a pointer-to-struct path (rare: checked last).
    if (isJsonObject(a) !== isJsonObject(b) && !Array.isArray(a) && !Array.isArray(b) && isPointerStruct(path, state.pointerStructs)) {
      state.out.push({ path: [...path], from: a, to: b });
    }
    return;
  }
  if (isJsonObject(a) && isJsonObject(b)) return walkObjects(a, b, path, scope, state);
  if (Array.isArray(a) && Array.isArray(b)) return walkArrays(a, b, path, scope, state);
  if (semanticEqual(a, b)) return;
  // A map key holding {} or [] is absent to Kubernetes (omitempty); a list item is there.
  const inList = typeof path[path.length - 1] === "number";
  const shown = (v: JsonValue | undefined): JsonValue | undefined => (!inList && isEmptyValue(v) && v !== null ? undefined : v);
  state.out.push({ path: [...path], from: shown(a), to: shown(b) });
}

function walkObjects(a: JsonObject, b: JsonObject, path: PathSegment[], scope: PathScope, state: WalkState): void {
  for (const key in a) {
    const inner = childScope(scope, key);
    if (!inner) continue;
    path.push(key);
    walk(a[key], Object.hasOwn(b, key) ? b[key] : undefined, path, inner, state);
    path.pop();
  }
  for (const key in b) {
    if (Object.hasOwn(a, key)) continue;
    const inner = childScope(scope, key);
    if (!inner) continue;
    path.push(key);
    walk(undefined, b[key], path, inner, state);
    path.pop();
  }
}

function walkArrays(a: readonly JsonValue[], b: readonly JsonValue[], path: PathSegment[], scope: PathScope, state: WalkState): void {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const inner = childScope(scope, i);
    if (!inner) continue;
    path.push(i);
    walk(a[i], b[i], path, inner, state);
    path.pop();
  }
  // A list item that exists on one side only is a change even when it is empty ({} or null):
  // unlike a map key, its presence shifts the list.
  for (let i = common; i < Math.max(a.length, b.length); i++) {
    if (!childScope(scope, i)) continue;
    state.out.push({ path: [...path, i], from: i < a.length ? a[i] : undefined, to: i < b.length ? b[i] : undefined });
  }
}
