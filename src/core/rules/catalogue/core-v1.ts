import { row } from "./row.ts";
import { getAt } from "../../k8s/field-path.ts";
import type { Rule, RuleInput } from "../rule.ts";
import { changedWhenSet } from "./changed-when-set.ts";
import { clearedValue } from "./cleared-value.ts";
import { isUnset } from "./is-unset.ts";
import { gatedPodNodeAffinity } from "./gated-pod-node-affinity.ts";
import { gatedPodNodeSelector } from "./gated-pod-node-selector.ts";
import { nodePodCIDRs } from "./node-pod-cidrs.ts";
import { podActiveDeadline } from "./pod-active-deadline.ts";
import { podContainerCount } from "./pod-container-count.ts";
import { podRestrictedAnnotations } from "./pod-restricted-annotations.ts";
import { podSchedulingGatesOnlyRemoved } from "./pod-scheduling-gates-only-removed.ts";
import { podSpecFrozen } from "./pod-spec-frozen.ts";
import { ephemeralContainersOnlyAdded } from "./pod-ephemeral-containers.ts";
import {
  resizeInitContainers,
  resizeMemoryLimitDecrease,
  resizeOnlyCpuMemory,
  resizePodLevelCpuMemory,
  resizeQos,
  resizeRemovals,
  resizeUnsupportedPod,
  resizeWithPodLevelResources,
} from "./pod-resize.ts";
import { podTerminationGrace } from "./pod-termination-grace.ts";
import { podTolerationsOnlyAdded } from "./pod-tolerations-only-added.ts";
import { pvNodeAffinity } from "./pv-node-affinity.ts";
import { pvVolumeSource } from "./pv-volume-source.ts";
import { pvcSpecFrozen } from "./pvc-spec-frozen.ts";
import { BETA_STORAGE_CLASS_ANNOTATION, pvcStorageClassAnnotation, pvcStorageClassName } from "./pvc-storage-class.ts";
import { pvcStorageSize } from "./pvc-storage-size.ts";
import { sameSet } from "./same-set.ts";
import { secretDataFrozen } from "./secret-data.ts";
import { serviceIPFamilies } from "./service-ip-families.ts";
import { servicePrimaryClusterIP, serviceSecondaryClusterIP } from "./service-cluster-ips.ts";
import { CLAIM_SPEC_POINTER_STRUCTS, POD_SPEC_POINTER_STRUCTS } from "./pointer-structs.ts";
import { needsHealthCheck, serviceType } from "./service-type.ts";

/**
 * core/v1 (reference/k8s-immutable-fields.md §2.2), from pkg/apis/core/validation/validation.go
 * (`Validate*Update`), the Service REST storage and the PersistentVolumeClaimResize admission plugin.
 *
 * Kinds with no immutable field beyond metadata, deliberately without rules here (any blocking
 * finding for them would be a false positive):
 * - Namespace (`spec.finalizers` and status in an update are silently replaced by stored values);
 * - ReplicationController (`spec.selector` is mutable, unlike apps/v1 workloads);
 * - Endpoints, ServiceAccount, LimitRange, PodTemplate.
 * Dropped server-assigned values (Service clusterIP(s), nodePorts, PVC volumeName, …) are
 * restores, in server-assigned.ts; the rules here treat an omitted allocated value as "keep".
 */

const VALIDATION = "pkg/apis/core/validation/validation.go";

/** The beta storage-class annotation of a claim (read by the storageClassName migration checks). */
const BETA_CLASS_ANNOTATION_PATH = `metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]`;

function storedImmutable(input: RuleInput): boolean {
  return getAt(input.old, ["immutable"]) === true;
}

/** set-once applies only once the stored object has a value ("" counts as unset for Go strings). */
function hasStored(path: readonly string[]): (input: RuleInput) => boolean {
  return (input) => !isUnset(getAt(input.old, path));
}

function podIsGated(input: RuleInput): boolean {
  const gates = getAt(input.old, ["spec", "schedulingGates"]);
  return Array.isArray(gates) && gates.length > 0;
}

