import { jsonBodyError } from "./json-body-error.ts";
import { parseJsonLossless } from "../k8s/lossless-json.ts";

/**
 * Parses a request body: the one JSON parse of a review, on whichever thread decides it.
 *
 * Plain `JSON.parse`, not fastify's secure-json-parse: a `__proto__` key is a legal key of a
 * ConfigMap's or Secret's data and of labels and annotations, and JSON.parse keeps it as an
 * ordinary own property (ECMA-262 JSON.parse defines properties, it never assigns them). Refusing
 * such a body with 400 let kube-apiserver apply the failure policy (Ignore): the request went
 * through unjudged. What secure-json-parse protects against is code that later *assigns*
 * parsed keys into other objects; gitops-guard never does (set-at.ts, json.ts cloneJson and the
 * draft define keys; maps built from object keys are `Map`s), and the property tests send such
 * keys everywhere a map key is legal.
 *
 * Numbers a double would change (past 2^53, exponents) are kept as their text (lossless-json.ts),
 * so a revert patch writes the live bytes back.
 *
 * The error names what is wrong and never quotes the body (it may hold Secret data).
 */
export function parseReviewText(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  if (text === "") return { ok: false, message: "body is empty: expected an AdmissionReview" };
  try {
    return { ok: true, value: parseJsonLossless(text) };
  } catch (err) {
    return { ok: false, message: jsonBodyError(err) };
  }
}
