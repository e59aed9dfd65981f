import type { ObjectIdentity } from "../../k8s/kube-object.ts";
import type { SideObject } from "./side-index.ts";

/**
 * How the affected object relates to the changed one, read "<affected> <relation> <changed>":
 * - `selects`: its label selector selects the changed object's pods or Service (Service, PDB,
 *   NetworkPolicy, PodMonitor, ServiceMonitor; the changed object is a workload or a Service);
 * - `selected-by`: the changed selector (Service, PDB, …) selects or selected its pods;
 * - `references`: it names the changed object (env, volumes, imagePullSecrets, serviceAccountName,
 *   Flux substituteFrom/valuesFrom, Ingress TLS);
 * - `referenced-by`: the changed object names it (a dependency the change needs);
 * - `targets`: it points at the changed object (HPA/VPA scaleTargetRef, Ingress and Gateway route backends);
 * - `depends-on`: a Flux Kustomization/HelmRelease whose `dependsOn` reaches the changed one (transitively);
 * - `bound-by`: a ServiceAccount that the changed RoleBinding/ClusterRoleBinding names;
 * - `instance-of`: a custom resource of the kind the changed CRD defines.
 */
export type CascadeRelation = "selects" | "selected-by" | "references" | "referenced-by" | "targets" | "depends-on" | "bound-by" | "instance-of";

/**
 * What the change does to it:
 * - `dangling`: after the change its selector or reference reaches nothing in the manifests;
 * - `deselected`: no longer selects the changed workload (still selects others);
 * - `newly-selected`: now selects pods it did not select before;
 * - `selects-multiple`: now selects the pods of two or more workloads;
 * - `recreated-target`: what it points at is deleted and created again (endpoints, HPA state lost meanwhile);
 * - `missing-reference`: what it names is removed (or renamed) by the change;
 * - `missing-key`: a key it reads is removed from the ConfigMap/Secret;
 * - `stale-until-restart`: it reads the changed data through env, which pods read only at start;
 * - `permissions-removed`: a ServiceAccount (and the pods running as it) loses a binding;
 * - `deleted`: deleted with the changed object (custom resources of a removed or recreated CRD);
 * - `order`: it must be applied or reconciled after the changed object (Flux dependsOn);
 * - `cycle`: the change closes a dependsOn cycle (nothing in it ever becomes ready).
 */
export type CascadeEffect =
  | "dangling"
  | "deselected"
  | "newly-selected"
  | "selects-multiple"
  | "recreated-target"
  | "missing-reference"
  | "missing-key"
  | "stale-until-restart"
  | "permissions-removed"
  | "deleted"
  | "order"
  | "cycle";

export interface CascadeEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly relation: CascadeRelation;
  readonly effect: CascadeEffect;
  readonly message: string;
  /** The field of the affected object that carries the relation (`spec.selector`, `spec.scaleTargetRef`). */
  readonly path?: string;
}

/** A changed object as the cascade sees it: both sides, and whether it is deleted and created again. */
export interface ChangedObject {
  readonly identity: ObjectIdentity;
  readonly change: "added" | "removed" | "modified";
  readonly before: SideObject | undefined;
  readonly after: SideObject | undefined;
  /** A blocking finding whose way through replaces the object (recreate, orphan-recreate, blue-green, migrate). */
  readonly replaced: boolean;
}

/** An entry about `affected` (the version on the side where it exists). */
export function entryFor(
  affected: SideObject,
  relation: CascadeRelation,
  effect: CascadeEffect,
  message: string,
  path?: string,
): CascadeEntry {
  const { kind, namespace, name } = affected.identity;
  return { apiVersion: affected.apiVersion, kind, namespace, name, relation, effect, message, ...(path === undefined ? {} : { path }) };
}
