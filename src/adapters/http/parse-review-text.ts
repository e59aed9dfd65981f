import secureJson from "secure-json-parse";
import { jsonBodyError } from "./json-body-error.ts";

/**
 * Parses a request body the way fastify's JSON parser does (secure-json-parse, refusing
 * `__proto__` and `constructor.prototype` keys: prototype poisoning), for the decision thread,
 * which receives the raw text. The error names what is wrong and never quotes the body.
 */
export function parseReviewText(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  if (text === "") return { ok: false, message: "body is empty: expected an AdmissionReview" };
  try {
    return { ok: true, value: secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" }) };
  } catch {
    return { ok: false, message: jsonBodyError(text) };
  }
}
