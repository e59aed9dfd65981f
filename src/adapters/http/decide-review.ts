import { admissionReviewSchema, type AdmissionRequest } from "../../core/admission/admission-review.ts";
import { answerReview, type AdmissionReviewResponse } from "../../core/admission/admission-response.ts";
import { mutateRequest, type AdmissionOutcome } from "../../core/admission/mutate-request.ts";
import { validateRequest } from "../../core/admission/validate-request.ts";
import { verdictFor } from "../../core/admission/verdict-for.ts";
import { MAX_JUDGED_DEPTH, nestsDeeperThan } from "../../core/k8s/nesting-depth.ts";
import { failureDecision } from "../../core/decide/failure-decision.ts";
import { decisionRecord, type DecisionRecord } from "../../core/records/decision-record.ts";
import type { ErrorCode } from "../../errors.ts";
import type { DecisionSummary, Observation } from "../metrics/admission-metrics.ts";
import type { ActivePolicy } from "./active-policy.ts";

export type Webhook = "mutate" | "validate";

/** The result of one AdmissionReview body: a 400 for a body that is not one, or an answer with what to record. */
export type ReviewOutcome =
  | { readonly kind: "invalid"; readonly message: string }
  | {
      readonly kind: "answer";
      /** The AdmissionReview to send (HTTP 200). */
      readonly answer: AdmissionReviewResponse;
      readonly observation: Observation;
      /** Set when the answer came from the failure mode (no policy yet, a decision that threw or stalled). */
      readonly error?: { readonly code: ErrorCode; readonly message: string };
      /** What deciding threw, for the operational log (never the request body). */
      readonly thrown?: unknown;
      /** The decision record, built on demand (after the answer is on its way); absent when records skip this request. */
      readonly record?: () => DecisionRecord;
    };

/** What deciding one review needs besides the body. */
export interface ReviewEnv {
  readonly active: ActivePolicy | undefined;
  readonly guardNamespace: string;
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
  /** Answer with the failure mode under this code instead of deciding (a stalled decision thread). */
  readonly fail?: { readonly code: ErrorCode; readonly message: string };
}

/** The 400 body for a request that is not an AdmissionReview, naming the first problems. */
function invalidReviewMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const named = issues.slice(0, 3).map((i) => `${i.path.map(String).join(".") || "(body)"}: ${i.message}`);
  return `not an AdmissionReview (admission.k8s.io/v1 or v1beta1): ${named.join("; ")}`;
}

function failedOutcome(active: ActivePolicy | undefined, code: ErrorCode): AdmissionOutcome {
  const decision = active ? failureDecision(active.policy.failureMode, active.policy.mode, code) : failureDecision("open", "enforce", code);
  return { verdict: verdictFor(decision, []), decision, owner: "other", patch: [] };
}

function decide(webhook: Webhook, request: AdmissionRequest, env: ReviewEnv): { outcome: AdmissionOutcome; error?: { code: ErrorCode; message: string }; thrown?: unknown } {
  const { active } = env;
  if (env.fail) return { outcome: failedOutcome(active, env.fail.code), error: env.fail };
  if (!active) return { outcome: failedOutcome(undefined, "ERR_POLICY_NOT_LOADED"), error: { code: "ERR_POLICY_NOT_LOADED", message: "no valid policy loaded yet" } };
  if (nestsDeeperThan(request.object ?? undefined, MAX_JUDGED_DEPTH) || nestsDeeperThan(request.oldObject ?? undefined, MAX_JUDGED_DEPTH)) {
    return { outcome: failedOutcome(active, "ERR_REVIEW_TOO_DEEP"), error: { code: "ERR_REVIEW_TOO_DEEP", message: `the object nests deeper than ${MAX_JUDGED_DEPTH} levels` } };
  }
  const context = { catalogue: active.catalogue, policy: active.policy, guardNamespace: env.guardNamespace };
  try {
    return { outcome: webhook === "mutate" ? mutateRequest(request, context) : validateRequest(request, context) };
  } catch (err) {
    return { outcome: failedOutcome(active, "ERR_INTERNAL"), error: { code: "ERR_INTERNAL", message: err instanceof Error ? err.message : String(err) }, thrown: err };
  }
}

/**
 * decode → core → encode for one parsed request body, on whichever thread runs it (the request
 * thread, or the decision thread: see decision-worker-client.ts). No I/O: the caller sends the
 * answer, logs, observes the metrics and writes the record.
 */
export function decideReview(webhook: Webhook, body: unknown, env: ReviewEnv): ReviewOutcome {
  const parsed = admissionReviewSchema.safeParse(body);
  if (!parsed.success) return { kind: "invalid", message: invalidReviewMessage(parsed.error.issues) };
  const { apiVersion, request } = parsed.data;
  const { outcome, error, thrown } = decide(webhook, request, env);
  const answer = answerReview({ apiVersion, uid: request.uid }, outcome.verdict, { mayPatch: webhook === "mutate" });
  const seconds = Number(env.monotonicNs() - env.startedNs) / 1e9;
  const { decision } = outcome;
  const dryRun = request.dryRun === true;
  // The summary, not the decision: it crosses threads, and findings carry whole field values.
  const summary: DecisionSummary = { action: decision.action, enforcedAction: decision.enforcedAction, findings: decision.findings.length === 0 ? [] : decision.findings.map(({ ruleId, class: findingClass, severity }) => ({ ruleId, class: findingClass, severity })) };
  const observation: Observation = { webhook, operation: request.operation, group: request.kind.group, kind: request.kind.kind, dryRun, decision: summary, seconds };
  const { active } = env;
  const recorded = env.recording && (!dryRun || (active?.policy.records.dryRun ?? true));
  const record = recorded
    ? (): DecisionRecord => {
        const facts = { webhook, time: env.isoTime(env.receivedAt), latencyMs: Math.round(seconds * 1e6) / 1e3, policyVersion: active?.version ?? "none", valueMaxBytes: active?.policy.records.valueMaxBytes ?? 256, ...(error ? { error } : {}) };
        const status = outcome.verdict.status;
        return decisionRecord(request, { ...outcome, allowed: outcome.verdict.allowed, ...(status ? { code: status.code } : {}) }, facts);
      }
    : undefined;
  return { kind: "answer", answer, observation, ...(error ? { error } : {}), ...(thrown !== undefined ? { thrown } : {}), ...(record ? { record } : {}) };
}
