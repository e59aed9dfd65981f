import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

// ValidatePodSpec allows 1..MaxInt32 (math.MaxInt32 = 2147483647).
const MAX_SECONDS = 2147483647;

/**
 * `ValidatePodUpdate`: activeDeadlineSeconds may go from nil to a positive value or from a
 * positive value to a smaller or equal one; it may not grow or go back to nil.
 */
export function podActiveDeadline(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  const before = typeof from === "number" ? from : undefined;
  const after = typeof to === "number" ? to : undefined;
  const violation = (detail: string): Violation[] => [{ path: rule.root, from, to, detail }];
  if (after === undefined) {
    return before === undefined ? [] : violation("activeDeadlineSeconds must not go from a positive integer back to nil");
  }
  if (after < 1 || after > MAX_SECONDS) return violation(`activeDeadlineSeconds must be between 1 and ${MAX_SECONDS}`);
  if (before !== undefined && after > before) return violation("activeDeadlineSeconds must be less than or equal to its previous value");
  return [];
}
