import type { Policy } from "../policy/policy-schema.ts";
import { DEFAULT_ESCALATE_AFTER_SECONDS, thresholdsFor, type ThresholdOverride, type Thresholds } from "./thresholds.ts";

/** Thresholds given on the command line; each one, when set, replaces the policy's. */
export interface ThresholdFlags {
  readonly stuckAfterSeconds?: number;
  readonly escalateAfterSeconds?: number;
  readonly slowAfterSeconds?: number;
}

/**
 * The thresholds for each kind and namespace: the policy's `watch.stuckAfterSeconds`, the
 * defaults of thresholds.ts for the rest, command-line flags over both, then the per kind and
 * namespace overrides (the policy schema does not carry them yet: README's policy reference
 * must document a key before the schema accepts it, see docs/watch.md).
 */
export function policyThresholds(
  watch: Policy["watch"],
  flags: ThresholdFlags = {},
  overrides: readonly ThresholdOverride[] = [],
): (kind: string, namespace: string) => Thresholds {
  const slow = flags.slowAfterSeconds;
  const base: Thresholds = {
    stuckAfterSeconds: flags.stuckAfterSeconds ?? watch.stuckAfterSeconds,
    escalateAfterSeconds: flags.escalateAfterSeconds ?? DEFAULT_ESCALATE_AFTER_SECONDS,
    ...(slow === undefined ? {} : { slowAfterSeconds: slow }),
  };
  return (kind, namespace) => thresholdsFor(base, overrides, kind, namespace);
}
