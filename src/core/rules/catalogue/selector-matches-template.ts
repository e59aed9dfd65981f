import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonValue } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";

function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function expressionHolds(expr: JsonValue, labels: Record<string, string>): boolean {
  if (!isJsonObject(expr) || typeof expr["key"] !== "string") return true;
  const key = expr["key"];
  const values = Array.isArray(expr["values"]) ? expr["values"].filter((v) => typeof v === "string") : [];
  const has = Object.hasOwn(labels, key);
  switch (expr["operator"]) {
    case "In":
      return has && values.includes(labels[key] ?? "");
    case "NotIn":
      return !has || !values.includes(labels[key] ?? "");
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
  const labels = stringMap(getAt(input.new, labelsPath));
  const oldLabels = stringMap(getAt(input.old, labelsPath));
  if (!isJsonObject(selector)) return [];
  const violations: Violation[] = [];
  for (const [key, value] of Object.entries(stringMap(selector["matchLabels"]))) {
    if (labels[key] !== value) {
      violations.push({ path: [...labelsPath, key], from: oldLabels[key], to: labels[key] });
    }
  }
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  for (const expr of expressions) {
    if (!expressionHolds(expr, labels) && isJsonObject(expr) && typeof expr["key"] === "string") {
      const key = expr["key"];
      violations.push({ path: [...labelsPath, key], from: oldLabels[key], to: labels[key] });
    }
  }
  return violations;
}
