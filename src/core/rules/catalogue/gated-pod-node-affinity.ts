import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { violationsAt } from "./violations-at.ts";

const TERMS = ["requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"] as const;
const COUNT_DETAIL = "no additions or deletions to a non-empty nodeSelectorTerms list are allowed";
const TERM_DETAIL = "only additions to a node selector term are allowed (no mutations or deletions)";

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/** `validateNodeSelectorTermHasOnlyAdditions`: stored requirements stay, in order; new ones may follow. */
function onlyAdditions(before: JsonValue | undefined, after: JsonValue | undefined): boolean {
  for (const key of ["matchExpressions", "matchFields"]) {
    const olds = list(isJsonObject(before) ? before[key] : undefined);
    const news = list(isJsonObject(after) ? after[key] : undefined);
    if (olds.length > news.length || !olds.every((item, i) => semanticEqual(item, news[i]))) return false;
  }
  return true;
}

/**
 * `validateNodeAffinityMutation`, for pods whose stored spec has scheduling gates (the rule's
 * `when`): with stored required terms, the term count must stay and each term may only gain
 * requirements. Preferred terms, and required terms when none were stored, are free.
 */
export function gatedPodNodeAffinity(input: RuleInput, rule: CompiledRule): Violation[] {
  const root = [...rule.root, ...TERMS];
  const olds = list(getAt(input.old, root));
  const news = list(getAt(input.new, root));
  if (olds.length === 0) return [];
  if (olds.length !== news.length) return violationsAt(input, root, COUNT_DETAIL);
  return olds.flatMap((term, i) => (onlyAdditions(term, news[i]) ? [] : violationsAt(input, [...root, i], TERM_DETAIL)));
}
