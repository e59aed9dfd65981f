import { row } from "./row.ts";
import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { Rule } from "../rule.ts";
import { crdStoredVersionsViolations } from "./crd-stored-versions-violations.ts";
import { csiNodeDriversViolations } from "./csi-node-drivers-violations.ts";
import { frozenNormalised } from "./frozen-normalised.ts";
import { resourceClaimSpecWithDefaults } from "./resource-claim-spec-with-defaults.ts";
import { serviceCidrsViolations } from "./service-cidrs-violations.ts";
import { workloadTemplatesViolations } from "./workload-templates-violations.ts";

/**
 * Every other built-in API group (reference/k8s-immutable-fields.md §2.5; v1.34–v1.37:
 * reference/k8s-immutability-1.34-plus.md §2.5–2.7). `declarativeApiError`: the `+k8s:beta`
 * tagged fields whose refusal v1.37 may word the declarative way (§3); the verdict is the same.
 * Not modelled: ResourceClaim `status.allocation` (NoModify, β-enforced v1.37) — status is written
 * through its subresource by the scheduler, never by a GitOps apply, and status is never compared. Rules match by API
 * group only, so one rule covers every served version (storage.k8s.io v1 and v1beta1 alike).
 *
 * Checked to have NO update-time field immutability, so deliberately without a rule here (none of
 * them may ever produce a blocking finding): rbac Role and ClusterRole (rules, aggregationRule),
 * networking Ingress and NetworkPolicy, policy PodDisruptionBudget (fully mutable since v1.15),
 * admissionregistration Validating/MutatingWebhookConfiguration, coordination Lease,
 * resource.k8s.io DeviceClass, flowcontrol FlowSchema and PriorityLevelConfiguration, batch
 * CronJob, autoscaling HorizontalPodAutoscaler. Mutable fields of the kinds below (StorageClass
 * allowVolumeExpansion/mountOptions/allowedTopologies, CSIDriver podInfoOnMount/fsGroupPolicy/…,
 * PriorityClass description/globalDefault, IngressClass parameters, CRD singular/shortNames/…)
 * have no rule either.
 */

const RBAC = "rbac.authorization.k8s.io";
const STORAGE = "storage.k8s.io";
const STORAGE_SOURCE = "pkg/apis/storage/validation/validation.go";
const CRD = "apiextensions.k8s.io";
const CRD_SOURCE = "apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go";
const RESOURCE = "resource.k8s.io";
const RESOURCE_SOURCE = "pkg/apis/resource/validation/validation.go";


/** requireImmutableNames: the live CRD has condition Established=True. */
function isEstablished(crd: JsonObject): boolean {
  const conditions = getAt(crd, ["status", "conditions"]);
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isJsonObject(c) && c["type"] === "Established" && c["status"] === "True")
  );
}

/** SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding: an empty roleRef.apiGroup becomes rbac.authorization.k8s.io. */
function roleRefWithDefaults(binding: JsonObject): JsonValue | undefined {
  const roleRef = getAt(binding, ["roleRef"]);
  if (!isJsonObject(roleRef) || (typeof roleRef["apiGroup"] === "string" && roleRef["apiGroup"] !== "")) return roleRef;
  return { ...roleRef, apiGroup: RBAC };
}

function claimSpec(claim: JsonObject): JsonValue | undefined {
  return resourceClaimSpecWithDefaults(getAt(claim, ["spec"]));
}

function claimTemplateSpec(template: JsonObject): JsonValue | undefined {
  const spec = getAt(template, ["spec"]);
  return isJsonObject(spec) ? { ...spec, spec: resourceClaimSpecWithDefaults(spec["spec"]) ?? null } : spec;
}

const RBAC_RULES: readonly Rule[] = ["RoleBinding", "ClusterRoleBinding"].map((kind) =>
  row({
    group: RBAC,
    kind,
    path: "roleRef",
    check: { type: "custom", evaluate: frozenNormalised(roleRefWithDefaults) },
    why: `a ${kind}'s roleRef cannot change (subjects can): delete and recreate the binding`,
    apiError: 'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
    source: `pkg/apis/rbac/validation/validation.go (Validate${kind}Update)`,
  }),
);

