/**
 * Kinds of the resources (plural, lower case) that API server messages name in their
 * `<resource>.<group> "<name>"` form (`is forbidden`, `not found`, `Operation cannot be fulfilled
 * on …`), and of the lower-case kinds kapp prints. Unknown resources fall back to a singular
 * guess that keeps the case the message used.
 */
const KINDS: ReadonlyMap<string, string> = new Map([
  ["pods", "Pod"], ["services", "Service"], ["configmaps", "ConfigMap"], ["secrets", "Secret"],
  ["serviceaccounts", "ServiceAccount"], ["persistentvolumeclaims", "PersistentVolumeClaim"],
  ["persistentvolumes", "PersistentVolume"], ["namespaces", "Namespace"], ["nodes", "Node"],
  ["deployments", "Deployment"], ["statefulsets", "StatefulSet"], ["daemonsets", "DaemonSet"],
  ["replicasets", "ReplicaSet"], ["jobs", "Job"], ["cronjobs", "CronJob"], ["ingresses", "Ingress"],
  ["networkpolicies", "NetworkPolicy"], ["roles", "Role"], ["rolebindings", "RoleBinding"],
  ["clusterroles", "ClusterRole"], ["clusterrolebindings", "ClusterRoleBinding"],
  ["storageclasses", "StorageClass"], ["customresourcedefinitions", "CustomResourceDefinition"],
  ["poddisruptionbudgets", "PodDisruptionBudget"], ["horizontalpodautoscalers", "HorizontalPodAutoscaler"],
  ["leases", "Lease"], ["events", "Event"], ["endpoints", "Endpoints"],
  ["kustomizations", "Kustomization"], ["helmreleases", "HelmRelease"], ["gitrepositories", "GitRepository"],
  ["ocirepositories", "OCIRepository"], ["helmrepositories", "HelmRepository"], ["helmcharts", "HelmChart"],
  ["buckets", "Bucket"], ["applications", "Application"],
]);

/** Lower-case kinds (kapp's `deployment/name`) to their proper case. */
const LOWER_KINDS: ReadonlyMap<string, string> = new Map(
  [...KINDS.values()].map((kind) => [kind.toLowerCase(), kind]),
);

function singular(resource: string): string {
  if (resource.endsWith("ies")) return `${resource.slice(0, -3)}y`;
  if (resource.endsWith("sses")) return resource.slice(0, -2);
  return resource.endsWith("s") ? resource.slice(0, -1) : resource;
}

/**
 * "deployments" → "Deployment"; an unknown plural becomes a capitalised singular ("rollouts" →
 * "Rollout", "certificates" → "Certificate"): right for most CRDs, a guess for CamelCase kinds.
 */
export function kindOfResource(resource: string): string {
  const known = KINDS.get(resource.toLowerCase());
  if (known !== undefined) return known;
  const one = singular(resource);
  return one.charAt(0).toUpperCase() + one.slice(1);
}

/** "statefulset" → "StatefulSet"; an unknown kind is returned as written. */
export function kindOfLowerKind(kind: string): string {
  return LOWER_KINDS.get(kind.toLowerCase()) ?? kind;
}
