import { getAt } from "../../k8s/field-path.ts";
import type { JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/**
 * ServiceCIDR `spec.cidrs` (ValidateServiceCIDRUpdate): same length → no entry may change; one →
 * two (single- to dual-stack, kubernetes#131261) → the existing first CIDR may not change; any
 * other change of length is refused.
 */
export function serviceCidrsViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = list(getAt(input.old, rule.root));
  const after = list(getAt(input.new, rule.root));
  if (before.length === after.length) {
    return before.flatMap((cidr, i) => (cidr === after[i] ? [] : [{ path: [...rule.root, i], from: cidr, to: after[i] }]));
  }
  if (before.length === 1 && after.length === 2) {
    return before[0] === after[0] ? [] : [{ path: [...rule.root, 0], from: before[0], to: after[0] }];
  }
  return [{ path: rule.root, from: getAt(input.old, rule.root), to: getAt(input.new, rule.root) }];
}
