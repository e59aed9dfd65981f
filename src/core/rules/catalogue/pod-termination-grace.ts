import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function seconds(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

/**
 * `ValidatePodUpdate`: terminationGracePeriodSeconds (defaultValue when absent: 30, SetDefaults_PodSpec)
 * may change only from a negative value to 1.
 */
export function podTerminationGrace(input: RuleInput, rule: CompiledRule): Violation[] {
  const fallback = typeof rule.defaultValue === "number" ? rule.defaultValue : 30;
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  const before = seconds(from, fallback);
  const after = seconds(to, fallback);
  if (before === after || (before < 0 && after === 1)) return [];
  return [{ path: rule.root, from, to }];
}
