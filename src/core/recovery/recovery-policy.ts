import type { Cause } from "../assess/cause.ts";
import type { Policy } from "../policy/policy-schema.ts";
import type { RecoveryOwner, RecoveryPolicyInput, RecoveryRuleAction } from "../policy/recovery-schema.ts";

export type RecoveryMode = "enforce" | "dry-run" | "off";

/** The `recovery` section with its global switch resolved (`recovery.mode`, else `watch.recover`). */
export interface RecoveryPolicy extends Omit<RecoveryPolicyInput, "mode"> {
  readonly mode: RecoveryMode;
}

/**
 * The mode: `override` (watch --recovery) first, then `recovery.mode` when written, then the older
 * `watch.recover` (true = enforce); otherwise off (watch alerts only, as before this section existed).
 */
export function recoveryPolicy(policy: Pick<Policy, "watch" | "recovery">, override?: RecoveryMode): RecoveryPolicy {
  const mode: RecoveryMode = override ?? policy.recovery.mode ?? (policy.watch.recover === true ? "enforce" : "off");
  return { ...policy.recovery, mode };
}

/**
 * The conservative defaults (issue 15 item 1): immutable conflicts (data-bearing objects are
 * refused by the planner whatever the policy says) and Helm locks recover; every other cause is
 * recommended and escalated. Causes not listed: `recommend`.
 */
export const DEFAULT_CAUSE_ACTIONS: Readonly<Partial<Record<Cause, RecoveryRuleAction>>> = {
  immutable: "recover",
  "helm-locked": "recover",
};

export interface RuleChoice {
  readonly action: RecoveryRuleAction;
  readonly maxAttempts: number;
  /** `rules[3]` or the rule's name; `default` when no rule matched. */
  readonly rule: string;
}

export interface RuleQuery {
  readonly cause: Cause;
  /** The reconciler's kind and the kinds its diagnosis names. */
  readonly kinds: readonly string[];
  readonly namespace: string;
  readonly owner: RecoveryOwner;
}

/** The first rule that matches (every given criterion), else the default for the cause. */
export function chooseRule(policy: RecoveryPolicy, query: RuleQuery): RuleChoice {
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.causes !== undefined && !rule.causes.includes(query.cause)) continue;
    if (rule.kinds !== undefined && !query.kinds.some((k) => rule.kinds?.includes(k) === true)) continue;
    if (rule.namespaces !== undefined && !rule.namespaces.includes(query.namespace)) continue;
    if (rule.owners !== undefined && !rule.owners.includes(query.owner)) continue;
    return { action: rule.action, maxAttempts: rule.maxAttempts ?? policy.maxAttempts, rule: rule.name ?? `rules[${index}]` };
  }
  return { action: DEFAULT_CAUSE_ACTIONS[query.cause] ?? "recommend", maxAttempts: policy.maxAttempts, rule: "default" };
}

/** Milliseconds to wait after failed attempt `attempt` (1-based): backoffSeconds × factor^(attempt−1), capped. */
export function backoffMs(policy: RecoveryPolicy, attempt: number): number {
  const seconds = Math.min(policy.maxBackoffSeconds, policy.backoffSeconds * policy.backoffFactor ** Math.max(0, attempt - 1));
  return Math.round(seconds * 1000);
}
