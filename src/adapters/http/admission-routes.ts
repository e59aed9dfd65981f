import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { admissionReviewSchema, type AdmissionReview } from "../../core/admission/admission-review.ts";
import { answerReview } from "../../core/admission/admission-response.ts";
import { mutateRequest, type AdmissionOutcome } from "../../core/admission/mutate-request.ts";
import { validateRequest } from "../../core/admission/validate-request.ts";
import { verdictFor } from "../../core/admission/verdict-for.ts";
import { failureDecision } from "../../core/decide/failure-decision.ts";
import { decisionRecord } from "../../core/records/decision-record.ts";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import type { ActivePolicy, PolicyProvider } from "./active-policy.ts";
import { afterAnswerQueue, type AfterAnswer } from "./after-answer-queue.ts";

export type Webhook = "mutate" | "validate";

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
}

/** The 400 body for a request that is not an AdmissionReview, naming the first problems. */
function invalidReviewMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const named = issues.slice(0, 3).map((i) => `${i.path.map(String).join(".") || "(body)"}: ${i.message}`);
  return `not an AdmissionReview (admission.k8s.io/v1 or v1beta1): ${named.join("; ")}`;
}

function decideSafely(webhook: Webhook, review: AdmissionReview, active: ActivePolicy | undefined, deps: AdmissionRouteDeps): { outcome: AdmissionOutcome; error?: { code: string; message: string } } {
  if (!active) {
    const decision = failureDecision("open", "enforce", "ERR_POLICY_NOT_LOADED");
    return { outcome: { verdict: verdictFor(decision, []), decision, owner: "other", patch: [] }, error: { code: "ERR_POLICY_NOT_LOADED", message: "no valid policy loaded yet" } };
  }
  const context = { catalogue: active.catalogue, policy: active.policy, guardNamespace: deps.guardNamespace };
  try {
    return { outcome: webhook === "mutate" ? mutateRequest(review.request, context) : validateRequest(review.request, context) };
  } catch (err) {
    deps.log.error({ err, uid: review.request.uid, webhook }, "decision failed");
    const decision = failureDecision(active.policy.failureMode, active.policy.mode, "ERR_INTERNAL");
    return { outcome: { verdict: verdictFor(decision, []), decision, owner: "other", patch: [] }, error: { code: "ERR_INTERNAL", message: err instanceof Error ? err.message : String(err) } };
  }
}

/** RFC 3339 time of a millisecond, remembered for the next call: at 10,000 answers/s about ten records share each millisecond, and formatting one costs 0.4 µs. */
function isoTimeCache(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastText = "";
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = new Date(ms).toISOString();
    }
    return lastText;
  };
}

/** What the two routes share: the after-answer queue and the record time cache. */
interface RouteState {
  readonly afterAnswer: AfterAnswer;
  readonly isoTime: (ms: number) => string;
}

async function handle(webhook: Webhook, deps: AdmissionRouteDeps, { afterAnswer, isoTime }: RouteState, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const started = deps.monotonicNs();
  const receivedAt = deps.now();
  if (deps.draining?.() === true) reply.header("connection", "close");
  const parsed = admissionReviewSchema.safeParse(request.body);
  if (!parsed.success) {
    deps.metrics.error(webhook, "ERR_REVIEW_INVALID");
    const message = invalidReviewMessage(parsed.error.issues);
    deps.log.warn({ webhook, reason: message }, "invalid AdmissionReview rejected");
    return reply.code(400).send({ code: "ERR_REVIEW_INVALID", message });
  }
  const review = parsed.data;
  const active = deps.policy.current();
  const { outcome, error } = decideSafely(webhook, review, active, deps);
  const body = answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: webhook === "mutate" });
  const seconds = Number(deps.monotonicNs() - started) / 1e9;
  // Records and metrics are written after the answer is on its way: never on the response path.
  afterAnswer(() => {
    const { request: admission } = review;
    deps.metrics.observe({ webhook, operation: admission.operation, group: admission.kind.group, kind: admission.kind.kind, dryRun: admission.dryRun === true, decision: outcome.decision, seconds });
    if (error) deps.metrics.error(webhook, error.code);
    if (deps.records && (admission.dryRun !== true || (active?.policy.records.dryRun ?? true))) {
      const time = isoTime(receivedAt);
      const facts = { webhook, time, latencyMs: Math.round(seconds * 1e6) / 1e3, policyVersion: active?.version ?? "none", valueMaxBytes: active?.policy.records.valueMaxBytes ?? 256, ...(error ? { error } : {}) };
      const status = outcome.verdict.status;
      deps.records.write(decisionRecord(admission, { ...outcome, allowed: outcome.verdict.allowed, ...(status ? { code: status.code } : {}) }, facts));
    }
  });
  return body;
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
