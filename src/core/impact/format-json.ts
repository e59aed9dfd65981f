import type { LiveSummary, ServerDryRun } from "./live/live-report.ts";
import type { JsonObject, JsonValue } from "../k8s/json.ts";
import type { JudgedUnder } from "../findings/finding.ts";
import type { CascadeEntry } from "./cascade/cascade-entry.ts";
import type { ImpactReport, ReportFinding, ResourceImpact, SafeguardStatus } from "./impact-report.ts";
import type { ManifestLocation } from "./manifest-object.ts";

// Objects are built key by key so the order on the wire is the documented one (docs/check.md):
// the keys first, later additions after them.

function judgedUnderJson(under: JudgedUnder): JsonObject {
  return { kubernetesVersion: under.kubernetesVersion, ...(under.featureGates ? { featureGates: { ...under.featureGates } } : {}) };
}

function findingJson(finding: ReportFinding): JsonObject {
  return {
    ruleId: finding.ruleId,
    path: finding.path,
    class: finding.class,
    severity: finding.severity,
    ...(finding.from === undefined ? {} : { from: finding.from }),
    ...(finding.to === undefined ? {} : { to: finding.to }),
    strategy: finding.strategy,
    message: finding.message,
    ...(finding.judgedUnder ? { judgedUnder: judgedUnderJson(finding.judgedUnder) } : {}),
  };
}

function locationJson(location: ManifestLocation): JsonObject {
  return {
    file: location.source,
    document: location.document,
    ...(location.item === undefined ? {} : { item: location.item }),
    ...(location.line === undefined ? {} : { line: location.line }),
  };
}

function cascadeJson(entry: CascadeEntry): JsonObject {
  return {
    apiVersion: entry.apiVersion,
    kind: entry.kind,
    namespace: entry.namespace,
    name: entry.name,
    relation: entry.relation,
    effect: entry.effect,
    message: entry.message,
    ...(entry.path === undefined ? {} : { path: entry.path }),
  };
}

function safeguardJson(safeguard: SafeguardStatus): JsonObject {
  return { id: safeguard.id, done: safeguard.done, reasons: [...safeguard.reasons] };
}

function resourceJson(resource: ResourceImpact): JsonObject {
  const sources: JsonObject = {};
  if (resource.sources.before) sources["before"] = locationJson(resource.sources.before);
  if (resource.sources.after) sources["after"] = locationJson(resource.sources.after);
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    namespace: resource.namespace,
    name: resource.name,
    change: resource.change,
    findings: resource.findings.map(findingJson),
    notes: [...resource.notes],
    sources,
    risk: resource.risk,
    cascade: resource.cascade.map(cascadeJson),
    cascadeOmitted: resource.cascadeOmitted,
    safeguards: resource.safeguards.map(safeguardJson),
    ...(resource.serverDryRun ? { serverDryRun: serverDryRunJson(resource.serverDryRun) } : {}),
  };
}

/** check --server-dry-run: the API server's verdict beside ours (docs/check.md "Live mode"). */
function serverDryRunJson(run: ServerDryRun): JsonObject {
  const common = { agrees: run.agrees, ...(run.note ? { note: run.note } : {}) };
  switch (run.outcome) {
    case "accepted":
      return { outcome: run.outcome, operation: run.operation, ...common };
    case "refused":
      return { outcome: run.outcome, operation: run.operation, code: run.code, reason: run.reason, message: run.message, fields: [...run.fields], ...common };
    case "not-sent":
      return { outcome: run.outcome, why: run.why, ...common };
  }
}

function liveJson(live: LiveSummary): JsonObject {
  return {
    server: live.server,
    version: live.version,
    lists: live.lists,
    objects: live.objects,
    context: live.context,
    notListed: [...live.notListed],
    ...(live.dryRun ? { dryRun: { ...live.dryRun } } : {}),
  };
}

/** The report as JSON (schema version 2, docs/check.md), two-space indented, ending in a newline. */
export function formatImpactJson(report: ImpactReport): string {
  const s = report.summary;
  const document: JsonValue = {
    version: report.version,
    summary: {
      added: s.added,
      removed: s.removed,
      modified: s.modified,
      unchanged: s.unchanged,
      blocking: s.blocking,
      warnings: s.warnings,
      info: s.info,
      risk: s.risk,
      risks: { ...s.risks },
      safeguardsMissing: s.safeguardsMissing,
    },
    resources: report.resources.map(resourceJson),
    risk: report.risk,
    order: report.order.map((step) => ({ action: step.action, kind: step.kind, namespace: step.namespace, name: step.name })),
    ...(report.kubernetes
      ? {
          kubernetes: {
            version: report.kubernetes.version,
            source: report.kubernetes.source,
            featureGates: { ...report.kubernetes.featureGates },
            notes: [...report.kubernetes.notes],
          },
        }
      : {}),
    ...(report.live ? { live: liveJson(report.live) } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
