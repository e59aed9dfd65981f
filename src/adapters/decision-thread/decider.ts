import type { AdmissionReviewResponse } from "../../core/admission/admission-response.ts";
import type { ReviewError, Webhook } from "../../core/admission/review-decision.ts";

/** One review as the HTTP adapter received it. */
export interface ReviewInput {
  readonly webhook: Webhook;
  /** The raw body (UTF-8 text; "" for a request without one): parsed once, where it is decided. */
  readonly text: string;
  /** Wall clock at receipt, ms since the epoch (the record's time). */
  readonly receivedAt: number;
  /** process.hrtime.bigint() at receipt: one monotonic clock for every thread of the process. */
  readonly startedNs: bigint;
}

/** What the HTTP adapter answers for one review. */
export type DecidedReview =
  /** Not an AdmissionReview: HTTP 400 with this message (it never quotes the body). */
  | { readonly kind: "invalid"; readonly message: string }
  | {
      readonly kind: "answer";
      /** The AdmissionReview (HTTP 200), or its JSON text when it was serialised on the decision thread. */
      readonly answer: AdmissionReviewResponse | string;
      /** The review's uid, when the log needs it (a failure-mode answer). */
      readonly uid?: string;
      /** Set when the answer came from the failure mode (counted as an error). */
      readonly error?: ReviewError;
      /** What deciding threw, for the operational log. */
      readonly thrown?: unknown;
    };

/**
 * Where reviews are decided: on the request thread (in-process-decider.ts) or on a thread of
 * their own (threaded-decider.ts). Either one observes the metrics and writes the record of each
 * answer after the answer is on its way; the HTTP adapter only sends what `decide` returns.
 */
export interface Decider {
  decide(review: ReviewInput): Promise<DecidedReview>;
  /** Hands on the metrics and records of every answer given so far, then stops (shutdown). */
  close(): Promise<void>;
}
