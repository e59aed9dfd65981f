import { DECISION_ID_KEY, isDecisionId } from "../audit/decision-id.ts";
import type { Operation as PatchOperation } from "fast-json-patch";
import type { AdmissionApiVersion } from "./admission-review.ts";
import { base64Utf8 } from "../k8s/base64-utf8.ts";

/** The `response` stanza kube-apiserver accepts (admission/v1 types.go; admissionreview.go checks). */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string; readonly reason?: string };
  /** base64 of the JSON Patch; present only together with patchType, and only from /mutate. */
  readonly patch?: string;
  readonly patchType?: "JSONPatch";
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

export interface AdmissionReviewResponse {
  readonly apiVersion: AdmissionApiVersion;
  readonly kind: "AdmissionReview";
  readonly response: AdmissionResponse;
}

/** What an answer says before the envelope is added. Built only by the constructors below. */
export interface Verdict {
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string; readonly reason?: string };
  readonly patch: readonly PatchOperation[];
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
}

export function allowed(warnings: readonly string[] = [], auditAnnotations: Record<string, string> = {}): Verdict {
  return { allowed: true, patch: [], warnings, auditAnnotations };
}

export function patched(
  patch: readonly PatchOperation[],
  warnings: readonly string[] = [],
  auditAnnotations: Record<string, string> = {},
): Verdict {
  return { allowed: true, patch, warnings, auditAnnotations };
}

/** metav1.StatusReason for the codes gitops-guard answers with (apimachinery errors.go). */
const REASONS: Readonly<Record<number, string>> = { 403: "Forbidden", 409: "Conflict", 422: "Invalid", 500: "InternalError" };

/**
 * A denial. The API server forces code ≥ 400 (400 when unset); the reason is derived from the
 * code so clients classify it as kube-apiserver would (422 → Invalid, 403 → Forbidden).
 */
export function denied(
  code: number,
  message: string,
  warnings: readonly string[] = [],
  auditAnnotations: Record<string, string> = {},
): Verdict {
  const reason = REASONS[code] ?? (code >= 500 ? "InternalError" : "BadRequest");
  return { allowed: false, status: { code: Math.max(400, code), message, reason }, patch: [], warnings, auditAnnotations };
}


/**
 * The audit annotations with the decision id: the webhook call's uid, which the decision record
 * carries too, so `gitops-guard audit` joins the API server's audit event and our record exactly
 * (kube-apiserver stores it as `<webhook name>/decision-id`; src/core/audit/decision-id.ts). Every
 * answer carries it, findings or not. A uid that is not a plain token is left out.
 */
function withDecisionId(annotations: Readonly<Record<string, string>>, uid: string): Readonly<Record<string, string>> {
  return isDecisionId(uid) ? { ...annotations, [DECISION_ID_KEY]: uid } : annotations;
}

/**
 * The AdmissionReview answer: same apiVersion as the request, uid echoed (set here and only here),
 * patch and patchType together and only when the webhook may patch and the patch is not empty.
 */
export function answerReview(
  request: { readonly apiVersion: AdmissionApiVersion; readonly uid: string },
  verdict: Verdict,
  options: { readonly mayPatch: boolean },
): AdmissionReviewResponse {
  const withPatch = options.mayPatch && verdict.allowed && verdict.patch.length > 0;
  const auditAnnotations = withDecisionId(verdict.auditAnnotations, request.uid);
  const response: AdmissionResponse = {
    uid: request.uid,
    allowed: verdict.allowed,
    ...(verdict.status ? { status: verdict.status } : {}),
    ...(withPatch ? { patch: base64Utf8(JSON.stringify(verdict.patch)), patchType: "JSONPatch" as const } : {}),
    ...(verdict.warnings.length > 0 ? { warnings: verdict.warnings } : {}),
    ...(Object.keys(auditAnnotations).length > 0 ? { auditAnnotations } : {}),
  };
  return { apiVersion: request.apiVersion, kind: "AdmissionReview", response };
}
