import type { JsonValue } from "../k8s/json.ts";
import type { FindingClass, JudgedUnder, Severity, Strategy } from "../findings/finding.ts";
import type { KubernetesContext } from "../kube/kubernetes-context.ts";
import type { OrderStep } from "./apply-order.ts";
import type { CascadeEntry } from "./cascade/cascade-entry.ts";
import type { ManifestLocation } from "./manifest-object.ts";
import type { RiskLevel, Safeguard } from "./risk-level.ts";
import type { LiveSummary, ServerDryRun } from "./live/live-report.ts";

export type { RiskLevel } from "./risk-level.ts";

/**
 * The report `gitops-guard check` prints (docs/check.md). Version 2 of the JSON schema (version 1
 * had no cascade, and risk levels none|low|medium|high): the keys the issue fixes come first, in
 * that order; keys added since come after them, so a consumer that reads only the documented keys
 * keeps working.
 */
export const IMPACT_REPORT_VERSION = 2;

/** How an object differs between the two sets. `unchanged` objects are counted, never listed. */
export type ChangeType = "added" | "removed" | "modified" | "unchanged";

/** A finding as reported: from/to absent when the value is absent on that side; Secret values redacted. */
export interface ReportFinding {
  readonly ruleId: string;
  /** Kubernetes field path (`spec.selector.matchLabels.tier`); "" for the whole object (deletions). */
  readonly path: string;
  readonly class: FindingClass;
  readonly severity: Severity;
  readonly from?: JsonValue;
  readonly to?: JsonValue;
  readonly strategy: Strategy;
  readonly message: string;
  /** The release (and gates) the verdict depended on; absent when every release judges it alike. */
  readonly judgedUnder?: JudgedUnder;
}

/** A safeguard a high or critical object needs, and whether the change declares it done. */
export interface SafeguardStatus {
  readonly id: Safeguard;
  readonly done: boolean;
  /** Why it is needed (the risk reasons that call for it, or "policy: required at <level>"). */
  readonly reasons: readonly string[];
}

export interface ResourceImpact {
  /** The after object's apiVersion (the before object's when removed). */
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped objects; `default` when paired there (see notes). */
  readonly namespace: string;
  readonly name: string;
  readonly change: Exclude<ChangeType, "unchanged">;
  readonly findings: readonly ReportFinding[];
  /** Assumptions and remarks for people (pairing within `default`, apiVersion changes). */
  readonly notes: readonly string[];
  /** Where the object was read on each side. */
  readonly sources: { readonly before?: ManifestLocation; readonly after?: ManifestLocation };
  /** From the findings and the cascade (risk-level.ts). */
  readonly risk: RiskLevel;
  /** The other objects of the manifests this change affects, and how. */
  readonly cascade: readonly CascadeEntry[];
  /** Cascade entries found beyond the listed ones (MAX_CASCADE_ENTRIES). */
  readonly cascadeOmitted: number;
  /** What this object's risk requires before merge (high and critical only). */
  readonly safeguards: readonly SafeguardStatus[];
  /** check --live --server-dry-run: the API server's own verdict on a dry run of the write, beside ours. */
  readonly serverDryRun?: ServerDryRun;
}

export interface ImpactSummary {
  /** Objects per change type. */
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
  readonly unchanged: number;
  /** Findings per severity (not objects). */
  readonly blocking: number;
  readonly warnings: number;
  readonly info: number;
  /** The highest risk of any object; low when nothing changed. */
  readonly risk: RiskLevel;
  /** Objects per risk level. */
  readonly risks: Readonly<Record<RiskLevel, number>>;
  /** Safeguards required and not declared done, over all objects. */
  readonly safeguardsMissing: number;
}

export interface ImpactReport {
  readonly version: typeof IMPACT_REPORT_VERSION;
  readonly summary: ImpactSummary;
  /** Every added, removed and modified object: the after set's order, then removed objects. */
  readonly resources: readonly ResourceImpact[];
  readonly risk: RiskLevel;
  /** The order to apply (or replace, or prune) the changed objects in. */
  readonly order: readonly OrderStep[];
  /** The Kubernetes release and feature gates the change was judged against (absent for a hand-built catalogue). */
  readonly kubernetes?: KubernetesContext;
  /** check --live: where the live objects came from, and the dry runs' totals (docs/check.md "Live mode"). */
  readonly live?: LiveSummary;
}
