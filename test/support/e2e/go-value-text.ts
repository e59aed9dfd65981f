import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

// Go's %#v quotes strings with strconv.Quote; JSON.stringify agrees for the label keys and values
// these stories use (printable ASCII).
function quote(text: string): string {
  return JSON.stringify(text);
}

function stringMap(value: JsonValue | undefined): [string, string][] {
  if (!isJsonObject(value)) return [];
  return Object.entries(value)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `%#v` of a map[string]string, as field.Invalid prints it in a 422 message:
 * `map[string]string{"app":"web", "team":"payments"}` (keys sorted, as fmt has done since Go 1.12);
 * a nil map prints `map[string]string(nil)`.
 */
export function goStringMapText(value: JsonValue | undefined): string {
  if (!isJsonObject(value)) return "map[string]string(nil)";
  return `map[string]string{${stringMap(value).map(([k, v]) => `${quote(k)}:${quote(v)}`).join(", ")}}`;
}

function requirementText(value: JsonValue): string {
  const item = isJsonObject(value) ? value : {};
  const values = Array.isArray(item["values"]) ? item["values"].map((v) => quote(String(v))) : [];
  const list = values.length === 0 ? "[]string(nil)" : `[]string{${values.join(", ")}}`;
  return `v1.LabelSelectorRequirement{Key:${quote(String(item["key"] ?? ""))}, Operator:${quote(String(item["operator"] ?? ""))}, Values:${list}}`;
}

/**
 * `%#v` of a metav1.LabelSelector, the value the API server prints in
 * `spec.selector: Invalid value: v1.LabelSelector{…}: field is immutable`
 * (reference/k8s-immutable-fields.md §2.3).
 */
export function goLabelSelectorText(value: JsonValue | undefined): string {
  const selector = isJsonObject(value) ? value : {};
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  const expressionText = expressions.length === 0
    ? "[]v1.LabelSelectorRequirement(nil)"
    : `[]v1.LabelSelectorRequirement{${expressions.map(requirementText).join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMapText(selector["matchLabels"])}, MatchExpressions:${expressionText}}`;
}
