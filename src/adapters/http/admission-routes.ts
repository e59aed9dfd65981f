import type { FastifyReply, FastifyRequest } from "fastify";
import { TLSSocket } from "node:tls";
import { ERROR_CODES } from "../../errors.ts";
import type { Logger } from "pino";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import type { PolicyProvider } from "./active-policy.ts";
import { afterAnswerQueue, type AfterAnswer } from "./after-answer-queue.ts";
import { decideReview, type ReviewEnv, type ReviewOutcome, type Webhook } from "./decide-review.ts";
import type { AfterMessage, AnswerMessage } from "./decision-messages.ts";
import type { DecisionThread } from "./decision-worker-client.ts";
import { isoTimeCache } from "./iso-time-cache.ts";
import { parseReviewText } from "./parse-review-text.ts";
import { JsonText } from "./json-text.ts";

/** What the admission routes need; all injected. */
export interface AdmissionRouteDeps {
  readonly policy: PolicyProvider;
  readonly guardNamespace: string;
  readonly records: RecordWriter | undefined;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
  /** Wall clock, ms since the epoch (record time). */
  readonly now: () => number;
  /** Monotonic clock in ns (latency). */
  readonly monotonicNs: () => bigint;
  /** True once shutdown has begun: answers then carry `Connection: close`. Default: never. */
  readonly draining?: () => boolean;
  /**
   * Where reviews are decided. Absent: on the request thread (the body is parsed by fastify).
   * Present: the raw body goes to this thread (the request thread falls back to deciding itself
   * while the thread is down). Default: absent.
   */
  readonly decisionThread?: DecisionThread;
  /**
   * Answer 401 to a client whose TLS connection did not present a certificate the client CA
   * signed (build-server's `clientCa`). Default: false.
   */
  readonly requireClientCert?: boolean;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** What the two routes share: the after-answer queue and the record time cache. */
interface RouteState {
  readonly afterAnswer: AfterAnswer;
  readonly isoTime: (ms: number) => string;
}

/** Whether the TLS connection presented a client certificate the server's client CA verified. */
function clientAuthenticated(request: FastifyRequest): boolean {
  const socket = request.raw.socket;
  return socket instanceof TLSSocket && socket.authorized;
}

function reject(webhook: Webhook, deps: AdmissionRouteDeps, reply: FastifyReply, message: string): FastifyReply {
  deps.metrics.error(webhook, "ERR_REVIEW_INVALID");
  deps.log.warn({ webhook, code: "ERR_REVIEW_INVALID", reason: message }, "invalid AdmissionReview rejected");
  return reply.code(400).send({ code: "ERR_REVIEW_INVALID", message });
}

/** Decided on this thread: answer, then metrics and record after the answer is on its way. */
function answerHere(webhook: Webhook, deps: AdmissionRouteDeps, { afterAnswer }: RouteState, outcome: ReviewOutcome, reply: FastifyReply): unknown {
  if (outcome.kind === "invalid") return reject(webhook, deps, reply, outcome.message);
  if (outcome.thrown !== undefined) deps.log.error({ err: outcome.thrown, uid: outcome.answer.response.uid, webhook }, "decision failed");
  afterAnswer(() => {
    deps.metrics.observe(outcome.observation);
    if (outcome.error) deps.metrics.error(webhook, outcome.error.code);
    if (deps.records && outcome.record) deps.records.write(outcome.record());
  });
  return outcome.answer;
}

/** Decided on the decision thread: its metrics and record come later, in an AfterMessage. */
function answerFromThread(webhook: Webhook, deps: AdmissionRouteDeps, message: AnswerMessage, reply: FastifyReply): unknown {
  if (message.invalid !== undefined) return reject(webhook, deps, reply, message.invalid);
  if (message.thrown) deps.log.error({ err: message.thrown, uid: message.uid, webhook }, "decision failed");
  if (message.error) deps.metrics.error(webhook, message.error.code);
  return reply.type(JSON_TYPE).send(message.answer);
}

function envOf(deps: AdmissionRouteDeps, state: RouteState, receivedAt: number, startedNs: bigint, fail?: ReviewEnv["fail"]): ReviewEnv {
  return { active: deps.policy.current(), guardNamespace: deps.guardNamespace, receivedAt, startedNs, monotonicNs: deps.monotonicNs, isoTime: state.isoTime, recording: deps.records !== undefined, ...(fail ? { fail } : {}) };
}

async function handle(webhook: Webhook, deps: AdmissionRouteDeps, state: RouteState, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const startedNs = deps.monotonicNs();
  const receivedAt = deps.now();
  if (deps.draining?.() === true) reply.header("connection", "close");
  if (deps.requireClientCert === true && !clientAuthenticated(request)) {
    deps.metrics.error(webhook, "ERR_UNAUTHENTICATED");
    deps.log.warn({ webhook, code: "ERR_UNAUTHENTICATED", remote: request.ip }, "request without a valid client certificate refused");
    return reply.code(ERROR_CODES.ERR_UNAUTHENTICATED.httpStatus).send({ code: "ERR_UNAUTHENTICATED", message: "a client certificate signed by the configured client CA is required" });
  }
  // build-server's content parser keeps every application/json body as text; anything else got
  // 415 there, so what is not JsonText here is a request without a body.
  if (!(request.body instanceof JsonText)) return reject(webhook, deps, reply, "body is empty: expected an AdmissionReview");
  const { text } = request.body;
  const thread = deps.decisionThread;
  const result = thread ? await thread.decide({ webhook, text, receivedAt, startedNs }) : undefined;
  if (result?.kind === "answered") return answerFromThread(webhook, deps, result.message, reply);
  const parsed = parseReviewText(text);
  if (!parsed.ok) return reject(webhook, deps, reply, parsed.message);
  if (result?.kind === "unavailable") deps.metrics.decidedOnRequestThread(result.reason);
  const fail = result?.kind === "stalled" ? { code: "ERR_DECISION_STALLED" as const, message: "the decision thread stopped answering" } : undefined;
  return answerHere(webhook, deps, state, decideReview(webhook, parsed.value, envOf(deps, state, receivedAt, startedNs, fail)), reply);
}

/**
 * Hands the metrics and records of answers the decision thread sent to their writers. Wired by
 * the entry point as the thread's `onAfter`.
 */
export function afterThreadAnswers(deps: Pick<AdmissionRouteDeps, "metrics" | "records" | "log">): (after: AfterMessage) => void {
  return ({ items, recordErrors }) => {
    let lines = "";
    for (const item of items) {
      deps.metrics.observe(item.observation);
      if (item.line !== undefined) lines += item.line;
    }
    if (lines !== "") deps.records?.writeLines(lines);
    for (const err of recordErrors) deps.log.error({ err }, "recording a decision failed");
  };
}

/** The part of a fastify instance the routes need (any logger/server type parameters). */
export interface RouteHost {
  post(path: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): unknown;
}

/** POST /mutate and POST /validate: decode → core → encode. */
export function registerAdmissionRoutes(app: RouteHost, deps: AdmissionRouteDeps): void {
  const state: RouteState = {
    afterAnswer: afterAnswerQueue((err) => deps.log.error({ err }, "recording a decision failed")),
    isoTime: isoTimeCache(),
  };
  app.post("/mutate", (request, reply) => handle("mutate", deps, state, request, reply));
  app.post("/validate", (request, reply) => handle("validate", deps, state, request, reply));
}
