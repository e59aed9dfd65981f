import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/**
 * `validateNodeSelectorMutation`, for pods whose stored spec has scheduling gates (the rule's
 * `when`): entries may be added, existing entries may not change or go away.
 */
export function gatedPodNodeSelector(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  const olds = isJsonObject(before) ? before : {};
  const news = isJsonObject(after) ? after : {};
  const violations: Violation[] = [];
  for (const [key, value] of Object.entries(olds)) {
    const to = ownValue(news, key);
    if (to === value) continue;
    violations.push({ path: [...rule.root, key], from: value, to });
  }
  return violations;
}
