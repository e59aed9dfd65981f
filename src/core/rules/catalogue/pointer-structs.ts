import type { PathSegment } from "../../k8s/field-path.ts";

/*
 * Where `{}` is a value, not an absence. A Go field typed as a pointer to a struct decodes `{}` to
 * a non-nil pointer to the zero struct, keeps it through defaulting, stores it and serialises it
 * back as `{}`; Semantic.DeepEqual (apimachinery third_party/forked/golang/reflect) equates only
 * nil and empty maps and slices, so nil and &T{} differ and an update that adds or drops `{}` there
 * changes a frozen field. Types: k8s.io/api core/v1 types.go. Listed are the pointer-to-struct
 * fields inside frozen specs whose zero struct passes create validation (a zero Probe, NodeSelector,
 * PodOS or env valueFrom is refused on create, so it is never stored and never compared); value
 * structs (`resources` of a container, `podAffinityTerm`, `metadata`) and maps are not pointers.
 */

const AFFINITY_TERM_SELECTORS = ["labelSelector", "namespaceSelector"] as const;

/** Pointer-to-struct fields of a pod spec (relative to the spec). */
export const POD_SPEC_POINTER_STRUCTS: readonly (readonly PathSegment[])[] = [
  ["affinity"],
  ["affinity", "nodeAffinity"],
  ...(["podAffinity", "podAntiAffinity"] as const).flatMap((kind) => [
    ["affinity", kind],
    ...AFFINITY_TERM_SELECTORS.map((s) => ["affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution", "*", s]),
    ...AFFINITY_TERM_SELECTORS.map((s) => ["affinity", kind, "preferredDuringSchedulingIgnoredDuringExecution", "*", "podAffinityTerm", s]),
  ]),
  ["topologySpreadConstraints", "*", "labelSelector"],
  ["dnsConfig"],
  // Pod-level resources (PodLevelResources, *ResourceRequirements).
  ["resources"],
  // securityContext itself is defaulted to {} (SetDefaults_PodSpec), so absent and {} meet there.
  ["securityContext"],
  ["securityContext", "seLinuxOptions"],
  ["securityContext", "windowsOptions"],
  ...(["containers", "initContainers", "ephemeralContainers"] as const).flatMap((list) => [
    [list, "*", "securityContext"],
    [list, "*", "securityContext", "capabilities"],
    [list, "*", "securityContext", "seLinuxOptions"],
    [list, "*", "securityContext", "windowsOptions"],
    [list, "*", "lifecycle"],
  ]),
  ["volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", "selector"],
  // Volume-source secret references whose name is not validated (validateISCSIVolumeSource,
  // validateRBDVolumeSource, validateCephFSVolumeSource, validateFlexVolumeSource,
  // validateScaleIOVolumeSource), a projected downward-API source (validateProjectionSources does
  // not require items) and a ClusterTrustBundle projection's selector (nil matches nothing, {} all).
  ...(["iscsi", "rbd", "cephfs", "flexVolume", "scaleIO"] as const).map((source) => ["volumes", "*", source, "secretRef"]),
  ["volumes", "*", "projected", "sources", "*", "downwardAPI"],
  ["volumes", "*", "projected", "sources", "*", "clusterTrustBundle", "labelSelector"],
];

/**
 * Pointer-to-struct fields of a PersistentVolumeClaim spec (a claim's or a claim template's). A
 * claim's dataSource(Ref) must name a kind and a name, so `{}` is never stored on a claim; a
 * StatefulSet's claim templates may not be validated that far, and there `{}` is a set pointer.
 */
export const CLAIM_SPEC_POINTER_STRUCTS: readonly (readonly PathSegment[])[] = [["selector"], ["dataSource"], ["dataSourceRef"]];

/** The patterns with `prefix` in front (a pod spec inside a template, claim specs inside a list). */
export function pointerStructsUnder(prefix: readonly PathSegment[], patterns: readonly (readonly PathSegment[])[]): (readonly PathSegment[])[] {
  return patterns.map((p) => [...prefix, ...p]);
}
