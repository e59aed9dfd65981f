import type { Target } from "../../core/recovery/journal.ts";
import { BUILTIN_KINDS } from "../../core/replace/kind-traits.ts";
import { discoveryPath } from "../kube/api-discovery.ts";

/**
 * The REST path of one target, from the replacement engine's table of built-in kinds (one table
 * for both, so a kind one can act on the other can find), or undefined for a kind recovery does not know (it is then
 * escalated, never guessed: a wrong plural would 404 and look like "already gone").
 */
export function targetPath(target: Target): string | undefined {
  const r = BUILTIN_KINDS.get(target.kind);
  if (r === undefined) return undefined;
  if (r.namespaced && target.namespace === null) return undefined;
  const ns = r.namespaced && target.namespace !== null ? `/namespaces/${encodeURIComponent(target.namespace)}` : "";
  return `${discoveryPath(r.apiVersion)}${ns}/${r.plural}/${encodeURIComponent(target.name)}`;
}

/** apiVersion of a known kind (for the replacement engine and Events). */
export function targetApiVersion(kind: string): string | undefined {
  const r = BUILTIN_KINDS.get(kind);
  if (r === undefined) return undefined;
  return r.apiVersion;
}

/** The REST path of a reconciler object (Kustomization, HelmRelease, Application). */
export function ownerPath(apiVersion: string, kind: string, namespace: string, name: string): string {
  const plural = kind === "Kustomization" ? "kustomizations" : kind === "HelmRelease" ? "helmreleases" : "applications";
  return `/apis/${apiVersion}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}
