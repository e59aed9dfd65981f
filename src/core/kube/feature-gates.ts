import type { KubeRelease } from "./kube-release.ts";

/** A gate's state in one release: its stage, its default, and whether it is locked to that default. */
export interface GateStage {
  readonly stage: "alpha" | "beta" | "GA";
  readonly enabled: boolean;
  /** GA gates are locked: kube-apiserver refuses to start with them set the other way. */
  readonly locked: boolean;
}

export interface FeatureGate {
  /** Per minor release (1.NN → NN); a release without an entry has no such gate (the feature is absent, off). */
  readonly releases: Readonly<Partial<Record<number, GateStage>>>;
  /** Where the stages come from (reference/k8s-immutability-1.34-plus.md §4 names each source). */
  readonly source: string;
}

const alphaOff: GateStage = { stage: "alpha", enabled: false, locked: false };
const betaOff: GateStage = { stage: "beta", enabled: false, locked: false };
const betaOn: GateStage = { stage: "beta", enabled: true, locked: false };
const ga: GateStage = { stage: "GA", enabled: true, locked: true };
/** GA by a KEP milestone whose gate file was not read: on, but not treated as locked. */
const gaUnverified: GateStage = { stage: "GA", enabled: true, locked: false };

/**
 * The feature gates the catalogue's rules depend on, with their default per release
 * (reference/k8s-immutability-1.34-plus.md §4 and §2; reference/k8s-immutable-fields.md for v1.33).
 * Managed clusters may differ from these upstream defaults: the policy's `kubernetes.featureGates`
 * overrides them (docs/policy-kubernetes.md).
 */
export const FEATURE_GATES = {
  InPlacePodVerticalScaling: {
    releases: { 33: betaOn, 34: betaOn, 35: ga, 36: ga, 37: ga },
    source: "kube_features.go (index ids 378079260, 61706514746): beta on 1.33, GA locked 1.35",
  },
  InPlacePodLevelResourcesVerticalScaling: {
    releases: { 35: alphaOff, 36: betaOn, 37: betaOn },
    source: "KEP-5419; versioned gate file (index id 61706514746): alpha 1.35, beta on 1.36",
  },
  PodLevelResources: {
    releases: { 33: alphaOff, 34: betaOn, 35: betaOn, 36: betaOn, 37: gaUnverified },
    source: "KEP-2837: beta on 1.34, stable 1.37 (milestone)",
  },
  ContainerRestartRules: {
    releases: { 34: alphaOff, 35: betaOn, 36: betaOn, 37: betaOn },
    source: "website feature-gates/ContainerRestartRules.md: alpha 1.34, beta on 1.35",
  },
  EnvFiles: {
    releases: { 34: alphaOff, 35: betaOn, 36: betaOn, 37: gaUnverified },
    source: "website feature-gates/EnvFiles.md: alpha 1.34, beta on 1.35; KEP-3721 stable 1.37",
  },
  HostnameOverride: {
    releases: { 34: alphaOff, 35: betaOn, 36: betaOn, 37: gaUnverified },
    source: "kube_features.go (index id 378079260): beta on 1.35; KEP-4762 milestone",
  },
  PodCertificateRequest: {
    releases: { 34: alphaOff, 35: betaOff, 36: betaOff, 37: ga },
    source: "website feature-gates/PodCertificateRequest.md: beta off 1.35-1.36, stable 1.37",
  },
  GenericWorkload: {
    releases: { 35: alphaOff, 36: alphaOff, 37: betaOff },
    source: "versioned gate file (index id 61706514746): alpha 1.35, beta off 1.37",
  },
  EvictionRequestAPI: {
    releases: { 37: alphaOff },
    source: "KEP-4563: alpha 1.37",
  },
  WorkloadWithJob: {
    releases: { 37: alphaOff },
    source: "kubernetes/api batch/v1/types.go:478-549 (+k8s:ifDisabled(WorkloadWithJob)): alpha 1.37",
  },
  MutablePodResourcesForSuspendedJobs: {
    releases: { 35: alphaOff, 36: betaOn, 37: betaOn },
    source: "KEP-5440; CHANGELOG-1.36 (kubernetes#135965): alpha 1.35, beta on 1.36",
  },
  MutableSchedulingDirectivesForSuspendedJobs: {
    releases: { 35: alphaOff, 36: betaOn, 37: betaOn },
    source: "KEP-2926 update; CHANGELOG-1.36 (kubernetes#135965): alpha 1.35, beta on 1.36",
  },
  MutablePVNodeAffinity: {
    releases: { 35: alphaOff, 36: alphaOff, 37: alphaOff },
    source: "website feature-gates/MutablePVNodeAffinity.md; KEP-5381 stage alpha at 2026-07-24",
  },
  MutableCSINodeAllocatableCount: {
    releases: { 33: alphaOff, 34: betaOff, 35: betaOn, 36: ga, 37: ga },
    source: "website feature-gates/MutableCSINodeAllocatableCount.md: beta off 1.34, beta on 1.35, GA 1.36",
  },
  DeclarativeValidationBeta: {
    releases: { 36: betaOn, 37: betaOn },
    source: "apiserver release-1.36 pkg/features/kube_features.go:410-422: beta on 1.36",
  },
} as const satisfies Record<string, FeatureGate>;

export type GateName = keyof typeof FEATURE_GATES;

/** The gates by name, for lookups of names read from user input (a Map: `__proto__` is just a name). */
export const GATES_BY_NAME: ReadonlyMap<string, FeatureGate> = new Map(Object.entries(FEATURE_GATES));

export function isGateName(name: string): name is GateName {
  return GATES_BY_NAME.has(name);
}

export function gateStage(name: GateName, release: KubeRelease): GateStage | undefined {
  const releases: Readonly<Partial<Record<number, GateStage>>> = FEATURE_GATES[name].releases;
  return release.major === 1 ? releases[release.minor] : undefined;
}
