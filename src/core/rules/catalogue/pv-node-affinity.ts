import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { isUnset } from "./is-unset.ts";
import { violationsAt } from "./violations-at.ts";

/** Beta topology labels and the GA names a PV's nodeAffinity may be rewritten to. */
export const BETA_TO_GA_LABELS: Readonly<Record<string, string>> = {
  "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
  "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
  "beta.kubernetes.io/os": "kubernetes.io/os",
  "beta.kubernetes.io/arch": "kubernetes.io/arch",
};

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return isJsonObject(value) ? value[key] : undefined;
}

/** Same requirement, or the same one with its beta key renamed to the GA key. */
function expressionAllowed(before: JsonValue | undefined, after: JsonValue | undefined): boolean {
  if (semanticEqual(before, after)) return true;
  const oldKey = field(before, "key");
  return (
    field(before, "operator") === field(after, "operator") &&
    semanticEqual(field(before, "values"), field(after, "values")) &&
    typeof oldKey === "string" &&
    BETA_TO_GA_LABELS[oldKey] === field(after, "key")
  );
}

function termAllowed(before: JsonValue | undefined, after: JsonValue | undefined): boolean {
  const olds = list(field(before, "matchExpressions"));
  const news = list(field(after, "matchExpressions"));
  return (
    olds.length === news.length &&
    olds.every((expression, i) => expressionAllowed(expression, news[i])) &&
    semanticEqual(field(before, "matchFields"), field(after, "matchFields"))
  );
}

/** `volumeNodeAffinityUpdateAllowed`: only beta → GA label renames, term by term. */
function onlyLabelRenames(before: JsonValue | undefined, after: JsonValue | undefined): boolean {
  const olds = list(getAt(before, ["required", "nodeSelectorTerms"]));
  const news = list(getAt(after, ["required", "nodeSelectorTerms"]));
  return olds.length > 0 && olds.length === news.length && olds.every((term, i) => termAllowed(term, news[i]));
}

/**
 * `validatePvNodeAffinity`: a stored nodeAffinity cannot change, except for renaming beta topology
 * labels to their GA names; setting it on a PV that had none is allowed.
 */
export function pvNodeAffinity(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  if (isUnset(before) || semanticEqual(before, after) || onlyLabelRenames(before, after)) return [];
  return violationsAt(input, rule.root);
}
