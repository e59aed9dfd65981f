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
  const before = primaryClusterIP(input.old);
  const after = primaryClusterIP(input.new);
  if (before === undefined || after === undefined || before === after) return [];
  const changed = [...changesUnder(input, ["spec", "clusterIP"]), ...changesUnder(input, ["spec", "clusterIPs", 0])];
  return changed.length > 0 ? changed : [{ path: ["spec", "clusterIPs", 0], from: before, to: after }];
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
