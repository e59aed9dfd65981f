import { z } from "zod";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { httpsRequest } from "../https-client.ts";

const reviewResponse = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  response: z.object({
    uid: z.string(),
    allowed: z.boolean(),
    status: z.object({
      code: z.number().int().optional(),
      message: z.string().optional(),
      reason: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }).loose().optional(),
    patch: z.string().optional(),
    patchType: z.string().optional(),
    warnings: z.array(z.string()).optional(),
    auditAnnotations: z.record(z.string(), z.string()).optional(),
  }).loose(),
});

/** The `response` stanza of a webhook's answer, after kube-apiserver's checks. */
export type WebhookResponse = z.infer<typeof reviewResponse>["response"];

/** What one call produced: an answer, or a calling error (subject to failurePolicy). */
export type WebhookCallResult =
  | { readonly kind: "answered"; readonly response: WebhookResponse }
  | { readonly kind: "call-failed"; readonly message: string };

/** Where and how to call. */
export interface WebhookEndpoint {
  /** "https://127.0.0.1:<port>/mutate". */
  readonly url: string;
  /** The caBundle: the only CA trusted for the webhook's serving certificate. */
  readonly ca: string;
  /** timeoutSeconds of the webhook, in ms. */
  readonly timeoutMs: number;
  /** Mutating webhooks may answer with a patch; validating ones may not. */
  readonly mutating: boolean;
}

/** webhook/request/admissionreview.go VerifyAdmissionResponse (v1): why an answer is unusable, or undefined. */
function invalidAnswer(parsed: z.infer<typeof reviewResponse>, uid: string, mutating: boolean): string | undefined {
  if (parsed.apiVersion !== "admission.k8s.io/v1" || parsed.kind !== "AdmissionReview") {
    return `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${parsed.apiVersion}, Kind=${parsed.kind}`;
  }
  const { response } = parsed;
  if (response.uid !== uid) return `expected response.uid="${uid}", got "${response.uid}"`;
  const hasPatch = response.patch !== undefined && response.patch !== "";
  if (!mutating && (hasPatch || response.patchType !== undefined)) return "validating webhook may not return response.patch or response.patchType";
  if (hasPatch && response.patchType === undefined) return "webhook returned response.patch but not response.patchType";
  if (!hasPatch && response.patchType !== undefined) return "webhook returned response.patchType but not response.patch";
  if (response.patchType !== undefined && response.patchType !== "JSONPatch") return `webhook returned invalid response.patchType of "${response.patchType}"`;
  return undefined;
}

/**
 * One webhook call as kube-apiserver's webhook client makes it: POST application/json over HTTPS,
 * the server verified against the caBundle only, `timeoutMs` for the whole call. A transport error,
 * a timeout, a non-200 answer, an undecodable body or an answer failing the v1 checks is a calling
 * error (ErrCallingWebhook), which the dispatcher resolves with failurePolicy.
 */
export async function callWebhook(endpoint: WebhookEndpoint, review: JsonObject, uid: string): Promise<WebhookCallResult> {
  let status: number;
  let text: string;
  try {
    ({ status, text } = await httpsRequest({ url: endpoint.url, ca: endpoint.ca, body: JSON.stringify(review), timeoutMs: endpoint.timeoutMs }));
  } catch (error) {
    return { kind: "call-failed", message: `failed to call webhook: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (status !== 200) return { kind: "call-failed", message: `failed to call webhook: the server responded with the status code ${status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: "call-failed", message: "received invalid webhook response: the body is not JSON" };
  }
  const parsed = reviewResponse.safeParse(body);
  if (!parsed.success) return { kind: "call-failed", message: `received invalid webhook response: ${parsed.error.issues[0]?.message ?? "not an AdmissionReview"}` };
  const invalid = invalidAnswer(parsed.data, uid, endpoint.mutating);
  if (invalid !== undefined) return { kind: "call-failed", message: `received invalid webhook response: ${invalid}` };
  return { kind: "answered", response: parsed.data.response };
}