function bothLoadBalancers(input: RuleInput): boolean {
  return serviceType(input.old) === "LoadBalancer" && serviceType(input.new) === "LoadBalancer";
}

const POD_RULES: readonly Rule[] = [
  row({
    group: "",
    kind: "Pod",
    path: "spec",
    check: { type: "custom", evaluate: podSpecFrozen },
    pointerStructs: POD_SPEC_POINTER_STRUCTS,
    why:
      "a Pod's spec is frozen except container images, activeDeadlineSeconds, added tolerations, " +
      "removed scheduling gates and (while gated) added node selection; pods must be replaced",
    apiError:
      "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`," +
      "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
      "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    source: `${VALIDATION} (ValidatePodUpdate); new fields: kubernetes/api@10b39a39:core/v1/types.go (pod-gated-fields.ts)`,
    kubeVersions:
      "container resources: v1.33+ change only through the pods/resize subresource; " +
      "ephemeralContainers only through pods/ephemeralcontainers; fields added v1.34–v1.37 (hostnameOverride, " +
      "restartPolicyRules, fileKeyRef, podCertificate, schedulingGroup, evictionResponders) fall under it where their gate is on " +
      "and are dropped (no change) where it is off",
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.containers",
    check: { type: "custom", evaluate: podContainerCount },
    why: "an update may not add or remove a Pod's containers",
    apiError: "spec.containers: Forbidden: pod updates may not add or remove containers",
    source: `${VALIDATION} (ValidateContainerUpdates)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.initContainers",
    check: { type: "custom", evaluate: podContainerCount },
    why: "an update may not add or remove a Pod's init containers",
    apiError: "spec.initContainers: Forbidden: pod updates may not add or remove containers",
    source: `${VALIDATION} (ValidateContainerUpdates)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.activeDeadlineSeconds",
    check: { type: "custom", evaluate: podActiveDeadline },
    why: "activeDeadlineSeconds may only be set (from nil) or lowered, never raised or removed",
    apiError:
      "spec.activeDeadlineSeconds: Invalid value: N: must be less than or equal to previous value / " +
      "spec.activeDeadlineSeconds: Invalid value: ...: must not update from a positive integer to nil value",
    source: `${VALIDATION} (ValidatePodUpdate)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.tolerations",
    check: { type: "custom", evaluate: podTolerationsOnlyAdded },
    why: "a Pod's existing tolerations may not be removed or changed except their tolerationSeconds; new ones may be added",
    apiError: "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
    source: `${VALIDATION} (validateOnlyAddedTolerations)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.terminationGracePeriodSeconds",
    check: { type: "custom", evaluate: podTerminationGrace },
    defaultValue: 30,
    why: "terminationGracePeriodSeconds may only change from a negative value to 1",
    apiError:
      "spec: Forbidden: pod updates may not change fields other than ... " +
      "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    source: `${VALIDATION} (ValidatePodUpdate)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.schedulingGates",
    check: { type: "custom", evaluate: podSchedulingGatesOnlyRemoved },
    why: "scheduling gates may only be removed from a Pod, never added",
    apiError: "spec.schedulingGates[i].name: Forbidden: only deletion is allowed, but found new scheduling gate '<name>'",
    source: `${VALIDATION} (validateOnlyDeletedSchedulingGates)`,
  }),
  row({
    group: "",
    kind: "Pod",
    path: "spec.nodeSelector",
    when: podIsGated,
    check: { type: "custom", evaluate: gatedPodNodeSelector },
    why: "a gated Pod's nodeSelector may only gain entries (no changes or removals); an ungated Pod's is frozen",
    apiError: "spec.nodeSelector: Invalid value: ...: only additions to spec.nodeSelector are allowed (no mutations or deletions)",
    source: `${VALIDATION} (validateNodeSelectorMutation)`,
    kubeVersions: "mutable for gated pods since PodSchedulingReadiness (GA v1.30)",
  }),
  {
    id: "core.Pod.nodeAffinity",
    group: "",
    kind: "Pod",
    path: "spec.affinity.nodeAffinity",
    class: "immutable",
    when: podIsGated,
    check: { type: "custom", evaluate: gatedPodNodeAffinity },
    why: "a gated Pod's required node affinity terms may only gain requirements; an ungated Pod's affinity is frozen",
    apiError:
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value: ...: " +
      "no additions/deletions to non-empty NodeSelectorTerms list are allowed / " +
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[i]: Invalid value: ...: " +
      "only additions are allowed (no mutations or deletions)",
    source: `${VALIDATION} (validateNodeAffinityMutation)`,
    kubeVersions: "mutable for gated pods since PodSchedulingReadiness (GA v1.30)",
  },
  {
    id: "core.Pod.annotations",
    group: "",
    kind: "Pod",
    path: "metadata.annotations",
    class: "immutable",
    check: { type: "custom", evaluate: podRestrictedAnnotations },
    why: "the mirror-pod and beta AppArmor annotations of a Pod may not be added, changed or removed",
    apiError: "metadata.annotations[...]: Forbidden: may not add/remove or update mirror pod annotation / ... AppArmor annotations",
    source: `${VALIDATION} (ValidatePodSpecificAnnotationUpdates)`,
    kubeVersions: "AppArmor annotations are deprecated since v1.30 (securityContext.appArmorProfile)",
  },
];

