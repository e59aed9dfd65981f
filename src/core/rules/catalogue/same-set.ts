import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { violationsAt } from "./violations-at.ts";

function members(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
}

/** A list compared as a set (ResourceQuota `spec.scopes`): re-ordering is not a change. */
export function sameSet(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = members(getAt(input.old, rule.root));
  const after = members(getAt(input.new, rule.root));
  if (before.size === after.size && [...before].every((item) => after.has(item))) return [];
  return violationsAt(input, rule.root);
}
