import { getAt } from "../../k8s/field-path.ts";
import { semanticEqual } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { isUnset } from "./is-unset.ts";

/**
 * The new object sets the rule's path to a value other than the stored one. An unset new value
 * is not a change: the API server keeps the stored one (rest.BeforeUpdate copies uid and
 * deletion fields, the update handler fills name/namespace from the URL, the Service REST re-fills
 * allocated ports).
 */
export function changedWhenSet(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  if (isUnset(to) || semanticEqual(from, to)) return [];
  return [{ path: rule.root, from, to }];
}