const RESIZE_SOURCE = `${VALIDATION} (ValidatePodResize); pkg/registry/core/pod/strategy.go (podResizeStrategy)`;
const RESIZE_READS = ["spec.initContainers", "spec.resources"];

/**
 * `pods/resize` (reference/k8s-immutability-1.34-plus.md §2.1). Judged only for that subresource
 * (Rule.subresource); the resize strategy drops every change but resources, so nothing else is
 * refused. Error texts verified in the v1.33 source unless marked reconstructed.
 */
const POD_RESIZE_RULES: readonly Rule[] = [
  {
    id: "core.Pod.resize.cpu-memory-only",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.containers",
    reads: RESIZE_READS,
    class: "immutable",
    check: { type: "custom", evaluate: resizeOnlyCpuMemory },
    why: "a resize may change only the cpu and memory requests and limits of containers and sidecars",
    apiError: "spec: Forbidden: only cpu and memory resources are mutable",
    source: RESIZE_SOURCE,
    kubeVersions: "resizePolicy immutable since v1.33 (kubernetes#130183)",
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.init-containers",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.initContainers",
    class: "immutable",
    check: { type: "custom", evaluate: resizeInitContainers },
    why: "the resources of an init container that is not a sidecar (restartPolicy: Always) cannot be resized",
    apiError: "spec.initContainers[i].resources: Forbidden: resources for non-sidecar init containers are immutable",
    apiErrorReconstructed: true,
    source: RESIZE_SOURCE,
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.removal",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.containers",
    reads: RESIZE_READS,
    class: "immutable",
    check: { type: "custom", evaluate: resizeRemovals },
    why: "a resize cannot remove a container's requests or limits",
    apiError: "spec.containers[i].resources.requests: Forbidden: resource requests cannot be removed",
    source: RESIZE_SOURCE,
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.qos",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec",
    class: "immutable",
    check: { type: "custom", evaluate: resizeQos },
    why: "a resize may not change the pod's QoS class (Guaranteed, Burstable, BestEffort)",
    apiError: 'spec: Invalid value: "Guaranteed": Pod QOS Class may not change as a result of resizing',
    source: RESIZE_SOURCE,
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.memory-limit-decrease",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.containers",
    reads: RESIZE_READS,
    class: "immutable",
    check: { type: "custom", evaluate: resizeMemoryLimitDecrease },
    until: "1.34",
    why: "v1.33 refuses a memory limit decrease unless the container's memory resizePolicy is RestartContainer",
    apiError: "spec.containers[i].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer",
    apiErrorReconstructed: true,
    source: `${RESIZE_SOURCE}; kubernetes#130183 (v1.33); lifted by kubernetes#133012 (v1.34)`,
    kubeVersions: "v1.34+: allowed with NotRequired; the kubelet defers a decrease below usage (not the API server)",
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.pod-level-resources",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.containers",
    reads: RESIZE_READS,
    class: "immutable",
    check: { type: "custom", evaluate: resizeWithPodLevelResources },
    gates: { InPlacePodLevelResourcesVerticalScaling: false },
    why: "a pod that uses pod-level resources (spec.resources) cannot be resized in place before v1.36",
    apiError: "Forbidden: pods with pod-level resources cannot be resized",
    apiErrorReconstructed: true,
    source: `${RESIZE_SOURCE}; KEP-5419 (InPlacePodLevelResourcesVerticalScaling: alpha v1.35, beta on v1.36)`,
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.pod-level-resources",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.resources",
    class: "immutable",
    check: { type: "custom", evaluate: resizePodLevelCpuMemory },
    gates: { InPlacePodLevelResourcesVerticalScaling: true },
    why: "a resize may change only cpu and memory of the pod-level resources",
    apiError: "spec: Forbidden: only cpu and memory resources are mutable",
    apiErrorReconstructed: true,
    source: `${RESIZE_SOURCE}; KEP-5419 (beta on v1.36)`,
    strategy: "revert",
  },
  {
    id: "core.Pod.resize.unsupported-pod",
    group: "",
    kind: "Pod",
    subresource: "resize",
    path: "spec.containers",
    reads: [...RESIZE_READS, "metadata.annotations", "spec.os"],
    class: "immutable",
    check: { type: "custom", evaluate: resizeUnsupportedPod },
    why: "static (mirror) pods and Windows pods cannot be resized",
    apiError: "Forbidden: static pods cannot be resized / spec: Forbidden: windows pods cannot be resized",
    apiErrorReconstructed: true,
    source: RESIZE_SOURCE,
    strategy: "revert",
  },
];

