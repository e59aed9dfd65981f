import { getAt, type PathSegment } from "../k8s/field-path.ts";
import { cloneJson, isEmptyValue, type JsonObject } from "../k8s/json.ts";
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
 * After a removal, removes the parents it left empty that the live object does not have: a
 * removed `affinity.podAntiAffinity.preferred…` must not leave `affinity: {podAntiAffinity: {}}`
 * behind, because kube-apiserver decodes `{}` into a non-nil pointer to an empty struct, which
 * apiequality.Semantic.DeepEqual tells from nil (an immutable template would still differ).
 * List items are never removed this way (that would shift the list).
 */
function pruneEmptyParents(target: JsonObject, live: JsonObject, path: readonly PathSegment[]): void {
  for (let depth = path.length - 1; depth > 0; depth--) {
    const parent = path.slice(0, depth);
    if (typeof parent[parent.length - 1] === "number") return;
    const value = getAt(target, parent);
    // Only an object or list that is there and empty (isEmptyValue also calls null and absent empty).
    if (value === undefined || value === null || !isEmptyValue(value) || getAt(live, parent) !== undefined) return;
    setAt(target, parent, undefined);
  }
}

/**
 * Where to remove a path the live object lacks: inside a list item the live object does not have
 * at all (a scheduling gate added at `schedulingGates[1]`, reported at `schedulingGates[1].name`),
 * the whole item goes, since removing only the key would leave an empty item (`{}`) that the API
 * server validates as a gate without a name; otherwise the path itself.
 */
function removalPoint(live: JsonObject, path: readonly PathSegment[]): readonly PathSegment[] {
  for (let length = 1; length < path.length; length++) {
    if (typeof path[length - 1] === "number" && getAt(live, path.slice(0, length)) === undefined) return path.slice(0, length);
  }
  return path;
}

function dedupe(paths: readonly (readonly PathSegment[])[]): (readonly PathSegment[])[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Puts the live (old) value back at each path of `target` (mutating it): the value is copied from
 * `live`, or removed when the live object has none (a list item it lacks entirely is removed
 * whole), with the parents that removal leaves empty and the live object lacks. Removals run before
 * writes.
 */
export function revertPaths(target: JsonObject, live: JsonObject, paths: readonly (readonly PathSegment[])[]): void {
  const removals = dedupe(paths.filter((p) => getAt(live, p) === undefined).map((p) => removalPoint(live, p))).sort(pathOrder("removals"));
  const writes = paths.filter((p) => getAt(live, p) !== undefined).sort(pathOrder("writes"));
  for (const path of removals) {
    setAt(target, path, undefined);
    pruneEmptyParents(target, live, path);
  }
  for (const path of writes) {
    const value = getAt(live, path);
    if (value !== undefined) setAt(target, path, cloneJson(value));
  }
}
