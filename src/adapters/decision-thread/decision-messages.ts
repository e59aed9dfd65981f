import type { ErrorCode } from "../../errors.ts";
import type { ReviewInput } from "./decider.ts";
import type { Observation } from "../metrics/admission-metrics.ts";
import type { PolicyChange } from "../policy/dynamic-policy-provider.ts";

/**
 * The messages between the request thread and the decision thread (decision-worker-client.ts,
 * serve-decisions.ts). Plain data: every message is structured-cloned by postMessage.
 */

/** What the decision thread is started with (workerData). */
export interface DecisionThreadData {
  readonly guardNamespace: string;
  /**
   * Two BigInt64 slots (BUSY_SLOTS): [0] the thread sets to Date.now() when it starts deciding a
   * review and to 0 when it is done; [1] the id of that review. The stall watchdog reads them
   * (Atomics), so a busy request thread, which reads the thread's messages late, is never taken
   * for a stalled decision thread, and only the review that stalled is answered by the failure
   * mode.
   */
  readonly busySince: SharedArrayBuffer;
  /** Whether records are written at all (`--records off` → false: none are built). */
  readonly recording: boolean;
}

/** Slots of DecisionThreadData.busySince: when the current review started (ms), and its id. */
export const BUSY_SLOTS = { since: 0, id: 1 } as const;

/** One request body to decide (the raw text: parsing it is part of the work moved off the request thread). */
export interface ReviewTask extends ReviewInput {
  readonly type: "review";
  readonly id: number;
}

export type ToDecisionThread =
  | ReviewTask
  | { readonly type: "policy-change"; readonly change: PolicyChange }
  /** Send every observation and record line of the answers sent so far, then `flushed`. */
  | { readonly type: "flush" };

/** An error thrown while deciding, as far as it survives a thread boundary. */
export interface ThrownError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
}

export interface AnswerMessage {
  readonly type: "answer";
  readonly id: number;
  /** The AdmissionReview answer as JSON text (HTTP 200), or absent for a body that is not one. */
  readonly answer?: string;
  /** Why the body is not an AdmissionReview (HTTP 400). */
  readonly invalid?: string;
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  readonly uid?: string;
  readonly thrown?: ThrownError;
}

/** What one answered request leaves for the metrics and the records. */
export interface AfterItem {
  /** The request's id: items of requests the request thread already answered by the failure mode (a stall) are dropped. */
  readonly id: number;
  readonly observation: Observation;
  /** The decision record as one JSON line (the README schema), when records are written. */
  readonly line?: string;
}

/** The metrics and records of answers already sent, batched per turn of the decision thread's loop. */
export interface AfterMessage {
  readonly type: "after";
  readonly items: readonly AfterItem[];
  /** Records that could not be built (a bug): logged by the request thread. */
  readonly recordErrors: readonly ThrownError[];
}

export type FromDecisionThread = { readonly type: "ready" } | AnswerMessage | AfterMessage | { readonly type: "flushed" };
