import { groupOf, identityKey, type ObjectIdentity } from "../k8s/kube-object.ts";
import type { ManifestLocation, ManifestObject } from "./manifest-object.ts";
import type { ScopeLookup } from "./object-scope.ts";

/** The namespace a namespaced object without metadata.namespace is paired in (kubectl's default). */
export const DEFAULT_NAMESPACE = "default";

export type Side = "before" | "after";

/** The same object on both sides, or on one side only (added / removed). */
export interface ObjectPair {
  readonly identity: ObjectIdentity;
  readonly before: ManifestObject | undefined;
  readonly after: ManifestObject | undefined;
  /** Assumptions made while pairing, for people (e.g. "paired within namespace default"). */
  readonly notes: readonly string[];
}

/** Two or more documents on one side that name the same object. */
export interface DuplicateIdentity {
  readonly side: Side;
  readonly identity: ObjectIdentity;
  readonly locations: readonly ManifestLocation[];
}

export type PairResult =
  | { readonly ok: true; readonly pairs: readonly ObjectPair[] }
  | { readonly ok: false; readonly duplicates: readonly DuplicateIdentity[] };

interface Indexed {
  readonly identity: ObjectIdentity;
  readonly object: ManifestObject;
  /** True when the namespace was not written and `default` was assumed. */
  readonly defaulted: boolean;
}

/** The API group an object is paired in (default: its apiVersion's group). */
export type GroupLookup = (apiVersion: string, kind: string) => string;

const apiGroup: GroupLookup = (apiVersion) => groupOf(apiVersion);

function identify(object: ManifestObject, scopeOf: ScopeLookup, groupFor: GroupLookup): Indexed {
  const group = groupFor(object.apiVersion, object.kind);
  const { clusterScoped } = scopeOf(group, object.kind);
  // The API server ignores metadata.namespace on cluster-scoped objects, so it is no part of their identity.
  const namespace = clusterScoped ? "" : (object.namespace ?? DEFAULT_NAMESPACE);
  const defaulted = !clusterScoped && object.namespace === undefined;
  return { identity: { group, kind: object.kind, namespace, name: object.name }, object, defaulted };
}

function index(side: Side, objects: readonly ManifestObject[], scopeOf: ScopeLookup, groupFor: GroupLookup, duplicates: DuplicateIdentity[]): Map<string, Indexed> {
  const byKey = new Map<string, Indexed>();
  const seen = new Map<string, ManifestLocation[]>();
  for (const object of objects) {
    const entry = identify(object, scopeOf, groupFor);
    const key = identityKey(entry.identity);
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, entry);
      continue;
    }
    const locations = seen.get(key);
    if (locations) locations.push(object.location);
    else seen.set(key, [first.object.location, object.location]);
  }
  for (const [key, locations] of seen) {
    const entry = byKey.get(key);
    if (entry) duplicates.push({ side, identity: entry.identity, locations });
  }
  return byKey;
}

function namespaceNote(before: Indexed | undefined, after: Indexed | undefined, scopeOf: ScopeLookup): string[] {
  const sides = [before?.defaulted ? "before" : "", after?.defaulted ? "after" : ""].filter((s) => s !== "");
  if (sides.length === 0) return [];
  const identity = (after ?? before)?.identity;
  if (!identity) return [];
  const where = sides.length === 2 ? "on either side" : `in the ${sides[0]} manifest`;
  const notes = [
    `metadata.namespace is not set ${where}: paired within namespace ${DEFAULT_NAMESPACE} ` +
      "(the namespace it lands in depends on how it is applied: kubectl -n, Flux targetNamespace, helm --namespace)",
  ];
  if (!scopeOf(identity.group, identity.kind).known) {
    notes.push(
      `${identity.kind}.${identity.group} is not a built-in kind and its CustomResourceDefinition is not among the ` +
        "manifests: treated as namespaced",
    );
  }
  return notes;
}

/**
 * Pairs the objects of two manifest sets by API group, kind, namespace and name (the version is no
 * part of an object's identity; `groupFor` maps a removed API's group to its successor's). Order: the after set's order, then objects removed, in the before
 * set's order. Two documents with one identity on one side are an error value, never a guess.
 */
export function pairObjects(before: readonly ManifestObject[], after: readonly ManifestObject[], scopeOf: ScopeLookup, groupFor: GroupLookup = apiGroup): PairResult {
  const duplicates: DuplicateIdentity[] = [];
  const beforeByKey = index("before", before, scopeOf, groupFor, duplicates);
  const afterByKey = index("after", after, scopeOf, groupFor, duplicates);
  if (duplicates.length > 0) return { ok: false, duplicates };
  const pairs: ObjectPair[] = [];
  for (const [key, a] of afterByKey) {
    const b = beforeByKey.get(key);
    pairs.push({ identity: a.identity, before: b?.object, after: a.object, notes: namespaceNote(b, a, scopeOf) });
  }
  for (const [key, b] of beforeByKey) {
    if (afterByKey.has(key)) continue;
    pairs.push({ identity: b.identity, before: b.object, after: undefined, notes: namespaceNote(b, undefined, scopeOf) });
  }
  return { ok: true, pairs };
}
