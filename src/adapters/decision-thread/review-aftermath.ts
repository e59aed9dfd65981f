import type { ReviewDecision, Webhook } from "../../core/admission/review-decision.ts";
import type { ActivePolicy } from "../../core/policy/active-policy.ts";
import { decisionRecord, type DecisionRecord } from "../../core/records/decision-record.ts";
import type { DecisionSummary, Observation } from "../metrics/admission-metrics.ts";

/** The clocks and switches the aftermath of a review needs, besides the review. */
export interface AftermathFacts {
  /** Wall clock at receipt, ms since the epoch (the record's time). */
  readonly receivedAt: number;
  /** Monotonic clock at receipt, ns. */
  readonly startedNs: bigint;
  /** Monotonic clock now, ns (the latency's end). */
  readonly monotonicNs: () => bigint;
  /** RFC 3339 text of a wall-clock ms (cached by the caller). */
  readonly isoTime: (ms: number) => string;
  /** Whether records are written at all (`--records off` → false). */
  readonly recording: boolean;
}

/** What an answered review leaves for the metrics and the records. */
export interface Aftermath {
  readonly observation: Observation;
  /** The decision record, built on demand (after the answer is on its way); absent when records skip this review. */
  readonly record?: () => DecisionRecord;
}

/**
 * The metrics observation and the record of one decided review, on whichever thread decided it.
 * Called right after deciding: the latency ends here.
 */
export function reviewAftermath(webhook: Webhook, decided: Extract<ReviewDecision, { kind: "decided" }>, active: ActivePolicy | undefined, facts: AftermathFacts): Aftermath {
  const { request, outcome, error } = decided;
  const seconds = Number(facts.monotonicNs() - facts.startedNs) / 1e9;
  const { decision } = outcome;
  const dryRun = request.dryRun === true;
  // The summary, not the decision: it crosses threads, and findings carry whole field values.
  const findings = decision.findings.length === 0 ? [] : decision.findings.map(({ ruleId, class: findingClass, severity }) => ({ ruleId, class: findingClass, severity }));
  const summary: DecisionSummary = { action: decision.action, enforcedAction: decision.enforcedAction, findings };
  const observation: Observation = { webhook, operation: request.operation, group: request.kind.group, kind: request.kind.kind, dryRun, decision: summary, seconds };
  const recorded = facts.recording && (!dryRun || (active?.policy.records.dryRun ?? true));
  if (!recorded) return { observation };
  const record = (): DecisionRecord => {
    const recordFacts = {
      webhook,
      time: facts.isoTime(facts.receivedAt),
      latencyMs: Math.round(seconds * 1e6) / 1e3,
      policyVersion: active?.version ?? "none",
      valueMaxBytes: active?.policy.records.valueMaxBytes ?? 256,
      ...(error ? { error } : {}),
    };
    const status = outcome.verdict.status;
    return decisionRecord(request, { ...outcome, allowed: outcome.verdict.allowed, ...(status ? { code: status.code } : {}) }, recordFacts);
  };
  return { observation, record };
}
