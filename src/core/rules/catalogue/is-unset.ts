import { isJsonObject, type JsonValue } from "../../k8s/json.ts";

/**
 * True when a value carries nothing: absent, null, "", 0, or a list/map that holds only unset
 * values. Go's zero values (`""`, `0`, nil maps) are what an omitted field decodes to, so a manifest
 * that "drops" a server-assigned field leaves exactly one of these behind.
 */
export function isUnset(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === "" || value === 0) return true;
  if (Array.isArray(value)) return value.every((item) => isUnset(item));
  if (isJsonObject(value)) return Object.values(value).every((item) => isUnset(item));
  return false;
}
