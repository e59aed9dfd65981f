import { compareObjects } from "../compare/compare-objects.ts";
import type { Catalogue } from "../rules/catalogue.ts";
import { kubernetesContext } from "../kube/kubernetes-context.ts";
import { findCreationFindings, findFindings } from "../rules/find-findings.ts";
import type { ClusterFacts } from "../rules/rule.ts";
import { applyOrder } from "./apply-order.ts";
import type { ChangedObject } from "./cascade/cascade-entry.ts";
import { computeCascade, type ObjectCascade } from "./cascade/compute-cascade.ts";
import type { SideObject } from "./cascade/side-index.ts";
import { deletionFindings } from "./deletion-findings.ts";
import { IMPACT_REPORT_VERSION, type ChangeType, type ImpactReport, type ImpactSummary, type ReportFinding, type ResourceImpact } from "./impact-report.ts";
import type { ManifestObject } from "./manifest-object.ts";
import { createScopeLookup } from "./object-scope.ts";
import { pairObjects, type DuplicateIdentity, type ObjectPair } from "./pair-objects.ts";
import { toReportFinding } from "./report-finding.ts";
import { maxRisk, riskReasons, RISK_LEVELS, type RiskLevel } from "./risk-level.ts";
import { DEFAULT_SAFEGUARD_POLICY, declaredSafeguards, safeguardsFor, type SafeguardPolicy } from "./safeguards.ts";
import { storageClassesOf } from "./storage-classes.ts";
import { appliedObject } from "./live/applied-object.ts";
import { assignedCollisions } from "./assigned-collisions.ts";
import { liveSummary, type LiveSource, type LiveSummary } from "./live/live-report.ts";
import { canonicalGroup, judgedObject, removedApiFinding, type ApiServingContext, type ServedLookup } from "./removed-api-findings.ts";
import { removedApiTable } from "../kube/removed-apis.ts";
import { NEWEST_KNOWN_RELEASE, type KubeRelease } from "../kube/kube-release.ts";
import { crdNotes as withCrdNotes, notInterpretedFinding, type UnreadableCrd } from "./unreadable-crds.ts";

export interface AnalyzeInput {
  readonly before: readonly ManifestObject[];
  readonly after: readonly ManifestObject[];
  /** The rule catalogue (built-in rules plus the policy's custom rules), built by the caller. */
  readonly catalogue: Catalogue;
  /** The policy's `check.safeguards` (default: none required beyond each risk's own). */
  readonly safeguards?: SafeguardPolicy;
  /** CustomResourceDefinitions among the manifests whose shape could not be read (reported, never fatal). */
  readonly unreadableCrds?: readonly UnreadableCrd[];
  /**
   * Live mode (`check --live`): `before` holds the live objects (listed from the API server), `after`
   * the desired manifests. A live object the manifests do not name is context (the cascade sees it
   * on both sides), never "removed"; a desired object is judged as the API server will store it
   * (appliedObject: the live object with the manifest applied over it).
   */
  readonly live?: LiveSource;
  /** How removed API versions are judged (default: the catalogue's release, else the newest known). */
  readonly apiServing?: { readonly release?: KubeRelease; readonly served?: ServedLookup };
}

export type AnalyzeResult =
  | { readonly ok: true; readonly report: ImpactReport }
  | { readonly ok: false; readonly duplicates: readonly DuplicateIdentity[] };

interface Judged {
  readonly pair: ObjectPair;
  readonly change: Exclude<ChangeType, "unchanged">;
  readonly findings: readonly ReportFinding[];
}