/** `pods/ephemeralcontainers`: the other Pod subresource with update rules of its own (kubectl debug). */
const POD_EPHEMERAL_RULES: readonly Rule[] = [
  {
    id: "core.Pod.ephemeralcontainers",
    group: "",
    kind: "Pod",
    subresource: "ephemeralcontainers",
    path: "spec.ephemeralContainers",
    class: "immutable",
    check: { type: "custom", evaluate: ephemeralContainersOnlyAdded },
    why: "ephemeral containers may only be added to a Pod; existing ones cannot be changed or removed",
    apiError: 'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed',
    apiErrorReconstructed: true,
    source: `${VALIDATION} (ValidatePodEphemeralContainersUpdate); pkg/registry/core/pod/strategy.go (podEphemeralContainersStrategy)`,
    strategy: "revert",
  },
];

const SERVICE_SOURCE = `${VALIDATION} (ValidateServiceUpdate); pkg/registry/core/service/storage/storage.go (patchAllocatedValues)`;

const SERVICE_RULES: readonly Rule[] = [
  row({
    group: "",
    kind: "Service",
    path: "spec.clusterIP",
    // ExternalName (spec.type) skips the check; the primary IP is clusterIP, else the first of clusterIPs.
    reads: ["spec.type", "spec.clusterIPs"],
    check: { type: "custom", evaluate: servicePrimaryClusterIP },
    why: "a Service's allocated cluster IP (or None for headless) cannot change; omit it, or switch through ExternalName",
    apiError: 'spec.clusterIPs[0]: Invalid value: []string{"..."}: may not change once set',
    source: `${VALIDATION} (validateUpgradeDowngradeClusterIPs)`,
  }),
  row({
    group: "",
    kind: "Service",
    path: "spec.clusterIPs",
    // ExternalName (spec.type) skips the check; releasing the secondary IP needs ipFamilyPolicy SingleStack.
    reads: ["spec.type", "spec.ipFamilyPolicy"],
    check: { type: "custom", evaluate: serviceSecondaryClusterIP },
    why: "a Service's secondary cluster IP cannot change, and can be released only with ipFamilyPolicy: SingleStack",
    apiError:
      "spec.clusterIPs[i]: ... may not change once set; spec.ipFamilyPolicy: Invalid value: ...: " +
      "must be set to 'SingleStack' when releasing the secondary clusterIP",
    source: `${VALIDATION} (validateUpgradeDowngradeClusterIPs)`,
  }),
  row({
    group: "",
    kind: "Service",
    path: "spec.ipFamilies",
    // Skipped for ExternalName and headless (clusterIP(s) "None"); releasing the secondary needs SingleStack.
    reads: ["spec.type", "spec.clusterIP", "spec.clusterIPs", "spec.ipFamilyPolicy"],
    check: { type: "custom", evaluate: serviceIPFamilies },
    why: "a Service's primary IP family cannot change, and the secondary can be released only with ipFamilyPolicy: SingleStack",
    apiError:
      "spec.ipFamilies[0]: Invalid value: ...: may not change once set / " +
      "spec.ipFamilyPolicy: ...: must be set to 'SingleStack' when releasing the secondary ipFamily",
    source: `${VALIDATION} (validateUpgradeDowngradeIPFamilies)`,
  }),
  row({
    group: "",
    kind: "Service",
    path: "spec.loadBalancerClass",
    when: bothLoadBalancers,
    why: "a LoadBalancer Service's loadBalancerClass cannot be set, changed or removed once the Service exists",
    apiError: 'spec.loadBalancerClass: Invalid value: "...": may not change once set',
    source: `${VALIDATION} (validateLoadBalancerClassField)`,
  }),
  row({
    group: "",
    kind: "Service",
    path: "spec.healthCheckNodePort",
    when: (input) => needsHealthCheck(input.old) && needsHealthCheck(input.new),
    check: { type: "custom", evaluate: changedWhenSet },
    why: "the health check node port of a LoadBalancer Service with externalTrafficPolicy: Local cannot change",
    apiError: "spec.healthCheckNodePort: Forbidden: field is immutable",
    source: `${VALIDATION} (validateServiceExternalTrafficFieldsUpdate); ${SERVICE_SOURCE}`,
  }),
];

