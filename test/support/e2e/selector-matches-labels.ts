import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

function requirementHolds(requirement: JsonValue, labels: Readonly<Record<string, JsonValue>>): boolean {
  if (!isJsonObject(requirement) || typeof requirement["key"] !== "string") return false;
  const key = requirement["key"];
  const values = Array.isArray(requirement["values"]) ? requirement["values"] : [];
  const present = typeof labels[key] === "string";
  switch (requirement["operator"]) {
    case "In": return present && values.includes(labels[key]!);
    case "NotIn": return !present || !values.includes(labels[key]!);
    case "Exists": return present;
    case "DoesNotExist": return !present;
    default: return false;
  }
}

/**
 * metav1.LabelSelectorAsSelector(selector).Matches(labels): every matchLabels pair and every
 * matchExpressions requirement (In, NotIn, Exists, DoesNotExist) holds. An unknown operator never
 * matches (the API server refuses it at validation).
 */
export function selectorMatchesLabels(selector: JsonValue | undefined, labels: JsonValue | undefined): boolean {
  const have = isJsonObject(labels) ? labels : {};
  const wanted = isJsonObject(selector) ? selector : {};
  const matchLabels = isJsonObject(wanted["matchLabels"]) ? wanted["matchLabels"] : {};
  const expressions = Array.isArray(wanted["matchExpressions"]) ? wanted["matchExpressions"] : [];
  return Object.entries(matchLabels).every(([key, value]) => have[key] === value)
    && expressions.every((requirement) => requirementHolds(requirement, have));
}
