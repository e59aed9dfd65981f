import { getAt } from "../k8s/field-path.ts";
import { groupOf } from "../k8s/kube-object.ts";
import { BUILTIN_CLUSTER_SCOPED_KINDS, BUILTIN_GROUPS } from "./cluster-scoped-kinds.ts";
import type { ManifestObject } from "./manifest-object.ts";

/** Whether objects of a kind live in a namespace, and whether that is known or assumed. */
export interface KindScope {
  readonly clusterScoped: boolean;
  /** False for a kind of a non-built-in group whose CRD is not among the manifests (assumed namespaced). */
  readonly known: boolean;
}

export type ScopeLookup = (group: string, kind: string) => KindScope;

function crdScopes(objects: readonly ManifestObject[], into: Map<string, boolean>): void {
  for (const m of objects) {
    if (m.kind !== "CustomResourceDefinition" || groupOf(m.apiVersion) !== "apiextensions.k8s.io") continue;
    const group = getAt(m.object, ["spec", "group"]);
    const kind = getAt(m.object, ["spec", "names", "kind"]);
    const scope = getAt(m.object, ["spec", "scope"]);
    if (typeof group === "string" && typeof kind === "string" && typeof scope === "string") {
      into.set(`${group}/${kind}`, scope === "Cluster");
    }
  }
}

/**
 * The scope of each kind: the built-in table, then CRDs found among the manifests (`spec.scope`;
 * the after set wins when both define the kind). Unknown kinds are treated as namespaced, which is
 * what most custom resources are.
 */
export function createScopeLookup(before: readonly ManifestObject[], after: readonly ManifestObject[]): ScopeLookup {
  const fromCrds = new Map<string, boolean>();
  crdScopes(before, fromCrds);
  crdScopes(after, fromCrds);
  return (group, kind) => {
    const key = `${group}/${kind}`;
    const crd = fromCrds.get(key);
    if (crd !== undefined) return { clusterScoped: crd, known: true };
    return { clusterScoped: BUILTIN_CLUSTER_SCOPED_KINDS.has(key), known: BUILTIN_GROUPS.has(group) };
  };
}