const PV_RULES: readonly Rule[] = [
  {
    id: "core.PersistentVolume.volumeSource",
    group: "",
    kind: "PersistentVolume",
    path: "spec",
    class: "immutable",
    check: { type: "custom", evaluate: pvVolumeSource },
    why:
      "a PersistentVolume's volume source (nfs, csi, hostPath, …) is fixed at creation; " +
      "only csi.controllerExpandSecretRef may be added",
    apiError: "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation",
    source: `${VALIDATION} (ValidatePersistentVolumeUpdate)`,
  },
  row({
    group: "",
    kind: "PersistentVolume",
    path: "spec.volumeMode",
    defaultValue: "Filesystem",
    why: "a PersistentVolume's volumeMode (default Filesystem) cannot change",
    apiError: 'volumeMode: Invalid value: "Block": field is immutable',
    source: `${VALIDATION} (ValidatePersistentVolumeUpdate)`,
  }),
  row({
    group: "",
    kind: "PersistentVolume",
    path: "spec.nodeAffinity",
    check: { type: "custom", evaluate: pvNodeAffinity },
    gates: { MutablePVNodeAffinity: false },
    why: "a PersistentVolume's nodeAffinity cannot change once set, except renaming beta topology labels to GA",
    apiError: "nodeAffinity: Invalid value: ...: field is immutable, except for updating from beta label to GA",
    source: `${VALIDATION} (validatePvNodeAffinity); kubernetes/api@10b39a39:core/v1/types.go:428 ("mutable if MutablePVNodeAffinity feature gate is enabled")`,
    kubeVersions: "mutable with MutablePVNodeAffinity (alpha, off, v1.35–v1.37; KEP-5381)",
  }),
  row({
    group: "",
    kind: "PersistentVolume",
    path: "spec.volumeAttributesClassName",
    check: { type: "custom", evaluate: clearedValue },
    why: "a PersistentVolume's volumeAttributesClassName cannot be removed once set",
    apiError: "spec.volumeAttributesClassName: Forbidden: update from non-nil value to nil is forbidden",
    source: `${VALIDATION} (ValidatePersistentVolumeUpdate)`,
    kubeVersions: "VolumeAttributesClass GA v1.34 (beta, off by default, before); with the gate off any change is refused",
  }),
];

