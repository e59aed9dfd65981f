import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * Finalizers the new object adds that the old one lacks. The caller limits the rule to objects
 * being deleted (`ValidateNoNewFinalizers` runs only when the stored object has a deletionTimestamp).
 */
export function noNewFinalizers(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = new Set(names(getAt(input.old, rule.root)));
  const after = getAt(input.new, rule.root);
  const violations: Violation[] = [];
  names(after).forEach((name, i) => {
    if (before.has(name)) return;
    const path = [...rule.root, i];
    violations.push({
      path,
      from: getAt(input.old, path),
      to: name,
      detail: `no new finalizers can be added while the object is being deleted (found "${name}")`,
    });
  });
  return violations;
}