const STORAGE_RULES: readonly Rule[] = [
  row({
    group: STORAGE,
    kind: "StorageClass",
    path: "parameters",
    why: "a StorageClass's parameters cannot change",
    apiError: "parameters: Forbidden: updates to parameters are forbidden.",
    source: `${STORAGE_SOURCE} (ValidateStorageClassUpdate)`,
    declarativeApiError: "parameters: Invalid value: null: field is immutable",
  }),
  row({
    group: STORAGE,
    kind: "StorageClass",
    path: "provisioner",
    defaultValue: "",
    why: "a StorageClass's provisioner cannot change",
    apiError: "provisioner: Forbidden: updates to provisioner are forbidden.",
    declarativeApiError: "provisioner: Invalid value: null: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateStorageClassUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "StorageClass",
    path: "reclaimPolicy",
    defaultValue: "Delete",
    why: "a StorageClass's reclaimPolicy (default Delete) cannot change, also not by omitting it",
    apiError: "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
    declarativeApiError: "reclaimPolicy: Invalid value: null: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateStorageClassUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "StorageClass",
    path: "volumeBindingMode",
    defaultValue: "Immediate",
    why: "a StorageClass's volumeBindingMode (default Immediate) cannot change, also not by omitting it",
    apiError: 'volumeBindingMode: Invalid value: "Immediate": field is immutable',
    declarativeApiError: "volumeBindingMode: Invalid value: null: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateStorageClassUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "CSIDriver",
    path: "spec.attachRequired",
    defaultValue: true,
    why: "a CSIDriver's attachRequired (default true) cannot change",
    // The API server's error path really is misspelt `attachedRequired`.
    apiError: "spec.attachedRequired: Invalid value: false: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateCSIDriverUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "CSIDriver",
    path: "spec.volumeLifecycleModes",
    defaultValue: ["Persistent"],
    why: "a CSIDriver's volumeLifecycleModes (default [Persistent]) cannot change",
    apiError: "spec.volumeLifecycleModes: Invalid value: ...: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateCSIDriverUpdate); +k8s:alpha(since: "1.37")=+k8s:immutable (storage/v1/types.go:362, shadow only)`,
    kubeVersions:
      "podInfoOnMount and fsGroupPolicy were also immutable before v1.29; mutable now; nodeAllocatableUpdatePeriodSeconds " +
      "is mutable (MutableCSINodeAllocatableCount, storage/v1/types.go:457-461)",
  }),
  row({
    group: STORAGE,
    kind: "VolumeAttachment",
    path: "spec",
    why: "a VolumeAttachment's spec is read-only after creation",
    apiError: "spec: Invalid value: ...: field is immutable",
    declarativeApiError: "spec: Invalid value: null: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateVolumeAttachmentUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "CSINode",
    path: "spec.drivers",
    check: { type: "custom", evaluate: csiNodeDriversViolations(true) },
    gates: { MutableCSINodeAllocatableCount: true },
    why: "an existing CSINode driver entry (matched by name) cannot change except its allocatable; entries may be added or removed",
    apiError: "spec.drivers: Invalid value: ...: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateCSINodeUpdate); website feature-gates/MutableCSINodeAllocatableCount.md`,
    kubeVersions: "allocatable.count mutable with MutableCSINodeAllocatableCount: beta off v1.34, on v1.35, GA v1.36",
  }),
  row({
    group: STORAGE,
    kind: "CSINode",
    path: "spec.drivers",
    check: { type: "custom", evaluate: csiNodeDriversViolations(false) },
    gates: { MutableCSINodeAllocatableCount: false },
    why: "an existing CSINode driver entry (matched by name) cannot change, allocatable included, before v1.35; entries may be added or removed",
    apiError: "spec.drivers: Invalid value: ...: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateCSINodeUpdate); website feature-gates/MutableCSINodeAllocatableCount.md`,
    kubeVersions: "allocatable.count mutable with MutableCSINodeAllocatableCount: beta off v1.34, on v1.35, GA v1.36",
  }),
  row({
    group: STORAGE,
    kind: "CSIStorageCapacity",
    path: "storageClassName",
    defaultValue: "",
    why: "a CSIStorageCapacity's storageClassName cannot change (capacity and maximumVolumeSize can)",
    apiError: 'storageClassName: Invalid value: "...": field is immutable',
    source: `${STORAGE_SOURCE} (ValidateCSIStorageCapacityUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "CSIStorageCapacity",
    path: "nodeTopology",
    why: "a CSIStorageCapacity's nodeTopology cannot change",
    apiError: "nodeTopology: Invalid value: ...: field is immutable",
    source: `${STORAGE_SOURCE} (ValidateCSIStorageCapacityUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "VolumeAttributesClass",
    path: "driverName",
    defaultValue: "",
    why: "a VolumeAttributesClass's driverName cannot change",
    apiError: "driverName: Forbidden: updates to driverName are forbidden.",
    source: `${STORAGE_SOURCE} (ValidateVolumeAttributesClassUpdate)`,
  }),
  row({
    group: STORAGE,
    kind: "VolumeAttributesClass",
    path: "parameters",
    why: "a VolumeAttributesClass's parameters cannot change",
    apiError: "parameters: Forbidden: updates to parameters are forbidden.",
    source: `${STORAGE_SOURCE} (ValidateVolumeAttributesClassUpdate)`,
  }),
];

const CLASS_RULES: readonly Rule[] = [
  row({
    group: "scheduling.k8s.io",
    kind: "PriorityClass",
    path: "value",
    // int32, not a pointer: an absent value is 0.
    defaultValue: 0,
    why: "a PriorityClass's value cannot change",
    apiError: "value: Forbidden: may not be changed in an update.",
    source: "pkg/apis/scheduling/validation/validation.go (ValidatePriorityClassUpdate)",
  }),
  row({
    group: "scheduling.k8s.io",
    kind: "PriorityClass",
    path: "preemptionPolicy",
    defaultValue: "PreemptLowerPriority",
    why: "a PriorityClass's preemptionPolicy (default PreemptLowerPriority) cannot change, also not by omitting it",
    apiError: 'preemptionPolicy: Invalid value: "Never": field is immutable',
    source: "pkg/apis/scheduling/validation/validation.go (ValidatePriorityClassUpdate)",
  }),
  row({
    group: "networking.k8s.io",
    kind: "IngressClass",
    path: "spec.controller",
    defaultValue: "",
    why: "an IngressClass's controller cannot change (parameters can)",
    apiError: 'spec.controller: Invalid value: "...": field is immutable',
    source: "pkg/apis/networking/validation/validation.go (validateIngressClassSpecUpdate)",
  }),
  row({
    group: "networking.k8s.io",
    kind: "IPAddress",
    path: "spec.parentRef",
    why: "an IPAddress's parentRef cannot change",
    apiError: "spec.parentRef: Invalid value: ...: field is immutable",
    declarativeApiError: "spec.parentRef: Invalid value: null: field is immutable",
    source: "pkg/apis/networking/validation/validation.go (ValidateIPAddressUpdate)",
  }),
  row({
    group: "networking.k8s.io",
    kind: "ServiceCIDR",
    path: "spec.cidrs",
    check: { type: "custom", evaluate: serviceCidrsViolations },
    why: "a ServiceCIDR's CIDRs cannot change; only a second CIDR may be added (single- to dual-stack)",
    apiError: "spec.cidrs: Invalid value: ...: field is immutable",
    apiErrorReconstructed: true,
    source: "pkg/apis/networking/validation/validation.go (ValidateServiceCIDRUpdate); kubernetes#131263 (v1.33, fixes #131261)",
    kubeVersions:
      "v1.33+ (the fix is in the v1.33 line itself) allow adding a second CIDR of the other family; " +
      "earlier releases refuse any change",
  }),
  row({
    group: "discovery.k8s.io",
    kind: "EndpointSlice",
    path: "addressType",
    defaultValue: "",
    why: "an EndpointSlice's addressType cannot change (endpoints and ports can)",
    apiError: 'addressType: Invalid value: "IPv6": field is immutable',
    declarativeApiError: "addressType: Invalid value: null: field is immutable",
    source: "pkg/apis/discovery/validation/validation.go (ValidateEndpointSliceUpdate)",
  }),
  row({
    group: "certificates.k8s.io",
    kind: "ClusterTrustBundle",
    path: "spec.signerName",
    defaultValue: "",
    why: "a ClusterTrustBundle's signerName cannot change (trustBundle can)",
    apiError: 'spec.signerName: Invalid value: "...": field is immutable',
    source:
      "pkg/apis/certificates/validation/validation.go (ValidateClusterTrustBundleUpdate); certificates.k8s.io/v1 GA v1.37 " +
      "(KEP-3257), +k8s:alpha(since: \"1.37\")=+k8s:immutable (certificates/v1/types.go:375, shadow only)",
  }),
  row({
    group: "certificates.k8s.io",
    kind: "CertificateSigningRequest",
    path: "spec",
    // Not refused: PrepareForUpdate copies spec (and status) from the stored object, so the update
    // returns 200 and the change is lost; a GitOps tool shows a permanent diff.
    class: "risky",
    severity: "warning",
    strategy: "review",
    why: "a CertificateSigningRequest's spec change is silently discarded by the API server (update succeeds, change is lost): create a new CSR",
    source: "pkg/registry/certificates/certificates/strategy.go (csrStrategy.PrepareForUpdate)",
  }),
  row({
    group: "coordination.k8s.io",
    kind: "LeaseCandidate",
    path: "spec.leaseName",
    defaultValue: "",
    why: "a LeaseCandidate's leaseName cannot change",
    apiError: 'spec.leaseName: Invalid value: "...": field is immutable',
    source: "pkg/apis/coordination/validation/validation.go (ValidateLeaseCandidateSpecUpdate)",
  }),
  row({
    group: "node.k8s.io",
    kind: "RuntimeClass",
    path: "handler",
    defaultValue: "",
    why: "a RuntimeClass's handler cannot change (scheduling and overhead can)",
    apiError: 'handler: Invalid value: "...": field is immutable',
    declarativeApiError: "handler: Invalid value: null: field is immutable",
    source: "pkg/apis/node/validation/validation.go (ValidateRuntimeClassUpdate)",
  }),
];

const SCHEDULING = "scheduling.k8s.io";
const SCHEDULING_SOURCE = "kubernetes/api@10b39a39:scheduling/v1beta1/types.go:138-880 (standard +k8s:immutable / +k8s:update tags, enforced)";

/**
 * Kinds new in v1.34–v1.37 (reference/k8s-immutability-1.34-plus.md §2.7). Each holds from the
 * release its API appeared in; where the API is off by default (beta or alpha), the rule holds
 * whenever the object exists (an object of a disabled API never reaches an update).
 */
const NEW_KIND_RULES: readonly Rule[] = [
  row({
    group: "certificates.k8s.io",
    kind: "PodCertificateRequest",
    path: "spec",
    since: "1.34",
    why: "a PodCertificateRequest's spec cannot change after creation (all fields are immutable)",
    apiError: "spec: Invalid value: ...: field is immutable",
    apiErrorReconstructed: true,
    source: "kubernetes/api@10b39a39:certificates/v1/types.go:434-436 (\"All fields are immutable after creation\"); KEP-4317",
    kubeVersions: "v1alpha1 v1.34, v1beta1 v1.35 (off), certificates.k8s.io/v1 GA v1.37 (PodCertificateRequest on)",
  }),
  row({
    group: "storagemigration.k8s.io",
    kind: "StorageVersionMigration",
    path: "spec.resource",
    why: "a StorageVersionMigration's resource cannot change",
    apiError: "spec.resource: Invalid value: ...: field is immutable",
    apiErrorReconstructed: true,
    source: "kubernetes/api@10b39a39:storagemigration/v1/types.go:49 (\"Immutable.\"); KEP-4192",
    kubeVersions: "v1beta1 v1.35–v1.36 (beta API, off), storagemigration.k8s.io/v1 GA v1.37; the error path (spec or spec.resource) is unverified",
  }),
  row({
    group: SCHEDULING,
    kind: "Workload",
    path: "spec.controllerRef",
    since: "1.36",
    why: "a Workload's controllerRef cannot change",
    apiError: "spec.controllerRef: Invalid value: null: field is immutable",
    apiErrorReconstructed: true,
    source: SCHEDULING_SOURCE,
    kubeVersions: "v1alpha2 v1.36, v1alpha3 and v1beta1 v1.37 (GenericWorkload: beta, off); v1alpha1 (v1.35) shapes are not modelled",
  }),
  row({
    group: SCHEDULING,
    kind: "Workload",
    path: "spec.podGroupTemplates",
    check: { type: "custom", evaluate: workloadTemplatesViolations },
    since: "1.36",
    why:
      "a Workload's pod group templates cannot be added or removed, and a template's scheduling constraints, resource " +
      "claims, disruption mode, priority, policy and gang setting cannot change",
    apiError: "spec.podGroupTemplates[i]: Forbidden: item may not be added / spec.podGroupTemplates: Forbidden: item may not be removed",
    apiErrorReconstructed: true,
    source: SCHEDULING_SOURCE,
  }),
  ...["parentCompositePodGroupName", "workloadRef", "resourceClaims", "disruptionMode", "priorityClassName", "priority", "preemptionPolicy"].map((field) =>
    row({
      group: SCHEDULING,
      kind: "PodGroup",
      path: `spec.${field}`,
      since: "1.36",
      why: `a PodGroup's ${field} cannot change`,
      apiError: `spec.${field}: Invalid value: null: field is immutable`,
      apiErrorReconstructed: true,
      source: SCHEDULING_SOURCE,
      kubeVersions: "schedulingConstraints is immutable too with TopologyAwareWorkloadScheduling (not modelled)",
    }),
  ),
  ...["target", "requester"].map((field) =>
    row({
      group: "lifecycle.k8s.io",
      kind: "EvictionRequest",
      path: `spec.${field}`,
      since: "1.37",
      why: `an EvictionRequest's ${field} cannot change`,
      apiError: `spec.${field}: Invalid value: null: field is immutable`,
      apiErrorReconstructed: true,
      source: "kubernetes/api@10b39a39:lifecycle/v1alpha1/types.go:78-655 (KEP-4563, alpha v1.37, EvictionRequestAPI off)",
    }),
  ),
];

const CRD_RULES: readonly Rule[] = [
  row({
    group: CRD,
    kind: "CustomResourceDefinition",
    path: "spec.group",
    defaultValue: "",
    why: "a CRD's group is part of its name and can never change",
    apiError: 'spec.group: Invalid value: "...": field is immutable',
    source: `${CRD_SOURCE} (validateCustomResourceDefinitionSpecUpdate)`,
  }),
  row({
    group: CRD,
    kind: "CustomResourceDefinition",
    path: "spec.names.plural",
    defaultValue: "",
    why: "a CRD's plural name is part of its name and can never change",
    apiError: 'spec.names.plural: Invalid value: "...": field is immutable',
    source: `${CRD_SOURCE} (validateCustomResourceDefinitionSpecUpdate)`,
  }),
  row({
    group: CRD,
    kind: "CustomResourceDefinition",
    path: "spec.scope",
    when: (input) => isEstablished(input.old),
    why: "an established CRD's scope cannot change (it decides how objects are stored)",
    apiError: 'spec.scope: Invalid value: "Cluster": field is immutable',
    source: `${CRD_SOURCE} (validateCustomResourceDefinitionSpecUpdate, requireImmutableNames)`,
  }),
  row({
    group: CRD,
    kind: "CustomResourceDefinition",
    path: "spec.names.kind",
    defaultValue: "",
    when: (input) => isEstablished(input.old),
    why: "an established CRD's kind cannot change",
    apiError: 'spec.names.kind: Invalid value: "...": field is immutable',
    source: `${CRD_SOURCE} (validateCustomResourceDefinitionSpecUpdate, requireImmutableNames)`,
  }),
  row({
    group: CRD,
    kind: "CustomResourceDefinition",
    path: "spec.versions",
    check: { type: "custom", evaluate: crdStoredVersionsViolations },
    why: "a CRD version still listed in status.storedVersions cannot be removed from spec.versions",
    apiError: 'status.storedVersions[0]: Invalid value: "v1alpha1": must appear in spec.versions',
    source: `${CRD_SOURCE} (ValidateCustomResourceDefinitionStoredVersions)`,
  }),
];

const RESOURCE_RULES: readonly Rule[] = [
  row({
    group: RESOURCE,
    kind: "ResourceClaim",
    path: "spec",
    check: { type: "custom", evaluate: frozenNormalised(claimSpec) },
    why: "a ResourceClaim's spec cannot change after creation",
    apiError: "spec: Invalid value: ...: field is immutable",
    declarativeApiError: "spec: Invalid value: null: field is immutable",
    source: `${RESOURCE_SOURCE} (ValidateResourceClaimUpdate)`,
  }),
  row({
    group: RESOURCE,
    kind: "ResourceClaimTemplate",
    path: "spec",
    check: { type: "custom", evaluate: frozenNormalised(claimTemplateSpec) },
    why: "a ResourceClaimTemplate's spec cannot change after creation",
    apiError: "spec: Invalid value: ...: field is immutable",
    source: `${RESOURCE_SOURCE} (ValidateResourceClaimTemplateUpdate)`,
  }),
  row({
    group: RESOURCE,
    kind: "ResourceSlice",
    path: "spec.driver",
    defaultValue: "",
    why: "a ResourceSlice's driver cannot change (devices and pool generation can)",
    apiError: 'spec.driver: Invalid value: "...": field is immutable',
    source: `${RESOURCE_SOURCE} (validateResourceSliceSpec)`,
  }),
  row({
    group: RESOURCE,
    kind: "ResourceSlice",
    path: "spec.pool.name",
    defaultValue: "",
    why: "a ResourceSlice's pool name cannot change (pool generation and resourceSliceCount can)",
    apiError: 'spec.pool.name: Invalid value: "...": field is immutable',
    source: `${RESOURCE_SOURCE} (validateResourceSliceSpec)`,
  }),
  row({
    group: RESOURCE,
    kind: "ResourceSlice",
    path: "spec.nodeName",
    defaultValue: "",
    why: "a ResourceSlice's nodeName cannot change",
    apiError: 'spec.nodeName: Invalid value: "...": field is immutable',
    source: `${RESOURCE_SOURCE} (validateResourceSliceSpec)`,
  }),
];

/**
 * events.k8s.io/v1 Event: an update through this API may change only `series` and metadata
 * (ValidateEventUpdate in pkg/apis/core/validation/events.go, "strict validation applies to update
 * via events.k8s.io/v1"); the same object updated through core/v1 Event is not checked (no rule
 * there). JSON names of the v1 fields (involvedObject → regarding, message → note, source,
 * firstTimestamp, lastTimestamp and count → deprecated*; the API server's error paths use the core
 * names); strings and count are not pointers. eventTime differences below a microsecond are
 * tolerated by the API server (kubernetes#111928) and not modelled here.
 */
const EVENT_FIELDS: readonly (readonly [string, JsonValue | undefined])[] = [
  ["regarding", undefined],
  ["related", undefined],
  ["note", ""],
  ["reason", ""],
  ["type", ""],
  ["action", ""],
  ["eventTime", undefined],
  ["reportingController", ""],
  ["reportingInstance", ""],
  ["deprecatedSource", undefined],
  ["deprecatedFirstTimestamp", undefined],
  ["deprecatedLastTimestamp", undefined],
  ["deprecatedCount", 0],
];

const EVENT_RULES: readonly Rule[] = EVENT_FIELDS.map(([path, defaultValue]) =>
  row({
    group: "events.k8s.io",
    kind: "Event",
    path,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    why: "an events.k8s.io/v1 Event may change only its series and metadata through this API",
    apiError: `${path}: Invalid value: ...: field is immutable`,
    source: "pkg/apis/core/validation/events.go (ValidateEventUpdate, requestVersion events.k8s.io/v1)",
  }),
);

export const OTHER_GROUPS_RULES: readonly Rule[] = [
  ...RBAC_RULES,
  ...STORAGE_RULES,
  ...CLASS_RULES,
  ...NEW_KIND_RULES,
  ...CRD_RULES,
  ...RESOURCE_RULES,
  ...EVENT_RULES,
];
