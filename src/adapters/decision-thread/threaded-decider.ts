import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import type { DecidedReview, Decider } from "./decider.ts";
import type { AfterMessage, AnswerMessage } from "./decision-messages.ts";
import { startDecisionThread, type DecisionThread, type DecisionThreadOptions } from "./decision-worker-client.ts";
import type { InProcessDecider } from "./in-process-decider.ts";

export interface ThreadedDeciderOptions extends Omit<DecisionThreadOptions, "onAfter" | "onEvent" | "recording"> {
  /** Decides on the request thread whatever the thread cannot (down, queue full, large body, stalled). */
  readonly fallback: InProcessDecider;
  readonly metrics: AdmissionMetrics;
  /** Absent with `--records off`. */
  readonly records: RecordWriter | undefined;
}

/** The threaded decider, and the thread under it (whether it runs, its heap; tests send it reviews). */
export interface ThreadedDecider extends Decider {
  readonly thread: DecisionThread;
}

const STALLED = { code: "ERR_DECISION_STALLED", message: "the decision thread stopped answering" } as const;

function fromThread(message: AnswerMessage): DecidedReview {
  if (message.invalid !== undefined) return { kind: "invalid", message: message.invalid };
  return {
    kind: "answer",
    answer: message.answer ?? "",
    ...(message.uid !== undefined ? { uid: message.uid } : {}),
    ...(message.error ? { error: message.error } : {}),
    ...(message.thrown ? { thrown: message.thrown } : {}),
  };
}

/** Hands the observations and record lines of answers the thread already sent to their writers. */
function handOn(options: Pick<ThreadedDeciderOptions, "metrics" | "records" | "log">): (after: AfterMessage) => void {
  return ({ items, recordErrors }) => {
    let lines = "";
    for (const item of items) {
      options.metrics.observe(item.observation);
      if (item.line !== undefined) lines += item.line;
    }
    if (lines !== "") options.records?.writeLines(lines);
    for (const err of recordErrors) options.log.error({ err }, "recording a decision failed");
  };
}

/**
 * Decides reviews on a thread of their own (decision-worker-client.ts), and on the request
 * thread whatever the thread cannot take: while it is down or restarting, when its queue is full,
 * and for large bodies. The one review a stalled thread was deciding is answered by the failure
 * mode; the ones queued behind it are decided here.
 */
export function startThreadedDecider(options: ThreadedDeciderOptions): ThreadedDecider {
  const { fallback, metrics, records } = options;
  const thread: DecisionThread = startDecisionThread({
    ...options,
    recording: records !== undefined,
    onAfter: handOn(options),
    onEvent: (event) => metrics.threadEvent(event),
  });
  metrics.threadHeapSource(() => thread.heap());
  return {
    async decide(review) {
      const result = await thread.decide(review);
      switch (result.kind) {
        case "answered":
          return fromThread(result.message);
        case "unavailable":
          metrics.decidedOnRequestThread(result.reason);
          return fallback.decideNow(review);
        case "stalled":
          return fallback.decideNow(review, STALLED);
      }
    },
    thread,
    async close() {
      await thread.flush();
      await thread.close();
      await fallback.close();
    },
  };
}
