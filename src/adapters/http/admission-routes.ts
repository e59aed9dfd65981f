import type { FastifyReply, FastifyRequest } from "fastify";
import { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { ERROR_CODES } from "../../errors.ts";
import type { Webhook } from "../../core/admission/review-decision.ts";
import type { Decider } from "../decision-thread/decider.ts";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import { JsonText } from "./json-text.ts";

/** What the admission routes need; all injected. */
export interface AdmissionRouteDeps {
  /** Where reviews are decided (on the request thread, or on a thread of their own). */
  readonly decider: Decider;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
  /** Wall clock, ms since the epoch (record time). */
  readonly now: () => number;
  /** Monotonic clock in ns (latency). */
  readonly monotonicNs: () => bigint;
  /** True once shutdown has begun: answers then carry `Connection: close`. Default: never. */
  readonly draining?: () => boolean;
  /**
   * Answer 401 to a client whose TLS connection did not present a certificate the client CA
   * signed (build-server's `clientCa`). Default: false.
   */
  readonly requireClientCert?: boolean;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** Whether the TLS connection presented a client certificate the server's client CA verified. */
function clientAuthenticated(request: FastifyRequest): boolean {
  const socket = request.raw.socket;
  return socket instanceof TLSSocket && socket.authorized;
}

/** The one 400 of a review: the body is not an AdmissionReview (the message never quotes it). */
function reject(webhook: Webhook, deps: AdmissionRouteDeps, reply: FastifyReply, message: string): FastifyReply {
  deps.metrics.error(webhook, "ERR_REVIEW_INVALID");
  deps.log.warn({ webhook, code: "ERR_REVIEW_INVALID", reason: message }, "invalid AdmissionReview rejected");
  return reply.code(ERROR_CODES.ERR_REVIEW_INVALID.httpStatus).send({ code: "ERR_REVIEW_INVALID", message });
}

async function handle(webhook: Webhook, deps: AdmissionRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const startedNs = deps.monotonicNs();
  const receivedAt = deps.now();
  if (deps.draining?.() === true) reply.header("connection", "close");
  if (deps.requireClientCert === true && !clientAuthenticated(request)) {
    deps.metrics.error(webhook, "ERR_UNAUTHENTICATED");
    deps.log.warn({ webhook, code: "ERR_UNAUTHENTICATED", remote: request.ip }, "request without a valid client certificate refused");
    return reply.code(ERROR_CODES.ERR_UNAUTHENTICATED.httpStatus).send({ code: "ERR_UNAUTHENTICATED", message: "a client certificate signed by the configured client CA is required" });
  }
  // build-server's content parser keeps every application/json body as text (anything else got
  // 415 there); a request without a body has none, and is answered like an empty one.
  const text = request.body instanceof JsonText ? request.body.text : "";
  const decided = await deps.decider.decide({ webhook, text, receivedAt, startedNs });
  if (decided.kind === "invalid") return reject(webhook, deps, reply, decided.message);
  if (decided.thrown !== undefined) deps.log.error({ err: decided.thrown, uid: decided.uid, webhook }, "decision failed");
  if (decided.error) deps.metrics.error(webhook, decided.error.code);
  return typeof decided.answer === "string" ? reply.type(JSON_TYPE).send(decided.answer) : decided.answer;
}

/** The part of a fastify instance the routes need (any logger/server type parameters). */
export interface RouteHost {
  post(path: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): unknown;
}

/** POST /mutate and POST /validate: the body goes to the decider, its answer back to the client. */
export function registerAdmissionRoutes(app: RouteHost, deps: AdmissionRouteDeps): void {
  app.post("/mutate", (request, reply) => handle("mutate", deps, request, reply));
  app.post("/validate", (request, reply) => handle("validate", deps, request, reply));
}
