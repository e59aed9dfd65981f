import type { Policy } from "../policy/policy-schema.ts";
import { DEFAULT_ESCALATE_AFTER_SECONDS, thresholdsFor, type ThresholdOverride, type Thresholds } from "./thresholds.ts";

/** Thresholds given on the command line; each one, when set, replaces the policy's. */
export interface ThresholdFlags {
  readonly stuckAfterSeconds?: number;
  readonly escalateAfterSeconds?: number;
  readonly slowAfterSeconds?: number;
}

/**
 * The thresholds for each kind and namespace: the policy's `watch` thresholds (the defaults of
 * thresholds.ts where it says nothing), command-line flags over them, then the policy's per kind
 * and namespace `watch.overrides` (the first that matches).
 */
export function policyThresholds(
  watch: Policy["watch"],
  flags: ThresholdFlags = {},
  overrides: readonly ThresholdOverride[] = watch.overrides,
): (kind: string, namespace: string) => Thresholds {
  const slow = flags.slowAfterSeconds ?? watch.slowAfterSeconds;
  const base: Thresholds = {
    stuckAfterSeconds: flags.stuckAfterSeconds ?? watch.stuckAfterSeconds,
    escalateAfterSeconds: flags.escalateAfterSeconds ?? watch.escalateAfterSeconds ?? DEFAULT_ESCALATE_AFTER_SECONDS,
    ...(slow === undefined ? {} : { slowAfterSeconds: slow }),
  };
  return (kind, namespace) => thresholdsFor(base, overrides, kind, namespace);
}
