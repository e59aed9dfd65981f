import type { Assessment } from "../assess/assessment.ts";
import type { Cause } from "../assess/cause.ts";
import type { Reconcilable } from "../assess/reconcilable.ts";
import type { RecoveryOwner } from "../policy/recovery-schema.ts";
import { describeSteps, recoveryDisabled, withTried, type Journal, type JournalRead } from "./journal.ts";
import { planAction, RUNBOOKS } from "./plan-action.ts";
import { backoffMs, chooseRule, type RecoveryPolicy, type RuleChoice } from "./recovery-policy.ts";

/**
 * What watch does next about one reconciler object. A value: the adapter carries it out.
 * - `idle`: nothing to do (healthy, or in progress within its limits);
 * - `report`: recovery does nothing here (disabled, `none`, a dependent, an unreadable journal);
 * - `recommend`: nothing automatic, the recommendation stands (escalated after the window);
 * - `act`: write `journal` on the owner first, then carry out its steps not yet done;
 * - `validate`: read the touched objects and settle with validateRecovery/settleValidation;
 * - `wait`: a backoff or a validation window is running;
 * - `escalate`: write `journal` (phase escalated) and tell people; `rollback`: ask the engine;
 * - `close`: write `journal` (phase recovered); `validated`: health validated after an action;
 *   `announce`: a `Recovered` Event is the recoverer's to write (the state change's was held back);
 * - `await-fix`: write `journal` (exhausted retries seen at a source revision) and wait for a new one;
 * - `backoff`: write `journal` (the attempt failed) and try again after its `retryAfter`.
 */
export type RecoveryDecision =
  | { readonly type: "idle" }
  | { readonly type: "report"; readonly reason: string }
  | { readonly type: "recommend"; readonly reason: string; readonly rule: string }
  | { readonly type: "act"; readonly journal: Journal; readonly dryRun: boolean; readonly resume: boolean; readonly summary: string; readonly rule: string }
  | { readonly type: "validate"; readonly journal: Journal }
  | { readonly type: "wait"; readonly reason: string }
  | { readonly type: "escalate"; readonly journal: Journal; readonly message: string; readonly rollback: boolean }
  | { readonly type: "close"; readonly journal: Journal; readonly message: string; readonly validated: boolean; readonly announce: boolean }
  | { readonly type: "await-fix"; readonly journal: Journal }
  | { readonly type: "backoff"; readonly journal: Journal; readonly reason: string };

export const idle = (): RecoveryDecision => ({ type: "idle" });
export const report = (reason: string): RecoveryDecision => ({ type: "report", reason });

export interface RecoveryInput {
  readonly owner: Reconcilable;
  readonly assessment: Assessment;
  readonly journal: JournalRead;
  readonly policy: RecoveryPolicy;
  /** ms since the epoch. */
  readonly now: number;
  readonly replacementAvailable: boolean;
  /**
   * The revision of what feeds the owner (for a HelmRelease applied by a Kustomization: that
   * Kustomization's lastAppliedRevision): exhausted retries are reset only once it moves on
   * (the Git side was fixed), never on the revision that failed.
   */
  readonly sourceRevision?: string;
}

function ownerOf(kind: Reconcilable["kind"]): RecoveryOwner {
  if (kind === "HelmRelease") return "helm";
  return kind === "Application" ? "argocd" : "flux";
}

function annotationsOf(owner: Reconcilable): Readonly<Record<string, string>> | null | undefined {
  return owner.object.metadata.annotations;
}

/** Kustomization: the revision it attempts (what Ready must be reached at). */
function expectedRevision(owner: Reconcilable): string | undefined {
  return owner.kind === "Kustomization" ? owner.object.status?.lastAttemptedRevision : undefined;
}

