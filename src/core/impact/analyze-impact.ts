import { compareObjects } from "../compare/compare-objects.ts";
import type { Catalogue } from "../rules/catalogue.ts";
import { kubernetesContext } from "../kube/kubernetes-context.ts";
import { findFindings } from "../rules/find-findings.ts";
import type { ClusterFacts } from "../rules/rule.ts";
import { deletionFindings } from "./deletion-findings.ts";
import { IMPACT_REPORT_VERSION, type ChangeType, type ImpactReport, type ImpactSummary, type ReportFinding, type ResourceImpact } from "./impact-report.ts";
import type { ManifestObject } from "./manifest-object.ts";
import { createScopeLookup } from "./object-scope.ts";
import { pairObjects, type DuplicateIdentity, type ObjectPair } from "./pair-objects.ts";
import { toReportFinding } from "./report-finding.ts";
import { riskOf } from "./risk-level.ts";
import { storageClassesOf } from "./storage-classes.ts";

export interface AnalyzeInput {
  readonly before: readonly ManifestObject[];
  readonly after: readonly ManifestObject[];
  /** The rule catalogue (built-in rules plus the policy's custom rules), built by the caller. */
  readonly catalogue: Catalogue;
}

export type AnalyzeResult =
  | { readonly ok: true; readonly report: ImpactReport }
  | { readonly ok: false; readonly duplicates: readonly DuplicateIdentity[] };

interface Judged {
  readonly change: ChangeType;
  readonly findings: readonly ReportFinding[];
}

function judge(pair: ObjectPair, catalogue: Catalogue, cluster: ClusterFacts): Judged {
  const { before, after, identity } = pair;
  if (!before) return { change: "added", findings: [] };
  if (!after) return { change: "removed", findings: deletionFindings(identity) };
  // The same document text on both sides is parsed once and shared (read-manifests' cache).
  if (before.object === after.object || compareObjects(before.object, after.object).length === 0) {
    return { change: "unchanged", findings: [] };
  }
  const findings = findFindings(catalogue, { old: before.object, new: after.object, cluster });
  return { change: "modified", findings: findings.map((f) => toReportFinding(identity.group, identity.kind, f)) };
}

function notesOf(pair: ObjectPair): string[] {
  const notes = [...pair.notes];
  if (pair.before && pair.after && pair.before.apiVersion !== pair.after.apiVersion) {
    notes.push(`apiVersion changes from ${pair.before.apiVersion} to ${pair.after.apiVersion} (the same object, served in both versions)`);
  }
  return notes;
}

function resourceOf(pair: ObjectPair, change: Exclude<ChangeType, "unchanged">, findings: readonly ReportFinding[]): ResourceImpact {
  const shown = pair.after ?? pair.before;
  return {
    apiVersion: shown?.apiVersion ?? "",
    kind: pair.identity.kind,
    namespace: pair.identity.namespace,
    name: pair.identity.name,
    change,
    findings,
    notes: notesOf(pair),
    sources: {
      ...(pair.before ? { before: pair.before.location } : {}),
      ...(pair.after ? { after: pair.after.location } : {}),
    },
  };
}

/**
 * check's core: pairs the two manifest sets, judges every modified pair with the rule catalogue
 * (StorageClasses found in the manifests are the cluster facts), flags data-bearing objects that
 * leave the manifests, and builds the version-1 report. Duplicate identities are an error value.
 */
export function analyzeImpact(input: AnalyzeInput): AnalyzeResult {
  const paired = pairObjects(input.before, input.after, createScopeLookup(input.before, input.after));
  if (!paired.ok) return paired;
  const cluster: ClusterFacts = { storageClasses: storageClassesOf(input.before, input.after) };
  const counts = { added: 0, removed: 0, modified: 0, unchanged: 0, blocking: 0, warnings: 0, info: 0 };
  const resources: ResourceImpact[] = [];
  for (const pair of paired.pairs) {
    const { change, findings } = judge(pair, input.catalogue, cluster);
    counts[change] += 1;
    if (change === "unchanged") continue;
    for (const finding of findings) {
      if (finding.severity === "blocking") counts.blocking += 1;
      else if (finding.severity === "warning") counts.warnings += 1;
      else counts.info += 1;
    }
    resources.push(resourceOf(pair, change, findings));
  }
  const summary: ImpactSummary = counts;
  return {
    ok: true,
    report: {
      version: IMPACT_REPORT_VERSION,
      summary,
      resources,
      risk: riskOf(resources),
      ...(input.catalogue.kube ? { kubernetes: kubernetesContext(input.catalogue.kube) } : {}),
    },
  };
}
