/**
 * JSON numbers kept as their text where a JavaScript number would change them.
 *
 * A JSON number is a double here. kube-apiserver decodes integers as int64: a live
 * `activeDeadlineSeconds: 9223372036854775807` read as a double and written back in a revert
 * patch became `9223372036854776000`, which kube-apiserver cannot decode into an int64 (the whole
 * patched object is refused), and `1e23` became `1e+23`. A reverted value must be the live bytes.
 *
 * Such numbers are parsed as `JSON.rawJSON(text)` (ES2026 "JSON.parse source text access",
 * V8 11.4+): a frozen, null-prototype object that `JSON.stringify` writes back as exactly that
 * text. The core treats one as a leaf (isJsonObject is false for it) and compares it by its text.
 */

declare global {
  interface JSON {
    rawJSON(text: string): RawNumber;
    isRawJSON(value: unknown): value is RawNumber;
    parse(text: string, reviver: (this: unknown, key: string, value: unknown, context: { readonly source?: string }) => unknown): unknown;
  }
}

/** A number kept as its JSON text (see above). */
export interface RawNumber {
  readonly rawJSON: string;
}

export function isRawNumber(value: unknown): value is RawNumber {
  return typeof value === "object" && value !== null && JSON.isRawJSON(value);
}

/**
 * A number token that a double may not keep as written: 16 or more digits (2^53 has 16), or an
 * exponent. Matched on the text before parsing, so the common review (no such number) takes the
 * native parser alone; a match inside a string only costs the slower lossless parse.
 */
const RISKY_NUMBER = /[:[,]\s*-?(?:\d{16,}|\d+(?:\.\d+)?[eE])/;

function keepText(_key: string, value: unknown, context: { readonly source?: string }): unknown {
  return typeof value === "number" && context.source !== undefined && String(value) !== context.source ? JSON.rawJSON(context.source) : value;
}

/**
 * Parses JSON text; a number whose double would not write back as the same text is kept as a
 * RawNumber. Throws SyntaxError like JSON.parse. Keys are kept as data, `__proto__` included
 * (JSON.parse defines properties, with or without a reviver).
 */
export function parseJsonLossless(text: string): unknown {
  return RISKY_NUMBER.test(text) ? JSON.parse(text, keepText) : (JSON.parse(text) as unknown);
}
