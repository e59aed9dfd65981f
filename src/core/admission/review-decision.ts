import { messageOf } from "../../errors.ts";
import type { ErrorCode } from "../../errors.ts";
import { failureDecision } from "../decide/failure-decision.ts";
import { MAX_JUDGED_DEPTH, nestsDeeperThan } from "../k8s/nesting-depth.ts";
import type { ActivePolicy } from "../policy/active-policy.ts";
import { admissionReviewSchema, type AdmissionRequest } from "./admission-review.ts";
import { answerReview, type AdmissionReviewResponse } from "./admission-response.ts";
import { mutateRequest, type AdmissionOutcome } from "./mutate-request.ts";
import { parseReviewText } from "./parse-review-text.ts";
import { validateRequest } from "./validate-request.ts";
import { verdictFor } from "./verdict-for.ts";

export type Webhook = "mutate" | "validate";

/** Why an answer came from the failure mode (no policy yet, a review too deep, a decision that threw or stalled). */
export interface ReviewError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** One review body, decided: a 400 for a body that is not an AdmissionReview, or the answer and what it rests on. */
export type ReviewDecision =
  | { readonly kind: "invalid"; readonly message: string }
  | {
      readonly kind: "decided";
      readonly request: AdmissionRequest;
      /** The decision, owner and patch behind the answer (for records and metrics). */
      readonly outcome: AdmissionOutcome;
      /** The AdmissionReview to send (HTTP 200). */
      readonly answer: AdmissionReviewResponse;
      /** Set when the answer came from the failure mode. */
      readonly error?: ReviewError;
      /** What deciding threw, for the operational log (never the request body). */
      readonly thrown?: unknown;
    };

/** The 400 body for a request that is not an AdmissionReview, naming the first problems. */
function invalidReviewMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const named = issues.slice(0, 3).map((i) => `${i.path.map(String).join(".") || "(body)"}: ${i.message}`);
  return `not an AdmissionReview (admission.k8s.io/v1 or v1beta1): ${named.join("; ")}`;
}

/** decode: the body text → the AdmissionReview (one JSON parse, then zod), or why it is not one. */
function decodeReview(text: string): { readonly ok: true; readonly review: { apiVersion: AdmissionReviewResponse["apiVersion"]; request: AdmissionRequest } } | { readonly ok: false; readonly message: string } {
  const parsed = parseReviewText(text);
  if (!parsed.ok) return parsed;
  const review = admissionReviewSchema.safeParse(parsed.value);
  return review.success ? { ok: true, review: review.data } : { ok: false, message: invalidReviewMessage(review.error.issues) };
}

function failedOutcome(active: ActivePolicy | undefined, code: ErrorCode): AdmissionOutcome {
  const decision = active ? failureDecision(active.policy.failureMode, active.policy.mode, code) : failureDecision("open", "enforce", code);
  return { verdict: verdictFor(decision, []), decision, owner: "other", patch: [] };
}

function judge(webhook: Webhook, request: AdmissionRequest, active: ActivePolicy | undefined, guardNamespace: string): { outcome: AdmissionOutcome; error?: ReviewError; thrown?: unknown } {
  if (!active) return { outcome: failedOutcome(undefined, "ERR_POLICY_NOT_LOADED"), error: { code: "ERR_POLICY_NOT_LOADED", message: "no valid policy loaded yet" } };
  if (nestsDeeperThan(request.object ?? undefined, MAX_JUDGED_DEPTH) || nestsDeeperThan(request.oldObject ?? undefined, MAX_JUDGED_DEPTH)) {
    return { outcome: failedOutcome(active, "ERR_REVIEW_TOO_DEEP"), error: { code: "ERR_REVIEW_TOO_DEEP", message: `the object nests deeper than ${MAX_JUDGED_DEPTH} levels` } };
  }
  const context = { catalogue: active.catalogue, policy: active.policy, guardNamespace };
  try {
    return { outcome: webhook === "mutate" ? mutateRequest(request, context) : validateRequest(request, context) };
  } catch (err) {
    return { outcome: failedOutcome(active, "ERR_INTERNAL"), error: { code: "ERR_INTERNAL", message: messageOf(err) }, thrown: err };
  }
}

/** encode: the answer for the request (uid echoed; a patch only from /mutate). */
function encode(webhook: Webhook, review: { apiVersion: AdmissionReviewResponse["apiVersion"]; request: AdmissionRequest }, judged: { outcome: AdmissionOutcome; error?: ReviewError; thrown?: unknown }): ReviewDecision {
  const { apiVersion, request } = review;
  const answer = answerReview({ apiVersion, uid: request.uid }, judged.outcome.verdict, { mayPatch: webhook === "mutate" });
  return { kind: "decided", request, outcome: judged.outcome, answer, ...(judged.error ? { error: judged.error } : {}), ...(judged.thrown !== undefined ? { thrown: judged.thrown } : {}) };
}

/**
 * decode → core → encode for one review body: the seam every way of serving calls (on the
 * request thread or on the decision thread). Pure: the caller sends the answer, logs, observes
 * the metrics and writes the record.
 */
export function reviewDecision(webhook: Webhook, text: string, active: ActivePolicy | undefined, guardNamespace: string): ReviewDecision {
  const decoded = decodeReview(text);
  if (!decoded.ok) return { kind: "invalid", message: decoded.message };
  return encode(webhook, decoded.review, judge(webhook, decoded.review.request, active, guardNamespace));
}

/** The answer by the failure mode for a review that could not be decided (a stalled decision thread). */
export function failureReview(webhook: Webhook, text: string, active: ActivePolicy | undefined, error: ReviewError): ReviewDecision {
  const decoded = decodeReview(text);
  if (!decoded.ok) return { kind: "invalid", message: decoded.message };
  return encode(webhook, decoded.review, { outcome: failedOutcome(active, error.code), error });
}
