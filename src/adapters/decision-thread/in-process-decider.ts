import type { Logger } from "pino";
import { failureReview, reviewDecision, type ReviewError } from "../../core/admission/review-decision.ts";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import type { PolicyProvider } from "../policy/policy-provider.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import { afterAnswerQueue } from "./after-answer-queue.ts";
import type { DecidedReview, Decider, ReviewInput } from "./decider.ts";
import { isoTimeCache } from "./iso-time-cache.ts";
import { reviewAftermath } from "./review-aftermath.ts";

/** What deciding on the request thread needs; all injected. */
export interface InProcessDeciderDeps {
  readonly policy: PolicyProvider;
  readonly guardNamespace: string;
  /** Absent with `--records off`. */
  readonly records: RecordWriter | undefined;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
  /** Monotonic clock in ns (latency). */
  readonly monotonicNs: () => bigint;
}

/** The request-thread decider; the threaded decider also uses `decideNow` when its thread cannot. */
export interface InProcessDecider extends Decider {
  /** Decides at once; with `fail`, answers by the failure mode under that error instead (a stalled thread). */
  decideNow(review: ReviewInput, fail?: ReviewError): DecidedReview;
}

/**
 * Decides each review where it arrived: parse, decide, answer; the metrics and the record follow
 * in one `setImmediate` per turn of the loop, after the answers are on their way.
 */
export function inProcessDecider(deps: InProcessDeciderDeps): InProcessDecider {
  const afterAnswer = afterAnswerQueue((err) => deps.log.error({ err }, "recording a decision failed"));
  const isoTime = isoTimeCache();
  const recording = deps.records !== undefined;
  const decideNow = (review: ReviewInput, fail?: ReviewError): DecidedReview => {
    const { webhook, text } = review;
    const active = deps.policy.current();
    const decided = fail ? failureReview(webhook, text, active, fail) : reviewDecision(webhook, text, active, deps.guardNamespace);
    if (decided.kind === "invalid") return decided;
    const { observation, record } = reviewAftermath(webhook, decided, active, { ...review, monotonicNs: deps.monotonicNs, isoTime, recording });
    afterAnswer(() => {
      deps.metrics.observe(observation);
      if (deps.records && record) deps.records.write(record());
    });
    const { answer, error, thrown } = decided;
    return { kind: "answer", answer, uid: answer.response.uid, ...(error ? { error } : {}), ...(thrown !== undefined ? { thrown } : {}) };
  };
  return {
    decideNow,
    decide: (review) => Promise.resolve(decideNow(review)),
    // What the queue holds runs in the next check phase: one turn of the loop hands it all on.
    close: () => new Promise((resolve) => setImmediate(resolve)),
  };
}
