import type { JsonValue } from "../k8s/json.ts";

/** Shown in place of any value that must never leave the process (Secret data). */
export const REDACTED = "<redacted>";

/** Secret fields whose values are never shown, recorded or logged. */
const SECRET_VALUE_FIELDS = new Set(["data", "stringData"]);

/** kubectl client-side apply copies the whole manifest, data included, into this annotation. */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * True when a value at `path` of an object of `kind` may hold Secret data: `data`/`stringData`,
 * the last-applied-configuration annotation, and every path above them (a value there contains them).
 */
export function isSecretValue(group: string, kind: string, path: readonly (string | number)[]): boolean {
  if (group !== "" || kind !== "Secret") return false;
  const [first, second, third] = path;
  if (path.length === 0) return true;
  if (typeof first === "string" && SECRET_VALUE_FIELDS.has(first)) return true;
  if (first !== "metadata") return false;
  return path.length === 1 || (second === "annotations" && (path.length === 2 || third === LAST_APPLIED));
}

/** A value as JSON, cut to `maxChars` with an ellipsis; "(absent)" for undefined. */
export function displayValue(value: JsonValue | undefined, maxChars = 40): string {
  if (value === undefined) return "(absent)";
  const chars = Array.from(JSON.stringify(value));
  // Cut on code points, so no character is split in half before the ellipsis.
  return chars.length <= maxChars ? chars.join("") : `${chars.slice(0, Math.max(1, maxChars - 1)).join("")}…`;
}
