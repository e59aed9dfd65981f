import { changesUnder } from "../find-violations.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { bothNeedClusterIP, keepsDualStack, primaryClusterIP, stringList } from "./service-type.ts";
import { violationsAt } from "./violations-at.ts";

/**
 * `validateUpgradeDowngradeClusterIPs`, primary IP: the allocated IP (or "None") may not change.
 * An omitted or blank IP is re-filled from the stored object (`patchAllocatedValues`), and
 * ExternalName on either side skips the check. Reported where the manifest changed it.
 */
export function servicePrimaryClusterIP(input: RuleInput): Violation[] {
  if (!bothNeedClusterIP(input)) return [];
  const violations: Violation[] = [];
  const before = primaryClusterIP(input.old);
  const after = primaryClusterIP(input.new);
  if (before !== undefined && after !== undefined && before !== after) {
    const changed = [...changesUnder(input, ["spec", "clusterIP"]), ...changesUnder(input, ["spec", "clusterIPs", 0])];
    violations.push(...(changed.length > 0 ? changed : [{ path: ["spec", "clusterIPs", 0], from: before, to: after }]));
  }
  // A list the manifest sent is kept as sent (only an empty one is re-filled), so its first item
  // must equal the stored one even when `clusterIP` alone still names the allocated IP.
  const beforeList = stringList(input.old, "clusterIPs");
  const afterList = stringList(input.new, "clusterIPs");
  const reported = violations.some((v) => v.path.length === 3 && v.path[1] === "clusterIPs" && v.path[2] === 0);
  if (!reported && beforeList.length > 0 && afterList.length > 0 && afterList[0] !== beforeList[0]) {
    violations.push({ path: ["spec", "clusterIPs", 0], from: beforeList[0], to: afterList[0] });
  }
  return violations;
}

/**
 * `validateUpgradeDowngradeClusterIPs`, secondary IP: adding one is allowed; changing it is not;
 * removing it needs `ipFamilyPolicy: SingleStack`.
 */
export function serviceSecondaryClusterIP(input: RuleInput): Violation[] {
  if (!bothNeedClusterIP(input)) return [];
  const before = stringList(input.old, "clusterIPs");
  const after = stringList(input.new, "clusterIPs");
  if (after.length === 0 || before.length < 2) return [];
  if (after.length >= 2) {
    return after[1] === before[1] ? [] : violationsAt(input, ["spec", "clusterIPs", 1], "the secondary cluster IP may not change once set");
  }
  if (!keepsDualStack(input)) return [];
  const detail = "ipFamilyPolicy must be SingleStack when releasing the secondary cluster IP";
  return [...violationsAt(input, ["spec", "ipFamilyPolicy"], detail), ...violationsAt(input, ["spec", "clusterIPs", 1], detail)];
}
