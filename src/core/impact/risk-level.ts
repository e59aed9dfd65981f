import { groupOf } from "../k8s/kube-object.ts";
import { isDataBearing } from "../rules/find-findings.ts";
import type { CascadeEffect, CascadeEntry } from "./cascade/cascade-entry.ts";
import { isServingWorkload } from "./cascade/pod-templates.ts";
import { DATA_BEARING_DELETION_RULE_ID } from "./deletion-findings.ts";
import type { ReportFinding } from "./impact-report.ts";
import { isApiVersionFinding } from "./removed-api-findings.ts";

/** How much can go wrong, lowest first (the order `--fail-on` compares in). */
export const RISK_LEVELS = ["low", "medium", "high", "critical"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/**
 * What a high or critical change needs before it merges:
 * - `migration-procedure`: data is moved to a new object, never recreated blindly (docs/check.md);
 * - `backup`: a VolumeSnapshot of the claims (or an export of the custom resources) taken before merge;
 * - `approval`: a named person signs the change off;
 * - `staged-rollout`: audit mode first, or one namespace / one cluster first;
 * - `maintenance-window`: the change lands when an interruption is acceptable.
 */
export const SAFEGUARDS = ["migration-procedure", "backup", "approval", "staged-rollout", "maintenance-window"] as const;
export type Safeguard = (typeof SAFEGUARDS)[number];

/** One reason an object is at its risk level, and the safeguards that reason calls for. */
export interface RiskReason {
  readonly level: RiskLevel;
  readonly reason: string;
  readonly safeguards: readonly Safeguard[];
}

export function rank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function maxRisk(levels: Iterable<RiskLevel>): RiskLevel {
  let worst = 0;
  for (const level of levels) worst = Math.max(worst, rank(level));
  return RISK_LEVELS[worst] ?? "low";
}

const DATA_LOSS: readonly Safeguard[] = ["backup", "migration-procedure", "approval"];

function findingReason(finding: ReportFinding, group: string, kind: string): RiskReason {
  const dataBearing = isDataBearing(group, kind);
  if (finding.ruleId === DATA_BEARING_DELETION_RULE_ID) {
    return { level: "critical", reason: `${kind} leaves the manifests: pruning deletes its data`, safeguards: DATA_LOSS };
  }
  // A removed API version is fixed in the manifest (the object is stored once, under every version): nothing is replaced.
  if (isApiVersionFinding(finding.ruleId)) {
    return { level: "medium", reason: `apiVersion: the manifest must move to ${typeof finding.to === "string" ? finding.to : "a served version"}`, safeguards: [] };
  }
  if (finding.severity === "blocking" && (dataBearing || finding.strategy === "migrate")) {
    return { level: "critical", reason: `${finding.path}: a data-bearing object can only take this change by being replaced`, safeguards: DATA_LOSS };
  }
  if (finding.severity === "blocking" && isServingWorkload(group, kind) && (finding.strategy === "recreate" || finding.strategy === "blue-green")) {
    return { level: "high", reason: `${finding.path}: a serving workload is replaced (its pods stop while it is recreated)`, safeguards: ["maintenance-window", "approval"] };
  }
  if (finding.severity === "blocking" || finding.class === "risky") {
    const what = finding.severity === "blocking" ? "the object must be replaced or the change reverted" : "allowed, but known to hurt";
    return { level: "medium", reason: `${finding.path || "(whole object)"}: ${what}`, safeguards: [] };
  }
  return { level: "low", reason: `${finding.path}: ${finding.strategy === "restore" ? "restored automatically" : "noted"}`, safeguards: [] };
}

/** The risk each cascade effect gives the changed object. */
export const EFFECT_RISK: Readonly<Record<CascadeEffect, RiskLevel>> = {
  deleted: "critical",
  dangling: "high",
  "missing-reference": "high",
  "missing-key": "high",
  cycle: "high",
  "permissions-removed": "high",
  "recreated-target": "medium",
  deselected: "medium",
  "newly-selected": "medium",
  "selects-multiple": "medium",
  order: "low",
  "stale-until-restart": "low",
};

const EFFECT_SAFEGUARDS: Partial<Record<CascadeEffect, readonly Safeguard[]>> = {
  deleted: ["backup", "approval"],
  dangling: ["approval"],
  "missing-reference": ["approval"],
  "missing-key": ["approval"],
  cycle: ["approval"],
  "permissions-removed": ["staged-rollout", "approval"],
};

function cascadeReason(entry: CascadeEntry): RiskReason {
  const level = EFFECT_RISK[entry.effect];
  return { level, reason: `${entry.effect}: ${entry.kind} ${entry.namespace ? `${entry.namespace}/` : ""}${entry.name}`, safeguards: EFFECT_SAFEGUARDS[entry.effect] ?? [] };
}

/**
 * The reasons behind one object's risk (the highest wins): from its findings and its cascade.
 * Data-bearing replacement or deletion is critical; replacing a serving workload (recreate, not
 * orphan-recreate) and a cascade that leaves a selector or reference dangling are high; any other
 * blocking or risky finding, and a cascade that shifts what selects what, are medium.
 */
export function riskReasons(apiVersion: string, kind: string, findings: readonly ReportFinding[], cascade: readonly CascadeEntry[]): RiskReason[] {
  const group = groupOf(apiVersion);
  return [...findings.map((f) => findingReason(f, group, kind)), ...cascade.map(cascadeReason)];
}
