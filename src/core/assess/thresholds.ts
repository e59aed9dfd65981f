/**
 * When a reconciliation that is not Ready becomes slow, stuck and escalated. Seconds.
 *
 * - stuckAfterSeconds: 300, the "stuck for more than 5 minutes" and DESIGN "What stuck is";
 *   alert rules in the wild use 10–20 minutes (giantswarm/prometheus-rules#507 raised 10 → 20
 *   because Kustomizations "go over 10 mins while working fine"), so it is per kind and namespace.
 * - escalateAfterSeconds: 1800, the default for the second threshold (R4.4).
 * - slowAfterSeconds: undefined = the object's own timeout (Kustomization `spec.timeout`, else
 *   interval − 30 s, at least 30 s; HelmRelease `spec.timeout`, default 5 m; watch-recovery.md §1.2–1.3).
 */
export interface Thresholds {
  readonly stuckAfterSeconds: number;
  readonly escalateAfterSeconds: number;
  readonly slowAfterSeconds?: number;
}

export const DEFAULT_STUCK_AFTER_SECONDS = 300;
export const DEFAULT_ESCALATE_AFTER_SECONDS = 1800;

export const DEFAULT_THRESHOLDS: Thresholds = {
  stuckAfterSeconds: DEFAULT_STUCK_AFTER_SECONDS,
  escalateAfterSeconds: DEFAULT_ESCALATE_AFTER_SECONDS,
};

/** A per-kind/namespace override, as the policy's `watch.overrides` entries carry it. */
export interface ThresholdOverride {
  readonly kinds?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly stuckAfterSeconds?: number;
  readonly slowAfterSeconds?: number;
  readonly escalateAfterSeconds?: number;
}

/** The thresholds for one object: the first override whose kinds and namespaces match, over the base. */
export function thresholdsFor(base: Thresholds, overrides: readonly ThresholdOverride[], kind: string, namespace: string): Thresholds {
  const match = overrides.find((o) => (o.kinds === undefined || o.kinds.includes(kind)) && (o.namespaces === undefined || o.namespaces.includes(namespace)));
  if (match === undefined) return base;
  const slow = match.slowAfterSeconds ?? base.slowAfterSeconds;
  return {
    stuckAfterSeconds: match.stuckAfterSeconds ?? base.stuckAfterSeconds,
    escalateAfterSeconds: match.escalateAfterSeconds ?? base.escalateAfterSeconds,
    ...(slow === undefined ? {} : { slowAfterSeconds: slow }),
  };
}
