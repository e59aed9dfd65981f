/**
 * What the replacement engine knows about each kind: how it is replaced, whether its pods keep
 * serving when it is deleted with propagationPolicy Orphan, where the objects that select pods
 * keep their selector, and the order in which several objects of one change are replaced.
 */

/** How an object is replaced (issue 14 item 1). */
export type StrategyName = "orphan-recreate" | "blue-green" | "recreate";

/** Kinds whose pods survive an Orphan delete and are adopted again by the new object (watch-recovery.md §6.2). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"]);

/**
 * Data-bearing kinds: never replaced (deleting a PVC or PV loses its volume unless reclaimPolicy
 * says Retain, a Namespace takes everything in it, a CRD every custom resource of its kinds).
 */
export const DATA_BEARING_KINDS: ReadonlySet<string> = new Set(["PersistentVolumeClaim", "PersistentVolume", "Namespace", "CustomResourceDefinition"]);

/** A kind that selects pods by label, and where its selector is. */
export interface SelectingKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  /** Path of the selector in the object. */
  readonly path: readonly string[];
  /** `map`: a Service's plain label map; `label-selector`: a metav1.LabelSelector (matchLabels). */
  readonly form: "map" | "label-selector";
}

/**
 * What selects a workload's pods through their labels and must follow a selector change:
 * Services (traffic), PodDisruptionBudgets (eviction budget), NetworkPolicies (who may talk).
 * HPAs target a workload by name (scaleTargetRef), ServiceMonitors select Services: neither
 * follows pod labels, so neither needs a switch.
 */
export const SELECTING_KINDS: readonly SelectingKind[] = [
  { apiVersion: "v1", kind: "Service", plural: "services", path: ["spec", "selector"], form: "map" },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", path: ["spec", "selector"], form: "label-selector" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", path: ["spec", "podSelector"], form: "label-selector" },
];

/**
 * Dependency order of one change (issue 14 item 1): config and identity first, then workloads,
 * then what selects them; CRDs before their resources. Lower runs first.
 */
const RANKS: ReadonlyMap<string, number> = new Map([
  ["CustomResourceDefinition", 0],
  ["Namespace", 1],
  ["ConfigMap", 2], ["Secret", 2], ["ServiceAccount", 2],
  ["Role", 3], ["ClusterRole", 3], ["RoleBinding", 4], ["ClusterRoleBinding", 4],
  ["PersistentVolume", 5], ["PersistentVolumeClaim", 6],
  ["Deployment", 10], ["StatefulSet", 10], ["DaemonSet", 10], ["ReplicaSet", 10], ["Job", 10], ["CronJob", 10],
  ["Service", 20], ["PodDisruptionBudget", 20], ["HorizontalPodAutoscaler", 20], ["NetworkPolicy", 20], ["Ingress", 21],
]);

/** Custom resources come after every built-in kind (their CRD is rank 0). */
const CUSTOM_RANK = 30;

export function dependencyRank(kind: string): number {
  return RANKS.get(kind) ?? CUSTOM_RANK;
}

/** Built-in kinds by canonical name: apiVersion and plural (kubectl's lower-case spellings map here). */
export const BUILTIN_KINDS: ReadonlyMap<string, { readonly apiVersion: string; readonly plural: string; readonly namespaced: boolean }> = new Map([
  ["Deployment", { apiVersion: "apps/v1", plural: "deployments", namespaced: true }],
  ["ReplicaSet", { apiVersion: "apps/v1", plural: "replicasets", namespaced: true }],
  ["DaemonSet", { apiVersion: "apps/v1", plural: "daemonsets", namespaced: true }],
  ["StatefulSet", { apiVersion: "apps/v1", plural: "statefulsets", namespaced: true }],
  ["Job", { apiVersion: "batch/v1", plural: "jobs", namespaced: true }],
  ["CronJob", { apiVersion: "batch/v1", plural: "cronjobs", namespaced: true }],
  ["Pod", { apiVersion: "v1", plural: "pods", namespaced: true }],
  ["Service", { apiVersion: "v1", plural: "services", namespaced: true }],
  ["ConfigMap", { apiVersion: "v1", plural: "configmaps", namespaced: true }],
  ["Secret", { apiVersion: "v1", plural: "secrets", namespaced: true }],
  ["ServiceAccount", { apiVersion: "v1", plural: "serviceaccounts", namespaced: true }],
  ["PersistentVolumeClaim", { apiVersion: "v1", plural: "persistentvolumeclaims", namespaced: true }],
  ["PersistentVolume", { apiVersion: "v1", plural: "persistentvolumes", namespaced: false }],
  ["Namespace", { apiVersion: "v1", plural: "namespaces", namespaced: false }],
  ["CustomResourceDefinition", { apiVersion: "apiextensions.k8s.io/v1", plural: "customresourcedefinitions", namespaced: false }],
  ["PodDisruptionBudget", { apiVersion: "policy/v1", plural: "poddisruptionbudgets", namespaced: true }],
  ["NetworkPolicy", { apiVersion: "networking.k8s.io/v1", plural: "networkpolicies", namespaced: true }],
  ["HorizontalPodAutoscaler", { apiVersion: "autoscaling/v2", plural: "horizontalpodautoscalers", namespaced: true }],
  ["Ingress", { apiVersion: "networking.k8s.io/v1", plural: "ingresses", namespaced: true }],
  ["Role", { apiVersion: "rbac.authorization.k8s.io/v1", plural: "roles", namespaced: true }],
  ["RoleBinding", { apiVersion: "rbac.authorization.k8s.io/v1", plural: "rolebindings", namespaced: true }],
  ["ClusterRole", { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterroles", namespaced: false }],
  ["ClusterRoleBinding", { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterrolebindings", namespaced: false }],
  ["StorageClass", { apiVersion: "storage.k8s.io/v1", plural: "storageclasses", namespaced: false }],
  ["PriorityClass", { apiVersion: "scheduling.k8s.io/v1", plural: "priorityclasses", namespaced: false }],
  ["Kustomization", { apiVersion: "kustomize.toolkit.fluxcd.io/v1", plural: "kustomizations", namespaced: true }],
  ["HelmRelease", { apiVersion: "helm.toolkit.fluxcd.io/v2", plural: "helmreleases", namespaced: true }],
]);

/** The canonical spelling of a kind typed in any case (`deployment` → `Deployment`), or undefined for kinds not in the table. */
export function canonicalKind(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  for (const name of BUILTIN_KINDS.keys()) if (name.toLowerCase() === lower) return name;
  return undefined;
}

/** The strategy a kind gets when none is asked for: workloads keep their pods, everything else is recreated. */
export function defaultStrategy(kind: string): StrategyName {
  return WORKLOAD_KINDS.has(kind) ? "orphan-recreate" : "recreate";
}
