import type { JsonValue } from "../k8s/json.ts";
import type { FindingClass, JudgedUnder, Severity, Strategy } from "../findings/finding.ts";
import type { KubernetesContext } from "../kube/kubernetes-context.ts";
import type { ManifestLocation } from "./manifest-object.ts";

/**
 * The report `gitops-guard check` prints (docs/check.md). Version 1 of the JSON schema: the keys
 * the issue fixes come first, in that order; keys added since come after them, so a consumer that
 * reads only the documented keys keeps working.
 */
export const IMPACT_REPORT_VERSION = 1;

/** How an object differs between the two sets. `unchanged` objects are counted, never listed. */
export type ChangeType = "added" | "removed" | "modified" | "unchanged";

/**
 * What it takes to get the change through, from the findings (riskOf):
 * none = no findings; low = only restores and notes; medium = a replacement or a risky change;
 * high = data can be lost (a data-bearing object — PVC, PV, Namespace, CRD — deleted, or blocked
 * so that only a revert avoids replacing it).
 */
export type RiskLevel = "none" | "low" | "medium" | "high";

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
}

export interface ImpactReport {
  readonly version: typeof IMPACT_REPORT_VERSION;
  readonly summary: ImpactSummary;
  /** Every added, removed and modified object: the after set's order, then removed objects. */
  readonly resources: readonly ResourceImpact[];
  readonly risk: RiskLevel;
  /** The Kubernetes release and feature gates the change was judged against (absent for a hand-built catalogue). */
  readonly kubernetes?: KubernetesContext;
}
