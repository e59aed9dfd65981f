import type { JsonValue } from "../k8s/json.ts";

/** Shown in place of any value that must never leave the process (Secret data). */
export const REDACTED = "<redacted>";

/** Secret fields whose values are never shown, recorded or logged. */
const SECRET_VALUE_FIELDS = new Set(["data", "stringData"]);

/** True when a value at `path` of an object of `kind` is secret (Secret data / stringData). */
export function isSecretValue(group: string, kind: string, path: readonly (string | number)[]): boolean {
  return group === "" && kind === "Secret" && typeof path[0] === "string" && SECRET_VALUE_FIELDS.has(path[0]);
}

/** A value as JSON, cut to `maxChars` with an ellipsis; "(absent)" for undefined. */
export function displayValue(value: JsonValue | undefined, maxChars = 40): string {
  if (value === undefined) return "(absent)";
  const chars = Array.from(JSON.stringify(value));
  // Cut on code points, so no character is split in half before the ellipsis.
  return chars.length <= maxChars ? chars.join("") : `${chars.slice(0, Math.max(1, maxChars - 1)).join("")}…`;
}