/** helm-upgrade with `upgrade.remediation` configured: did helm-controller roll back? (issue 15, R3.3) */
function remediationNote(owner: Reconcilable): string {
  if (owner.kind !== "HelmRelease") return "";
  const retries = owner.object.spec?.upgrade?.remediation?.retries;
  if (retries === undefined || retries === 0) return " upgrade.remediation is not configured: set upgrade.remediation.retries (strategy rollback) so helm-controller rolls back by itself, or let the webhook default it (policy recovery.helmRemediationDefault).";
  const remediated = owner.object.status?.conditions?.find((c) => c.type === "Remediated");
  if (remediated?.status === "True" && remediated.reason === "RollbackSucceeded") return " helm-controller rolled back to the previous release (Remediated=True RollbackSucceeded): the old version is running.";
  return ` upgrade.remediation is configured (retries ${retries}) but helm-controller has not rolled back (no Remediated=True RollbackSucceeded).`;
}

function isoOf(now: number): string {
  return new Date(now).toISOString();
}

/** A fresh attempt: the journal to write before the first step. */
function startAttempt(input: RecoveryInput, previous: Journal | undefined, attempt: number, rule: string): RecoveryDecision {
  const { owner, assessment: a, policy, now } = input;
  const plan = planAction({ owner, assessment: a, policy, replacementAvailable: input.replacementAvailable });
  const cause = a.cause ?? "other";
  if (plan.type === "recommend") return { type: "recommend", reason: plan.reason, rule };
  if (plan.type === "escalate") {
    const journal: Journal = { v: 1, cause, action: null, attempt: previous?.attempt ?? 0, phase: "escalated", at: isoOf(now), token: previous?.token ?? "", steps: [], tried: withTried(previous?.tried ?? [], `not attempted: ${plan.reason}`) };
    return { type: "escalate", journal, message: plan.reason, rollback: false };
  }
  const revision = expectedRevision(owner);
  const journal: Journal = {
    v: 1, cause, action: plan.action, attempt, phase: "acting", at: isoOf(now), token: isoOf(now),
    ...(revision === undefined ? {} : { revision }),
    steps: [...plan.steps], tried: previous?.tried ?? [],
  };
  return { type: "act", journal, dryRun: policy.mode === "dry-run", resume: false, summary: `${plan.action} (attempt ${attempt}): ${plan.summary}: ${describeSteps(plan.steps)}`, rule };
}

/** Recovery is not allowed on this object at all: disabled by annotation, off by policy, or an unreadable journal. */
function gate(input: RecoveryInput): RecoveryDecision | undefined {
  if (recoveryDisabled(annotationsOf(input.owner))) return report("recovery disabled on this object (gitops-guard.io/recovery: disabled)");
  if (input.policy.mode === "off") return report("recovery is off (recovery.mode)");
  if (input.journal.state === "invalid") return report(`${input.journal.error}: recovery stopped on this object until the annotation is fixed or removed`);
  return undefined;
}

/** What the journal alone decides: resume an attempt, validate it, or close an episode once Ready. */
function fromJournal(input: RecoveryInput, journal: Journal | undefined): RecoveryDecision | undefined {
  if (journal === undefined) return undefined;
  if (journal.phase === "acting") {
    return { type: "act", journal, dryRun: false, resume: true, summary: `${journal.action ?? "action"} (attempt ${journal.attempt}, resumed): ${describeSteps(journal.steps.filter((s) => !s.done))}`, rule: "journal" };
  }
  if (journal.phase === "validating") return { type: "validate", journal };
  const open = journal.phase === "escalated" || journal.phase === "awaiting-fix" || journal.phase === "backoff";
  if (input.assessment.state === "ready" && open) {
    // awaiting-fix is not held back by the watch loop (the state change announces Recovered itself).
    return { type: "close", journal: { ...journal, phase: "recovered", at: isoOf(input.now) }, message: `ready again (recovery was ${journal.phase}); journal closed`, validated: false, announce: journal.phase !== "awaiting-fix" };
  }
  return undefined;
}