const PVC_SOURCE = `${VALIDATION} (ValidatePersistentVolumeClaimUpdate)`;

const PVC_RULES: readonly Rule[] = [
  row({
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec",
    // The annotation → storageClassName migration is allowed (status.phase too, but status is never compared).
    reads: [BETA_CLASS_ANNOTATION_PATH],
    check: { type: "custom", evaluate: pvcSpecFrozen },
    pointerStructs: CLAIM_SPEC_POINTER_STRUCTS,
    why:
      "a claim's spec is frozen except storage requests and volumeAttributesClassName of a bound claim, " +
      "volumeName while unset and storageClassName while nil",
    apiError: "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    source: PVC_SOURCE,
  }),
  {
    id: "core.PersistentVolumeClaim.storage",
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.resources.requests.storage",
    // Growth needs an expandable class (annotation, else storageClassName; status is never compared).
    reads: ["spec.storageClassName", BETA_CLASS_ANNOTATION_PATH],
    class: "immutable",
    check: { type: "custom", evaluate: pvcStorageSize },
    why: "a claim's storage request can only grow, for a bound claim whose StorageClass allows volume expansion",
    apiError:
      "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity / " +
      'persistentvolumeclaims "x" is forbidden: Only bound persistent volume claims can be expanded / ' +
      'persistentvolumeclaims "x" is forbidden: only dynamically provisioned pvc can be resized and ' +
      "the storageclass that provisions the pvc must support resize",
    source: `${PVC_SOURCE}; plugin/pkg/admission/storage/persistentvolume/resize/admission.go`,
    kubeVersions:
      "shrinking to a size above status.capacity is allowed with RecoverVolumeExpansionFailure (on by default since v1.32, GA v1.34)",
    strategy: "revert",
  },
  row({
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.volumeName",
    when: hasStored(["spec", "volumeName"]),
    check: { type: "set-once" },
    why: "a claim's volumeName can be set once (binding) and never changed",
    apiError: "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    source: PVC_SOURCE,
  }),
  row({
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.storageClassName",
    // Setting it to the beta annotation's value is the allowed migration.
    reads: [BETA_CLASS_ANNOTATION_PATH],
    check: { type: "custom", evaluate: pvcStorageClassName },
    why: "a claim's storageClassName can only be set when it was nil; it cannot change or be removed",
    apiError: "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    source: `${PVC_SOURCE} (validateStorageClassUpgradeFromNil, validateStorageClassUpgradeFromAnnotation)`,
    kubeVersions: "nil → value allowed since RetroactiveDefaultStorageClass (GA v1.28)",
  }),
  row({
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.volumeMode",
    defaultValue: "Filesystem",
    why: "a claim's volumeMode (default Filesystem) cannot change",
    apiError: "volumeMode: Invalid value: ...: field is immutable",
    source: PVC_SOURCE,
  }),
  row({
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.volumeAttributesClassName",
    check: { type: "custom", evaluate: clearedValue },
    why: "a claim's volumeAttributesClassName cannot be removed or emptied once set",
    apiError:
      "spec.volumeAttributesClassName: Forbidden: update from non-nil value to nil is forbidden / " +
      "... to an empty string is forbidden",
    source: PVC_SOURCE,
    kubeVersions: "VolumeAttributesClass GA v1.34 (beta, off by default, before); with the gate off any change is refused",
  }),
  {
    id: "core.PersistentVolumeClaim.storageClassAnnotation",
    group: "",
    kind: "PersistentVolumeClaim",
    path: "metadata.annotations",
    // Dropping the annotation while spec.storageClassName takes its value is the allowed migration.
    reads: ["spec.storageClassName"],
    class: "immutable",
    check: { type: "custom", evaluate: pvcStorageClassAnnotation },
    why: "the beta storage-class annotation of a claim cannot change, except migrating it to spec.storageClassName",
    apiError: "metadata.annotations.volume.beta.kubernetes.io/storage-class: Invalid value: ...: field is immutable",
    source: `${VALIDATION} (ValidateImmutableAnnotation)`,
    strategy: "revert",
  },
];

