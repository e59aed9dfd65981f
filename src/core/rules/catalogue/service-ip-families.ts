import type { RuleInput, Violation } from "../rule.ts";
import { bothNeedClusterIP, keepsDualStack, primaryClusterIP, stringList } from "./service-type.ts";
import { violationsAt } from "./violations-at.ts";

/**
 * `validateUpgradeDowngradeIPFamilies`: at the same list length no family may change; when
 * adding or removing the secondary the primary must stay; removing it needs SingleStack.
 * Skipped for ExternalName and headless services and for omitted families (re-filled).
 */
export function serviceIPFamilies(input: RuleInput): Violation[] {
  if (!bothNeedClusterIP(input)) return [];
  // Headless services may change families; so may a change to or from headless.
  const oldHeadless = primaryClusterIP(input.old) === "None";
  const newHeadless = (primaryClusterIP(input.new) ?? primaryClusterIP(input.old)) === "None";
  if (oldHeadless || newHeadless) return [];
  const before = stringList(input.old, "ipFamilies");
  const after = stringList(input.new, "ipFamilies");
  if (before.length === 0 || after.length === 0) return [];
  const count = after.length === before.length ? before.length : 1;
  const violations: Violation[] = [];
  for (let i = 0; i < count; i++) {
    if (before[i] !== after[i]) violations.push(...violationsAt(input, ["spec", "ipFamilies", i], "IP families may not change once set"));
  }
  if (after.length < before.length && keepsDualStack(input)) {
    const detail = "ipFamilyPolicy must be SingleStack when releasing the secondary IP family";
    violations.push(...violationsAt(input, ["spec", "ipFamilyPolicy"], detail), ...violationsAt(input, ["spec", "ipFamilies", 1], detail));
  }
  return violations;
}
