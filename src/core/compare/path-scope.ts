import type { PathSegment } from "../k8s/field-path.ts";

/**
 * The part of a document worth comparing, as a trie of path patterns: `all` = everything under
 * this node; otherwise only the listed keys (and, for `any`, every other key or index). Built once
 * per kind from the rules' watched paths, so the webhook compares a Deployment's selector and
 * template labels, not its 6 KiB of containers, on every UPDATE.
 */
export interface PathScope {
  /** Everything below this node is in scope. */
  readonly all: boolean;
  /** In-scope children by key or index. Wildcard patterns are already merged into each entry. */
  readonly keys: ReadonlyMap<PathSegment, PathScope>;
  /** The scope of any key or index not in `keys` (from `*` patterns); undefined = out of scope. */
  readonly any: PathScope | undefined;
}

/** The whole document. */
export const WHOLE_DOCUMENT: PathScope = { all: true, keys: new Map(), any: undefined };

/** The child scope for one key or index, or undefined when nothing below it is in scope. */
export function childScope(scope: PathScope, segment: PathSegment): PathScope | undefined {
  return scope.all ? scope : (scope.keys.get(segment) ?? scope.any);
}

/**
 * The scope covering every pattern (each may hold `*` wildcards): a path is in scope when it lies
 * under a pattern or on the way to one.
 */
export function pathScope(patterns: readonly (readonly PathSegment[])[]): PathScope {
  if (patterns.some((p) => p.length === 0)) return WHOLE_DOCUMENT;
  const wildcardRests = patterns.filter((p) => p[0] === "*").map((p) => p.slice(1));
  const bySegment = new Map<PathSegment, (readonly PathSegment[])[]>();
  for (const pattern of patterns) {
    const first = pattern[0]!;
    if (first === "*") continue;
    const list = bySegment.get(first) ?? [];
    list.push(pattern.slice(1));
    bySegment.set(first, list);
  }
  const keys = new Map<PathSegment, PathScope>();
  // A key named explicitly also gets what `*` patterns say about every key.
  for (const [segment, rests] of bySegment) keys.set(segment, pathScope([...rests, ...wildcardRests]));
  return { all: false, keys, any: wildcardRests.length > 0 ? pathScope(wildcardRests) : undefined };
}