const IMMUTABLE_SET = "field is immutable when `immutable` is set";

function immutableObjectRules(kind: "ConfigMap" | "Secret", fields: readonly string[]): Rule[] {
  return fields.map((field) => ({
    id: `core.${kind}.${field}`,
    group: "",
    kind,
    path: field,
    class: "immutable" as const,
    when: storedImmutable,
    check: { type: "frozen" as const },
    why:
      field === "immutable"
        ? `a ${kind} marked immutable: true must stay immutable`
        : `a ${kind} marked immutable: true cannot change its ${field}; publish it under a new name`,
    apiError: `${field}: Forbidden: ${IMMUTABLE_SET}`,
    source: `${VALIDATION} (Validate${kind}Update)`,
    ...(field === "immutable" ? {} : { strategy: "blue-green" as const }),
  }));
}

const CONFIG_RULES: readonly Rule[] = [
  ...immutableObjectRules("ConfigMap", ["immutable", "data", "binaryData"]),
  ...immutableObjectRules("Secret", ["immutable"]),
  row({
    group: "",
    kind: "Secret",
    path: "data",
    // stringData entries override data keys (write-only; the API server merges them into data).
    reads: ["stringData"],
    when: storedImmutable,
    check: { type: "custom", evaluate: secretDataFrozen },
    why: "a Secret marked immutable: true cannot change its data (stringData included); publish it under a new name",
    apiError: `data: Forbidden: ${IMMUTABLE_SET}`,
    source: `${VALIDATION} (ValidateSecretUpdate)`,
    strategy: "blue-green",
  }),
  row({
    group: "",
    kind: "Secret",
    path: "type",
    defaultValue: "Opaque",
    why: "a Secret's type cannot change; an omitted type means Opaque",
    apiError: 'type: Invalid value: "kubernetes.io/tls": field is immutable',
    source: `${VALIDATION} (ValidateSecretUpdate); mirrored by +k8s:alpha(since: "1.37")=+k8s:immutable (core/v1/types.go:8318, shadow only)`,
  }),
];

const NODE_RULES: readonly Rule[] = [
  row({
    group: "",
    kind: "Node",
    path: "spec.podCIDRs",
    // The legacy single podCIDR stands in for an empty list.
    reads: ["spec.podCIDR"],
    check: { type: "custom", evaluate: nodePodCIDRs },
    why: "a Node's pod CIDRs can be set once and never changed",
    apiError: 'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    source: `${VALIDATION} (ValidateNodeUpdate)`,
  }),
  row({
    group: "",
    kind: "Node",
    path: "spec.providerID",
    when: hasStored(["spec", "providerID"]),
    check: { type: "set-once" },
    why: "a Node's providerID can be set once and never changed",
    apiError: 'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    source: `${VALIDATION} (ValidateNodeUpdate); mirrored by +k8s:alpha(since: "1.36")=+k8s:update=NoModify,NoUnset (core/v1/types.go:6851, shadow only)`,
  }),
  row({
    group: "",
    kind: "Node",
    path: "spec.externalID",
    why: "a Node's externalID (deprecated) cannot change",
    apiError: "spec.externalID: Forbidden: may not be updated",
    source: `${VALIDATION} (ValidateNodeUpdate)`,
  }),
];

const QUOTA_RULES: readonly Rule[] = [
  row({
    group: "",
    kind: "ResourceQuota",
    path: "spec.scopes",
    check: { type: "custom", evaluate: sameSet },
    why: "a ResourceQuota's set of scopes cannot change (re-ordering is fine; hard and scopeSelector are mutable)",
    apiError: "spec.scopes: Invalid value: ...: field is immutable",
    source: `${VALIDATION} (ValidateResourceQuotaUpdate)`,
  }),
];

export const CORE_V1_RULES: readonly Rule[] = [
  ...POD_RULES,
  ...POD_RESIZE_RULES,
  ...POD_EPHEMERAL_RULES,
  ...SERVICE_RULES,
  ...PV_RULES,
  ...PVC_RULES,
  ...CONFIG_RULES,
  ...NODE_RULES,
  ...QUOTA_RULES,
];
