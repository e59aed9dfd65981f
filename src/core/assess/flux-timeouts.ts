import { goDurationSeconds } from "./go-duration.ts";

/** helm-controller `spec.timeout` default (api/v2 GetTimeout: 300 * time.Second). */
export const HELM_DEFAULT_TIMEOUT_SECONDS = 300;
/** kustomize-controller: timeout = spec.timeout, else interval − 30 s, never below 30 s (api/v1 GetTimeout). */
export const KUSTOMIZE_MIN_TIMEOUT_SECONDS = 30;
/** Without a parsable interval (it is required by the CRD), Flux's documented 10m example minus 30 s. */
const KUSTOMIZE_FALLBACK_TIMEOUT_SECONDS = 570;

export function kustomizationTimeout(spec: { readonly timeout?: string | undefined; readonly interval?: string | undefined } | undefined): number {
  const explicit = spec?.timeout === undefined ? undefined : goDurationSeconds(spec.timeout);
  if (explicit !== undefined) return explicit;
  const interval = spec?.interval === undefined ? undefined : goDurationSeconds(spec.interval);
  if (interval === undefined) return KUSTOMIZE_FALLBACK_TIMEOUT_SECONDS;
  return Math.max(KUSTOMIZE_MIN_TIMEOUT_SECONDS, interval - 30);
}

export function helmReleaseTimeout(spec: { readonly timeout?: string | undefined } | undefined): number {
  const explicit = spec?.timeout === undefined ? undefined : goDurationSeconds(spec.timeout);
  return explicit ?? HELM_DEFAULT_TIMEOUT_SECONDS;
}