function judge(pair: ObjectPair, catalogue: Catalogue, cluster: ClusterFacts, serving: ApiServingContext, offline: boolean): Judged | undefined {
  const { before, after, identity } = pair;
  const removedApi = after ? removedApiFinding(after.apiVersion, after.kind, serving) : undefined;
  const apiFindings = removedApi ? [removedApi] : [];
  if (!before) return { pair, change: "added", findings: [...apiFindings, ...findCreationFindings(catalogue, after!.object).map((f) => toReportFinding(identity.group, identity.kind, f))] };
  if (!after) return { pair, change: "removed", findings: deletionFindings(identity) };
  // The same document text on both sides is parsed once and shared (read-manifests' cache).
  if (before.object === after.object || compareObjects(before.object, after.object).length === 0) return undefined;
  // A removed apiVersion is judged by its successor's rules: the rest of the object is still checked.
  const findings = findFindings(catalogue, { old: judgedObject(before.object, serving.table), new: judgedObject(after.object, serving.table), cluster });
  // Offline, a value the before manifest omits was assigned by the API server: a collision with it is judged too.
  const assigned = offline ? assignedCollisions(identity.group, identity.kind, before.object, after.object) : [];
  return { pair, change: "modified", findings: [...apiFindings, ...findings.map((f) => toReportFinding(identity.group, identity.kind, f)), ...assigned] };
}

/** Live mode: the desired manifest applied over the live object is what the API server will get. */
function livePair(pair: ObjectPair): ObjectPair {
  const { before, after } = pair;
  if (!before || !after) return pair;
  return { ...pair, after: { ...after, object: appliedObject(before.object, after.object) } };
}

function notesOf(pair: ObjectPair): string[] {
  const notes = [...pair.notes];
  if (pair.before && pair.after && pair.before.apiVersion !== pair.after.apiVersion) {
    notes.push(`apiVersion changes from ${pair.before.apiVersion} to ${pair.after.apiVersion} (the same object: the API server stores it once, whichever version it is written in)`);
  }
  return notes;
}

/** An unreadable CRD that changes carries a finding saying what was not checked. */
function withUnreadable(judged: Judged, unreadable: ReadonlyMap<string, UnreadableCrd>): Judged {
  const { identity } = judged.pair;
  const crd = identity.group === "apiextensions.k8s.io" && identity.kind === "CustomResourceDefinition" ? unreadable.get(identity.name) : undefined;
  return crd ? { ...judged, findings: [...judged.findings, notInterpretedFinding(crd)] } : judged;
}

/** Replaced: a blocking finding whose way through deletes and creates the object (not revert, restore or review). */
function isReplaced(findings: readonly ReportFinding[]): boolean {
  return findings.some((f) => f.severity === "blocking" && (f.strategy === "recreate" || f.strategy === "orphan-recreate" || f.strategy === "blue-green" || f.strategy === "migrate"));
}

function sideObject(pair: ObjectPair, side: "before" | "after"): SideObject | undefined {
  const m = pair[side];
  return m ? { identity: pair.identity, apiVersion: m.apiVersion, object: m.object } : undefined;
}

function resourceOf(judged: Judged, cascade: ObjectCascade, policy: SafeguardPolicy): ResourceImpact {
  const { pair, change, findings } = judged;
  const shown = pair.after ?? pair.before;
  const apiVersion = shown?.apiVersion ?? "";
  const reasons = riskReasons(apiVersion, pair.identity.kind, findings, cascade.entries);
  const risk = maxRisk(reasons.map((r) => r.level));
  const done = declaredSafeguards(shown?.object, policy.annotation);
  return {
    apiVersion,
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
    risk,
    cascade: cascade.entries,
    cascadeOmitted: cascade.omitted,
    safeguards: safeguardsFor(risk, reasons, policy, done),
  };
}

function summarize(resources: readonly ResourceImpact[], unchanged: number): ImpactSummary {
  const counts = { added: 0, removed: 0, modified: 0, unchanged, blocking: 0, warnings: 0, info: 0 };
  const risks: Record<RiskLevel, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let safeguardsMissing = 0;
  for (const resource of resources) {
    counts[resource.change] += 1;
    risks[resource.risk] += 1;
    safeguardsMissing += resource.safeguards.filter((s) => !s.done).length;
    for (const finding of resource.findings) {
      if (finding.severity === "blocking") counts.blocking += 1;
      else if (finding.severity === "warning") counts.warnings += 1;
      else counts.info += 1;
    }
  }
  const risk = maxRisk(RISK_LEVELS.filter((level) => risks[level] > 0));
  return { ...counts, risk, risks, safeguardsMissing };
}

