import type { Target } from "../../core/recovery/journal.ts";

/** Where recovery finds the kinds a diagnosis names: API group/version and plural. */
const RESOURCES: ReadonlyMap<string, { readonly base: string; readonly plural: string; readonly namespaced: boolean }> = new Map([
  ["Deployment", { base: "/apis/apps/v1", plural: "deployments", namespaced: true }],
  ["StatefulSet", { base: "/apis/apps/v1", plural: "statefulsets", namespaced: true }],
  ["DaemonSet", { base: "/apis/apps/v1", plural: "daemonsets", namespaced: true }],
  ["ReplicaSet", { base: "/apis/apps/v1", plural: "replicasets", namespaced: true }],
  ["Job", { base: "/apis/batch/v1", plural: "jobs", namespaced: true }],
  ["CronJob", { base: "/apis/batch/v1", plural: "cronjobs", namespaced: true }],
  ["Service", { base: "/api/v1", plural: "services", namespaced: true }],
  ["ConfigMap", { base: "/api/v1", plural: "configmaps", namespaced: true }],
  ["Secret", { base: "/api/v1", plural: "secrets", namespaced: true }],
  ["ServiceAccount", { base: "/api/v1", plural: "serviceaccounts", namespaced: true }],
  ["PodDisruptionBudget", { base: "/apis/policy/v1", plural: "poddisruptionbudgets", namespaced: true }],
  ["Ingress", { base: "/apis/networking.k8s.io/v1", plural: "ingresses", namespaced: true }],
  ["NetworkPolicy", { base: "/apis/networking.k8s.io/v1", plural: "networkpolicies", namespaced: true }],
  ["Role", { base: "/apis/rbac.authorization.k8s.io/v1", plural: "roles", namespaced: true }],
  ["RoleBinding", { base: "/apis/rbac.authorization.k8s.io/v1", plural: "rolebindings", namespaced: true }],
  ["ClusterRole", { base: "/apis/rbac.authorization.k8s.io/v1", plural: "clusterroles", namespaced: false }],
  ["ClusterRoleBinding", { base: "/apis/rbac.authorization.k8s.io/v1", plural: "clusterrolebindings", namespaced: false }],
  ["HorizontalPodAutoscaler", { base: "/apis/autoscaling/v2", plural: "horizontalpodautoscalers", namespaced: true }],
  ["StorageClass", { base: "/apis/storage.k8s.io/v1", plural: "storageclasses", namespaced: false }],
  ["PriorityClass", { base: "/apis/scheduling.k8s.io/v1", plural: "priorityclasses", namespaced: false }],
]);

/**
 * The REST path of one target, or undefined for a kind recovery does not know (it is then
 * escalated, never guessed: a wrong plural would 404 and look like "already gone").
 */
export function targetPath(target: Target): string | undefined {
  const r = RESOURCES.get(target.kind);
  if (r === undefined) return undefined;
  if (r.namespaced && target.namespace === null) return undefined;
  const ns = r.namespaced && target.namespace !== null ? `/namespaces/${encodeURIComponent(target.namespace)}` : "";
  return `${r.base}${ns}/${r.plural}/${encodeURIComponent(target.name)}`;
}

/** apiVersion of a known kind (for the replacement engine and Events). */
export function targetApiVersion(kind: string): string | undefined {
  const r = RESOURCES.get(kind);
  if (r === undefined) return undefined;
  return r.base === "/api/v1" ? "v1" : r.base.slice("/apis/".length);
}

/** The REST path of a reconciler object (Kustomization, HelmRelease, Application). */
export function ownerPath(apiVersion: string, kind: string, namespace: string, name: string): string {
  const plural = kind === "Kustomization" ? "kustomizations" : kind === "HelmRelease" ? "helmreleases" : "applications";
  return `/apis/${apiVersion}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}
