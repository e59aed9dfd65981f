import { getAt, type PathSegment } from "../k8s/field-path.ts";
import { cloneJson, type JsonObject } from "../k8s/json.ts";
import { setAt } from "../k8s/set-at.ts";

/**
 * Orders paths for reverting. Removals go deepest and highest index first, so splicing one item
 * never shifts another still to remove; writes go shallow and lowest index first, so an array is
 * refilled in order.
 */
function pathOrder(direction: "removals" | "writes"): (a: readonly PathSegment[], b: readonly PathSegment[]) => number {
  const sign = direction === "removals" ? -1 : 1;
  return (a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x === y) continue;
      if (typeof x === "number" && typeof y === "number") return sign * (x - y);
      return String(x) < String(y) ? -1 : 1;
    }
    return sign * (a.length - b.length);
  };
}

/**
 * Puts the live (old) value back at each path of `target` (mutating it): the value is copied from
 * `live`, or removed when the live object has none. Removals run before writes.
 */
export function revertPaths(target: JsonObject, live: JsonObject, paths: readonly (readonly PathSegment[])[]): void {
  const removals = paths.filter((p) => getAt(live, p) === undefined).sort(pathOrder("removals"));
  const writes = paths.filter((p) => getAt(live, p) !== undefined).sort(pathOrder("writes"));
  for (const path of removals) setAt(target, path, undefined);
  for (const path of writes) {
    const value = getAt(live, path);
    if (value !== undefined) setAt(target, path, cloneJson(value));
  }
}
