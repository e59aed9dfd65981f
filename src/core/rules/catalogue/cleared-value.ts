import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { isUnset } from "./is-unset.ts";

/** The old object has a value at the rule's path and the new one has none (absent, "", 0, empty). */
export function clearedValue(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  return !isUnset(from) && isUnset(to) ? [{ path: rule.root, from, to }] : [];
}
