import { getAt, type PathSegment } from "../k8s/field-path.ts";
import { cloneJson, type JsonObject } from "../k8s/json.ts";
import { setAt } from "../k8s/set-at.ts";

function compareForDeletion(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  // Deepest and highest index first, so splicing one item never shifts another still to delete.
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    return String(x) < String(y) ? -1 : 1;
  }
  return b.length - a.length;
}

function compareForWrite(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  // Shallow and lowest index first, so an array is refilled in order.
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Puts the live (old) value back at each path of `target` (mutating it): the value is copied from
 * `live`, or removed when the live object has none. Removals run before writes.
 */
export function revertPaths(target: JsonObject, live: JsonObject, paths: readonly (readonly PathSegment[])[]): void {
  const removals = paths.filter((p) => getAt(live, p) === undefined).sort(compareForDeletion);
  const writes = paths.filter((p) => getAt(live, p) !== undefined).sort(compareForWrite);
  for (const path of removals) setAt(target, path, undefined);
  for (const path of writes) {
    const value = getAt(live, path);
    if (value !== undefined) setAt(target, path, cloneJson(value));
  }
}
