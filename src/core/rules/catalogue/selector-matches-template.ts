import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, stringMapOf, type JsonValue } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";

function expressionHolds(expr: JsonValue, labels: ReadonlyMap<string, string>): boolean {
  if (!isJsonObject(expr) || typeof expr["key"] !== "string") return true;
  const key = expr["key"];
  const values = Array.isArray(expr["values"]) ? expr["values"].filter((v) => typeof v === "string") : [];
  const has = labels.has(key);
  switch (expr["operator"]) {
    case "In":
      return has && values.includes(labels.get(key) ?? "");
    case "NotIn":
      return !has || !values.includes(labels.get(key) ?? "");
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return true;
  }
}

/**
 * The template's labels must satisfy the (immutable) selector: `spec.template.metadata.labels:
 * Invalid value: ...: \`selector\` does not match template \`labels\`` (ValidatePodTemplateSpecForReplicaSet).
 * Reported at the template label that breaks it, so a restore puts the live value back.
 */
export function selectorMatchesTemplate(input: RuleInput): Violation[] {
  const selector = getAt(input.new, ["spec", "selector"]);
  const labelsPath: PathSegment[] = ["spec", "template", "metadata", "labels"];
  const labels = stringMapOf(getAt(input.new, labelsPath));
  const oldLabels = stringMapOf(getAt(input.old, labelsPath));
  if (!isJsonObject(selector)) return [];
  const violations: Violation[] = [];
  for (const [key, value] of stringMapOf(selector["matchLabels"])) {
    if (labels.get(key) !== value) {
      violations.push({ path: [...labelsPath, key], from: oldLabels.get(key), to: labels.get(key) });
    }
  }
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  for (const expr of expressions) {
    if (!expressionHolds(expr, labels) && isJsonObject(expr) && typeof expr["key"] === "string") {
      const key = expr["key"];
      violations.push({ path: [...labelsPath, key], from: oldLabels.get(key), to: labels.get(key) });
    }
  }
  return violations;
}
