import type { MutableEdit } from "./mutable-edit.ts";
import {
  CONFIGMAP_EDITS,
  ENDPOINTS_EDITS,
  NAMESPACE_EDITS,
  POD_EDITS,
  PV_EDITS,
  PVC_EDITS,
  SECRET_EDITS,
  SERVICE_ACCOUNT_EDITS,
  SERVICE_EDITS,
} from "./mutable-core-edits.ts";
import { METADATA_EDITS } from "./mutable-metadata-edits.ts";
import {
  BINDING_EDITS,
  CLUSTER_ROLE_EDITS,
  CRD_EDITS,
  ENDPOINT_SLICE_EDITS,
  HPA_EDITS,
  INGRESS_CLASS_EDITS,
  INGRESS_EDITS,
  LEASE_EDITS,
  NETWORK_POLICY_EDITS,
  PDB_EDITS,
  PRIORITY_CLASS_EDITS,
  ROLE_EDITS,
  STORAGE_CLASS_EDITS,
  WEBHOOK_EDITS,
} from "./mutable-other-edits.ts";
import {
  CRONJOB_EDITS,
  DAEMONSET_EDITS,
  DEPLOYMENT_EDITS,
  JOB_EDITS,
  REPLICASET_EDITS,
  STATEFULSET_EDITS,
} from "./mutable-workload-edits.ts";

/**
 * The kinds a GitOps tool applies most, keyed `<group>/<Kind>` ("" = core), with the edits of the
 * fields kube-apiserver lets an UPDATE change (each edit names its source). Metadata edits
 * (labels, annotations, finalizers, ownerReferences) are added for every kind by mutableEditsFor.
 */
export const MUTABLE_KIND_EDITS: ReadonlyMap<string, readonly MutableEdit[]> = new Map([
  ["apps/Deployment", DEPLOYMENT_EDITS],
  ["apps/StatefulSet", STATEFULSET_EDITS],
  ["apps/DaemonSet", DAEMONSET_EDITS],
  ["apps/ReplicaSet", REPLICASET_EDITS],
  ["batch/Job", JOB_EDITS],
  ["batch/CronJob", CRONJOB_EDITS],
  ["/Pod", POD_EDITS],
  ["/Service", SERVICE_EDITS],
  ["/ConfigMap", CONFIGMAP_EDITS],
  ["/Secret", SECRET_EDITS],
  ["/PersistentVolumeClaim", PVC_EDITS],
  ["/PersistentVolume", PV_EDITS],
  ["/Namespace", NAMESPACE_EDITS],
  ["/ServiceAccount", SERVICE_ACCOUNT_EDITS],
  ["/Endpoints", ENDPOINTS_EDITS],
  ["networking.k8s.io/Ingress", INGRESS_EDITS],
  ["networking.k8s.io/IngressClass", INGRESS_CLASS_EDITS],
  ["networking.k8s.io/NetworkPolicy", NETWORK_POLICY_EDITS],
  ["rbac.authorization.k8s.io/Role", ROLE_EDITS],
  ["rbac.authorization.k8s.io/ClusterRole", CLUSTER_ROLE_EDITS],
  ["rbac.authorization.k8s.io/RoleBinding", BINDING_EDITS],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", BINDING_EDITS],
  ["autoscaling/HorizontalPodAutoscaler", HPA_EDITS],
  ["policy/PodDisruptionBudget", PDB_EDITS],
  ["storage.k8s.io/StorageClass", STORAGE_CLASS_EDITS],
  ["scheduling.k8s.io/PriorityClass", PRIORITY_CLASS_EDITS],
  ["apiextensions.k8s.io/CustomResourceDefinition", CRD_EDITS],
  ["admissionregistration.k8s.io/MutatingWebhookConfiguration", WEBHOOK_EDITS],
  ["admissionregistration.k8s.io/ValidatingWebhookConfiguration", WEBHOOK_EDITS],
  ["coordination.k8s.io/Lease", LEASE_EDITS],
  ["discovery.k8s.io/EndpointSlice", ENDPOINT_SLICE_EDITS],
]);

import { isGateName } from "../../src/core/kube/feature-gates.ts";
import { gateEnabled, kubeTarget } from "../../src/core/kube/kube-target.ts";

/** The accepted edits of one kind, metadata edits first; empty for a kind outside the list. On `release` (`1.36`) when given. */
export function mutableEditsFor(group: string, kind: string, release?: string, featureGates: Readonly<Record<string, boolean>> = {}): readonly MutableEdit[] {
  const own = MUTABLE_KIND_EDITS.get(`${group}/${kind}`);
  const all = own ? [...METADATA_EDITS, ...own] : [];
  if (release === undefined) return all;
  const minor = (text: string): number => Number(text.split(".")[1]);
  const target = kubeTarget({ major: 1, minor: minor(release) }, "flag", new Map(Object.entries(featureGates)));
  return all.filter(
    (e) =>
      (e.since === undefined || minor(release) >= minor(e.since)) &&
      Object.entries(e.gates ?? {}).every(([name, enabled]) => isGateName(name) && gateEnabled(target, name) === enabled),
  );
}