/** Troubled objects recovery never acts on: never-namespaces, no cause, waiting dependents. */
function outOfScope(input: RecoveryInput): RecoveryDecision | undefined {
  const { assessment: a, policy } = input;
  const never = (ns: string | null): boolean => ns !== null && policy.neverNamespaces.includes(ns);
  if (never(a.object.namespace) || a.objects.some((o) => never(o.namespace))) {
    return report(`recovery is never automatic in namespace ${a.object.namespace} or the namespaces it names (recovery.neverNamespaces)`);
  }
  if (a.cause === null) return { type: "recommend", reason: "no cause found", rule: "default" };
  if (a.cause === "dependency") {
    const root = a.rootCause;
    return report(`waits on ${root === null ? "a dependency" : `${root.object.kind}/${root.object.namespace}/${root.object.name}`}: recovery acts on the root cause only`);
  }
  return undefined;
}

/** After a failed attempt: wait out the backoff, then try again within the limit, else escalate. */
function afterBackoff(input: RecoveryInput, journal: Journal, choice: RuleChoice): RecoveryDecision {
  const retryAt = Date.parse(journal.retryAfter ?? "");
  if (Number.isFinite(retryAt) && input.now < retryAt) return { type: "wait", reason: `backoff until ${journal.retryAfter ?? ""}` };
  if (journal.attempt >= choice.maxAttempts) return escalateAfter(journal, input.now, `${journal.attempt} attempt(s) did not recover it`, false);
  return startAttempt(input, journal, journal.attempt + 1, choice.rule);
}

/** Exhausted retries are reset only after the Git side moved on (issue 15): the same revision would fail again. */
function afterFix(input: RecoveryInput, journal: Journal | undefined, choice: RuleChoice): RecoveryDecision {
  if (journal?.phase !== "awaiting-fix") {
    const revision = input.sourceRevision === undefined ? {} : { revision: input.sourceRevision };
    return { type: "await-fix", journal: { v: 1, cause: "retries-exhausted", action: null, attempt: 0, phase: "awaiting-fix", at: isoOf(input.now), token: "", ...revision, steps: [], tried: journal?.tried ?? [] } };
  }
  if (input.sourceRevision === undefined || input.sourceRevision === journal.revision) return { type: "wait", reason: "exhausted retries: waiting for a new source revision before resetting" };
  return startAttempt(input, journal, 1, choice.rule);
}

/**
 * The next recovery step for one object (pure). The journal on the owner is the memory: a new
 * leader reads it and resumes (acting), validates (validating), waits (backoff) or leaves it
 * (recovered, escalated), so nothing is repeated and nothing dropped.
 */
export function decideRecovery(input: RecoveryInput): RecoveryDecision {
  const a = input.assessment;
  const blocked = gate(input);
  if (blocked !== undefined) return blocked;
  const journal = input.journal.state === "ok" ? input.journal.journal : undefined;
  const known = fromJournal(input, journal);
  if (known !== undefined) return known;
  if (a.state !== "stuck" && a.state !== "failed") return idle();
  if (journal?.phase === "escalated") return report("escalated: waiting for a person (the journal says what was tried)");
  const skipped = outOfScope(input);
  if (skipped !== undefined || a.cause === null) return skipped ?? idle();
  return byPolicy(input, journal, a.cause);
}