/**
 * check's core: pairs the two manifest sets, judges every modified pair with the rule catalogue
 * (StorageClasses found in the manifests are the cluster facts), flags data-bearing objects that
 * leave the manifests, follows the cascade of every changed object through the rest of the
 * manifests, and rates each object's risk and the safeguards it needs. Duplicate identities are an
 * error value.
 */
function liveSection(live: LiveSource | undefined, context: number): { live?: LiveSummary } {
  return live ? { live: liveSummary(live, context) } : {};
}

/** The release removed APIs are judged against, and (live) what the server serves. */
function servingContext(input: AnalyzeInput, table: ApiServingContext["table"]): ApiServingContext {
  const served = input.apiServing?.served;
  return { table, release: input.apiServing?.release ?? input.catalogue.kube?.release ?? NEWEST_KNOWN_RELEASE, ...(served ? { served } : {}) };
}

/** Live mode: a desired object is judged as applied over its live one; a live object the manifests do not name is context (after = before). */
function livePairs(pairs: readonly ObjectPair[]): ObjectPair[] {
  return pairs.map((p) => (p.after ? livePair(p) : { ...p, after: p.before }));
}

export function analyzeImpact(input: AnalyzeInput): AnalyzeResult {
  const table = removedApiTable();
  const paired = pairObjects(input.before, input.after, createScopeLookup(input.before, input.after), (apiVersion, kind) => canonicalGroup(table, apiVersion, kind));
  if (!paired.ok) return paired;
  const serving = servingContext(input, table);
  const cluster: ClusterFacts = { storageClasses: storageClassesOf(input.before, input.after) };
  const judged: Judged[] = [];
  let unchanged = 0;
  let context = 0;
  const unreadable = new Map((input.unreadableCrds ?? []).map((c) => [c.name, c]));
  const pairs = input.live ? livePairs(paired.pairs) : paired.pairs;
  for (const pair of pairs) {
    const result = judge(pair, input.catalogue, cluster, serving, !input.live);
    if (result) judged.push(withUnreadable(result, unreadable));
    else if (input.live && pair.after === pair.before) context += 1;
    else unchanged += 1;
  }
  const changed: ChangedObject[] = judged.map((j) => ({
    identity: j.pair.identity,
    change: j.change,
    before: sideObject(j.pair, "before"),
    after: sideObject(j.pair, "after"),
    replaced: isReplaced(j.findings),
  }));
  const sideOf = (side: "before" | "after"): SideObject[] => pairs.flatMap((p) => sideObject(p, side) ?? []);
  const cascades = computeCascade({ before: sideOf("before"), after: sideOf("after"), changed });
  const policy = input.safeguards ?? DEFAULT_SAFEGUARD_POLICY;
  const resources = withCrdNotes(
    judged.map((j, i) => resourceOf(j, cascades[i] ?? { entries: [], omitted: 0 }, policy)),
    input.unreadableCrds ?? [],
  );
  const summary = summarize(resources, unchanged);
  const bodies = new Map(judged.map((j) => [`${j.pair.identity.kind}/${j.pair.identity.namespace}/${j.pair.identity.name}`, (j.pair.after ?? j.pair.before)?.object ?? {}]));
  const order = applyOrder(resources, bodies);
  return {
    ok: true,
    report: {
      version: IMPACT_REPORT_VERSION,
      summary,
      resources,
      risk: summary.risk,
      order,
      ...(input.catalogue.kube ? { kubernetes: kubernetesContext(input.catalogue.kube) } : {}),
      ...liveSection(input.live, context),
    },
  };
}
