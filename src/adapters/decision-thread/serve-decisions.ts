import type { MessagePort } from "node:worker_threads";
import { reviewDecision } from "../../core/admission/review-decision.ts";
import type { DecisionRecord } from "../../core/records/decision-record.ts";
import type { Observation } from "../metrics/admission-metrics.ts";
import { dynamicPolicyProvider, type DynamicPolicyProvider } from "../policy/dynamic-policy-provider.ts";
import { BUSY_SLOTS, type AfterItem, type AfterMessage, type AnswerMessage, type DecisionThreadData, type FromDecisionThread, type ReviewTask, type ThrownError, type ToDecisionThread } from "./decision-messages.ts";
import { isoTimeCache } from "./iso-time-cache.ts";
import { reviewAftermath } from "./review-aftermath.ts";

/** What a port must offer: node's parentPort, or a test's MessageChannel end. */
export type DecisionPort = Pick<MessagePort, "on" | "postMessage">;

function thrownError(err: unknown): ThrownError {
  return err instanceof Error ? { type: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) } : { type: typeof err, message: String(err) };
}

/**
 * The decision thread's loop: the same reviewDecision as the request thread, for each review in
 * arrival order. The answer is posted at once; the observation and the record line are built
 * after it and posted together per turn of the loop (one message for all the answers of a turn),
 * so neither delays an answer nor costs the request thread a message each.
 */
export function serveDecisions(port: DecisionPort, data: DecisionThreadData, provider: DynamicPolicyProvider = dynamicPolicyProvider()): void {
  const isoTime = isoTimeCache();
  const monotonicNs = (): bigint => process.hrtime.bigint();
  const busySince = new BigInt64Array(data.busySince);
  // Answers sent this turn whose observation and record line are still to go (sendAfter).
  let answered: { readonly id: number; readonly observation: Observation; readonly record?: () => DecisionRecord }[] = [];
  let scheduled = false;
  const send = (message: FromDecisionThread): void => port.postMessage(message);
  const sendAfter = (): void => {
    scheduled = false;
    if (answered.length === 0) return;
    const batch = answered;
    answered = [];
    const items: AfterItem[] = [];
    const recordErrors: ThrownError[] = [];
    for (const { id, observation, record } of batch) {
      let line: string | undefined;
      try {
        if (record) line = `${JSON.stringify(record())}\n`;
      } catch (err) {
        recordErrors.push(thrownError(err));
      }
      items.push(line === undefined ? { id, observation } : { id, observation, line });
    }
    const message: AfterMessage = { type: "after", items, recordErrors };
    send(message);
  };
  const decideTask = (task: ReviewTask): void => {
    const active = provider.current();
    const decided = reviewDecision(task.webhook, task.text, active, data.guardNamespace);
    if (decided.kind === "invalid") {
      send({ type: "answer", id: task.id, invalid: decided.message });
      return;
    }
    const { observation, record } = reviewAftermath(task.webhook, decided, active, { ...task, monotonicNs, isoTime, recording: data.recording });
    const answer: AnswerMessage = {
      type: "answer",
      id: task.id,
      answer: JSON.stringify(decided.answer),
      ...(decided.error ? { error: decided.error, uid: decided.answer.response.uid } : {}),
      ...(decided.thrown !== undefined ? { thrown: thrownError(decided.thrown) } : {}),
    };
    send(answer);
    answered.push(record ? { id: task.id, observation, record } : { id: task.id, observation });
    if (!scheduled) {
      scheduled = true;
      setImmediate(sendAfter);
    }
  };
  const decide = (task: ReviewTask): void => {
    Atomics.store(busySince, BUSY_SLOTS.id, BigInt(task.id));
    Atomics.store(busySince, BUSY_SLOTS.since, BigInt(Date.now()));
    try {
      decideTask(task);
    } finally {
      Atomics.store(busySince, BUSY_SLOTS.since, 0n);
    }
  };
  port.on("message", (message: ToDecisionThread) => {
    switch (message.type) {
      case "review":
        decide(message);
        break;
      case "policy-change":
        provider.apply(message.change);
        break;
      case "flush":
        sendAfter();
        send({ type: "flushed" });
        break;
    }
  });
  send({ type: "ready" });
}
