import type { JsonValue } from "./json.ts";

/**
 * Deepest nesting of objects and arrays the webhook judges: 100 levels.
 *
 * The core's walks (compare, the rules, the patch diff) recurse, and some copy the path at each
 * level: their cost grows with the square of the depth and their stack with the depth. An
 * outside probe sent a 10,000-deep value in a Job template (Go's encoding/json, and so
 * kube-apiserver, accepts nesting up to 10,000): the decision overflowed the stack at about 2,500
 * levels (failing open) and took 34 ms at 1,000, past 1 s with several of them queued.
 *
 * No Kubernetes object comes near 100: a built-in kind's deepest field path is about 20 levels
 * (a Pod template's projected volume items), Flux HelmRelease values and CRD openAPIV3Schema
 * documents of real charts and operators stay under 40. A review nested deeper is answered by
 * the failure mode (ERR_REVIEW_TOO_DEEP: allowed with a warning by default, denied when the
 * policy fails closed), without being walked. Measured in bench/hostile-serve.ts: a review at
 * the limit decides in well under a millisecond.
 */
export const MAX_JUDGED_DEPTH = 100;

/**
 * True when `value` nests objects or arrays more than `max` levels deep (a scalar is level 0,
 * `{}` level 1). Iterative, with an explicit stack: it is the guard in front of the recursive
 * walks, so it must not recurse itself. Stops at the first node past `max`.
 */
export function nestsDeeperThan(value: JsonValue | undefined, max: number): boolean {
  const stack: { readonly node: JsonValue | undefined; readonly depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > max) return true;
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object" && item !== null) stack.push({ node: item, depth: depth + 1 });
    } else {
      for (const key in node) {
        if (!Object.hasOwn(node, key)) continue;
        const child = node[key];
        if (typeof child === "object" && child !== null) stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return false;
}
