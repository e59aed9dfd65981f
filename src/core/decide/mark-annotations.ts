/**
 * Annotations of a replace-strategy resource (DESIGN "Replace-strategy resources"). The live
 * object carries them between the first call (mark) and the replacement.
 */
export const MARK_ANNOTATIONS = {
  /** `recreate` | `orphan-recreate`. */
  replace: "gitops-guard.io/replace",
  /** Comma-separated field paths whose change was reverted. */
  fields: "gitops-guard.io/replace-fields",
  /** JSON object {path: desired value}, bounded (omitted for Secrets and when too large). */
  desired: "gitops-guard.io/replace-desired",
  /** fnv1a64 of the desired values: "the same change again" is the same digest. */
  digest: "gitops-guard.io/replace-digest",
} as const;

/** Flux kustomize-controller recreates on an immutable error when this is on the desired or live object. */
export const FLUX_FORCE_ANNOTATION = "kustomize.toolkit.fluxcd.io/force";
export const FLUX_FORCE_VALUE = "enabled";

/** Argo CD ≥ 3.3 reads Replace/Force from the live object too (argo-cd#26110). */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options";

/**
 * kube-apiserver refuses an object whose annotations (keys + values) exceed 256 KiB
 * (ValidateAnnotationsSize, TotalAnnotationSizeLimitB). The desired-values annotation is added
 * only while all annotations stay under this budget, which leaves room for the other marks.
 */
export const ANNOTATIONS_BUDGET_BYTES = 200 * 1024;

/** Upper bound of the desired-values annotation itself, in bytes of UTF-8. */
export const MAX_DESIRED_ANNOTATION_BYTES = 16 * 1024;