/** A troubled object in scope: what the first matching rule (or the cause's default) allows. */
function byPolicy(input: RecoveryInput, journal: Journal | undefined, cause: Cause): RecoveryDecision {
  const { owner, assessment: a } = input;
  const choice = chooseRule(input.policy, { cause, kinds: [a.object.kind, ...a.objects.map((o) => o.kind)], namespace: a.object.namespace, owner: ownerOf(owner.kind) });
  if (journal?.phase === "backoff" && (choice.action !== "recover" || journal.cause !== cause)) {
    // The attempt changed what is wrong (an unlock that revealed a failing upgrade): a person looks.
    return escalateAfter(journal, input.now, `after attempt ${journal.attempt} the cause is ${cause} (policy ${choice.rule}: ${choice.action})`, false);
  }
  if (choice.action === "none") return report(`policy ${choice.rule}: none (report only)`);
  if (choice.action === "recommend") return { type: "recommend", reason: `policy ${choice.rule}: recommend.${remediationNote(owner)}`, rule: choice.rule };
  if (journal?.phase === "backoff") return afterBackoff(input, journal, choice);
  if (cause === "retries-exhausted" && owner.kind === "HelmRelease") return afterFix(input, journal, choice);
  // No journal, or the last episode is over (recovered): a new episode.
  return startAttempt(input, undefined, 1, choice.rule);
}

function escalateAfter(journal: Journal, now: number, why: string, rollback: boolean): RecoveryDecision {
  const tried = journal.tried.length > 0 ? journal.tried.join("; ") : "nothing";
  const runbook = journal.action === "orphan-recreate" && rollback ? RUNBOOKS.rolledBack : journal.cause === "helm-locked" || journal.cause === "retries-exhausted" ? RUNBOOKS.helm : RUNBOOKS.gaveUp;
  return {
    type: "escalate",
    journal: { ...journal, phase: "escalated", at: new Date(now).toISOString() },
    message: `automatic recovery gave up: ${why}. Tried: ${tried}. Runbook: ${runbook}`,
    rollback,
  };
}

export type HealthVerdict =
  | { readonly type: "healthy"; readonly message: string }
  | { readonly type: "pending"; readonly message: string }
  | { readonly type: "unhealthy"; readonly message: string };

/**
 * After validation: recovered (close), still inside the window (wait), or failed — then the next
 * attempt after a backoff, or escalation (with a rollback of a replacement) when the attempts are spent.
 */
export function settleValidation(input: RecoveryInput, journal: Journal, verdict: HealthVerdict): RecoveryDecision {
  const { policy, now, owner, assessment: a } = input;
  const maxAttempts = chooseRule(policy, { cause: journal.cause, kinds: [a.object.kind, ...a.objects.map((o) => o.kind)], namespace: a.object.namespace, owner: ownerOf(owner.kind) }).maxAttempts;
  const line = `attempt ${journal.attempt}: ${journal.action ?? "action"} (${describeSteps(journal.steps)})`;
  if (verdict.type === "healthy") {
    return { type: "close", journal: { ...journal, phase: "recovered", at: new Date(now).toISOString(), tried: withTried(journal.tried, `${line} → recovered`) }, message: `recovered by ${journal.action ?? "action"} (attempt ${journal.attempt}); health validated: ${verdict.message}`, validated: true, announce: true };
  }
  const started = Date.parse(journal.at);
  const deadline = (Number.isFinite(started) ? started : now) + policy.healthTimeoutSeconds * 1000;
  if (verdict.type === "pending" && now < deadline) return { type: "wait", reason: `validating: ${verdict.message}` };
  const failed: Journal = { ...journal, tried: withTried(journal.tried, `${line} → ${verdict.type === "pending" ? `not healthy within ${policy.healthTimeoutSeconds} s` : "unhealthy"}: ${verdict.message}`) };
  const replaced = journal.steps.some((s) => s.op === "orphan-recreate");
  if (journal.attempt >= maxAttempts || replaced) {
    // A replacement that did not become healthy is rolled back before anything else is tried.
    return escalateAfter(failed, now, `health not validated after attempt ${journal.attempt}: ${verdict.message}`, replaced);
  }
  const retryAfter = new Date(now + backoffMs(policy, journal.attempt)).toISOString();
  return { type: "backoff", journal: { ...failed, phase: "backoff", at: new Date(now).toISOString(), retryAfter }, reason: `attempt ${journal.attempt} failed (${verdict.message}); next after ${retryAfter}` };
}
