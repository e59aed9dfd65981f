import type { ImpactReport, ResourceImpact } from "./impact-report.ts";
import { rank, type RiskLevel } from "./risk-level.ts";

/**
 * Whether one object stops the merge at threshold `failOn`: its risk is at or above it and not
 * every safeguard it needs is declared done. An object at the threshold that needs no safeguard
 * (medium and low never do) cannot be made acceptable by declaring one: it fails.
 */
export function blocksMerge(resource: ResourceImpact, failOn: RiskLevel): boolean {
  if (rank(resource.risk) < rank(failOn)) return false;
  return resource.safeguards.length === 0 || resource.safeguards.some((s) => !s.done);
}

/**
 * check's exit code: 1 when the change must not merge, else 0. Without `--fail-on`: any blocking
 * finding (the API server refuses the change, or policy forbids it). With it: any object that
 * blocksMerge at that threshold.
 */
export function checkExitCode(report: ImpactReport, failOn: RiskLevel | undefined): 0 | 1 {
  if (failOn === undefined) return report.summary.blocking > 0 ? 1 : 0;
  return report.resources.some((r) => blocksMerge(r, failOn)) ? 1 : 0;
}
