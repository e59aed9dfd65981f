import { groupOf } from "../k8s/kube-object.ts";
import { isDataBearing } from "../rules/find-findings.ts";
import { DATA_BEARING_DELETION_RULE_ID } from "./deletion-findings.ts";
import type { ReportFinding, ResourceImpact, RiskLevel } from "./impact-report.ts";

const ORDER: readonly RiskLevel[] = ["none", "low", "medium", "high"];

function findingRisk(finding: ReportFinding, dataBearing: boolean): RiskLevel {
  // Data can be lost: a data-bearing object leaves the manifests, or cannot take the change in place
  // (every way through but a revert replaces it, and Flux force or Argo CD Replace would delete it).
  if (finding.ruleId === DATA_BEARING_DELETION_RULE_ID) return "high";
  if (finding.severity === "blocking" && (dataBearing || finding.strategy === "migrate")) return "high";
  // The apply fails until the object is replaced or the change reverted; or it applies and hurts.
  if (finding.severity === "blocking" || finding.class === "risky") return "medium";
  // Restored automatically (server-assigned) or noted only.
  return "low";
}

/** The highest risk of any finding of any object; `none` without findings. */
export function riskOf(resources: readonly Pick<ResourceImpact, "apiVersion" | "kind" | "findings">[]): RiskLevel {
  let worst = 0;
  for (const resource of resources) {
    const dataBearing = isDataBearing(groupOf(resource.apiVersion), resource.kind);
    for (const finding of resource.findings) worst = Math.max(worst, ORDER.indexOf(findingRisk(finding, dataBearing)));
  }
  return ORDER[worst] ?? "none";
}
