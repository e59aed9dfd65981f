import { compareReleases, formatRelease, type KubeRelease } from "./kube-release.ts";

/**
 * One API version of a kind that Kubernetes stopped serving, and the version that replaces it.
 * Source: the Kubernetes "Deprecated API Migration Guide"
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/, "Removed APIs by release",
 * v1.16 to v1.32; v1.32 is the last release with removals listed there).
 */
export interface RemovedApi {
  /** `extensions/v1beta1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The first release that no longer serves it. */
  readonly removedIn: KubeRelease;
  /** The apiVersion to migrate to; undefined when the API is gone without a successor (PodSecurityPolicy). */
  readonly replacement: string | undefined;
  /** What changes beyond the apiVersion line, when the guide names it (short, for people). */
  readonly migration?: string;
}

const r = (minor: number): KubeRelease => ({ major: 1, minor });

/** [apiVersion, kinds, removed in 1.N, replacement, migration note]. Order: by release, as the guide lists them. */
const TABLE: readonly (readonly [string, readonly string[], number, string | undefined, string?])[] = [
  // v1.16
  ["extensions/v1beta1", ["NetworkPolicy"], 16, "networking.k8s.io/v1"],
  ["extensions/v1beta1", ["DaemonSet"], 16, "apps/v1", "spec.selector is required and immutable; spec.templateGeneration is removed; updateStrategy defaults to RollingUpdate"],
  ["apps/v1beta2", ["DaemonSet"], 16, "apps/v1"],
  ["extensions/v1beta1", ["Deployment", "ReplicaSet"], 16, "apps/v1", "spec.selector is required and immutable after creation; spec.rollbackTo is removed"],
  ["apps/v1beta1", ["Deployment", "ReplicaSet", "StatefulSet"], 16, "apps/v1", "spec.selector is required and immutable after creation"],
  ["apps/v1beta2", ["Deployment", "ReplicaSet", "StatefulSet"], 16, "apps/v1"],
  ["extensions/v1beta1", ["PodSecurityPolicy"], 16, "policy/v1beta1"],
  // v1.22
  ["admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], 22, "admissionregistration.k8s.io/v1", "webhooks[*].admissionReviewVersions and sideEffects are required; failurePolicy defaults to Fail"],
  ["apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], 22, "apiextensions.k8s.io/v1", "spec.versions[*].schema.openAPIV3Schema is required and structural; spec.version, spec.validation, spec.subresources and spec.additionalPrinterColumns move under spec.versions[*]"],
  ["apiregistration.k8s.io/v1beta1", ["APIService"], 22, "apiregistration.k8s.io/v1"],
  ["authentication.k8s.io/v1beta1", ["TokenReview"], 22, "authentication.k8s.io/v1"],
  ["authorization.k8s.io/v1beta1", ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"], 22, "authorization.k8s.io/v1"],
  ["certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], 22, "certificates.k8s.io/v1", "spec.signerName is required"],
  ["coordination.k8s.io/v1beta1", ["Lease"], 22, "coordination.k8s.io/v1"],
  ["extensions/v1beta1", ["Ingress"], 22, "networking.k8s.io/v1", "spec.backend is renamed spec.defaultBackend; backend serviceName/servicePort become service.name and service.port.{name|number}; pathType is required"],
  ["networking.k8s.io/v1beta1", ["Ingress"], 22, "networking.k8s.io/v1", "spec.backend is renamed spec.defaultBackend; backend serviceName/servicePort become service.name and service.port.{name|number}; pathType is required"],
  ["networking.k8s.io/v1beta1", ["IngressClass"], 22, "networking.k8s.io/v1"],
  ["rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], 22, "rbac.authorization.k8s.io/v1"],
  ["scheduling.k8s.io/v1beta1", ["PriorityClass"], 22, "scheduling.k8s.io/v1"],
  ["storage.k8s.io/v1beta1", ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], 22, "storage.k8s.io/v1"],
  // v1.25
  ["batch/v1beta1", ["CronJob"], 25, "batch/v1"],
  ["discovery.k8s.io/v1beta1", ["EndpointSlice"], 25, "discovery.k8s.io/v1", "endpoints[*].topology is replaced by nodeName and zone"],
  ["events.k8s.io/v1beta1", ["Event"], 25, "events.k8s.io/v1"],
  ["autoscaling/v2beta1", ["HorizontalPodAutoscaler"], 25, "autoscaling/v2", "metric targets move under target.{type,averageValue,averageUtilization}"],
  ["policy/v1beta1", ["PodDisruptionBudget"], 25, "policy/v1", "an empty spec.selector selects every pod of the namespace in policy/v1 (none in v1beta1)"],
  ["policy/v1beta1", ["PodSecurityPolicy"], 25, undefined, "removed without a successor: use Pod Security Admission or a third-party admission webhook"],
  ["node.k8s.io/v1beta1", ["RuntimeClass"], 25, "node.k8s.io/v1"],
  // v1.26
  ["flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"], 26, "flowcontrol.apiserver.k8s.io/v1"],
  ["autoscaling/v2beta2", ["HorizontalPodAutoscaler"], 26, "autoscaling/v2"],
  // v1.27
  ["storage.k8s.io/v1beta1", ["CSIStorageCapacity"], 27, "storage.k8s.io/v1"],
  // v1.29
  ["flowcontrol.apiserver.k8s.io/v1beta2", ["FlowSchema", "PriorityLevelConfiguration"], 29, "flowcontrol.apiserver.k8s.io/v1", "spec.limited.assuredConcurrencyShares is renamed nominalConcurrencyShares"],
  // v1.32
  ["flowcontrol.apiserver.k8s.io/v1beta3", ["FlowSchema", "PriorityLevelConfiguration"], 32, "flowcontrol.apiserver.k8s.io/v1", "spec.limited.nominalConcurrencyShares defaults to 30 only when unspecified; an explicit 0 stays 0"],
];

/** The table keyed by `apiVersion|kind` (a Map: apiVersion and kind come from the manifests). */
export function removedApiTable(): ReadonlyMap<string, RemovedApi> {
  const out = new Map<string, RemovedApi>();
  for (const [apiVersion, kinds, minor, replacement, migration] of TABLE) {
    for (const kind of kinds) {
      out.set(`${apiVersion}|${kind}`, { apiVersion, kind, removedIn: r(minor), replacement, ...(migration ? { migration } : {}) });
    }
  }
  return out;
}

/** The removal entry of an object's apiVersion and kind, if Kubernetes stopped serving it. */
export function removedApiOf(table: ReadonlyMap<string, RemovedApi>, apiVersion: string, kind: string): RemovedApi | undefined {
  return table.get(`${apiVersion}|${kind}`);
}

/** True when `release` no longer serves the API. */
export function isRemovedIn(api: RemovedApi, release: KubeRelease): boolean {
  return compareReleases(release, api.removedIn) >= 0;
}

/** "removed in Kubernetes 1.22; use networking.k8s.io/v1 (…)". */
export function describeRemoval(api: RemovedApi): string {
  const successor = api.replacement ? `use ${api.replacement}` : "there is no successor";
  return `${api.apiVersion} ${api.kind} is no longer served from Kubernetes ${formatRelease(api.removedIn)}: ${successor}${api.migration ? ` (${api.migration})` : ""}`;
}
