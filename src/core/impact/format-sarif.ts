import { canonicalJson, fnv1a64 } from "../hash/fnv1a.ts";
import type { JsonObject } from "../k8s/json.ts";
import { describeObject } from "../k8s/kube-object.ts";
import type { CascadeEffect } from "./cascade/cascade-entry.ts";
import { documentLineOnly, type FieldLineOf } from "./field-line.ts";
import type { ImpactReport, ReportFinding, ResourceImpact } from "./impact-report.ts";
import type { ManifestLocation } from "./manifest-object.ts";
import { EFFECT_RISK, type RiskLevel } from "./risk-level.ts";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * GitHub keeps the first 5,000 results of a run, by severity, of at most 25,000
 * (reference/audit-and-ci-outputs.md §3.1): we write at most this many, most severe first.
 */
export const SARIF_MAX_RESULTS = 5_000;

export interface SarifOptions {
  readonly lineOf?: FieldLineOf;
  /** gitops-guard's version, for tool.driver.version. */
  readonly toolVersion: string;
  /**
   * `runAutomationDetails.id`: GitHub's category, so this upload does not replace other tools'
   * (or another `check` of the same repository over another path). Ends with "/".
   */
  readonly category: string;
  /** Base of the rule help links (docs/check.md on the project's site). */
  readonly docsUrl: string;
}

type Level = "error" | "warning" | "note";

interface Rule {
  readonly id: string;
  readonly short: string;
  readonly help: string;
  readonly level: Level;
  readonly tags: readonly string[];
  /** Only data-loss rules are security-like (GitHub shows a severity); others are plain alerts. */
  readonly securitySeverity?: string;
}

const SEVERITY_LEVEL: Record<ReportFinding["severity"], Level> = { blocking: "error", warning: "warning", info: "note" };
const RISK_LEVEL: Record<RiskLevel, Level> = { critical: "error", high: "error", medium: "warning", low: "note" };

const EFFECT_HELP: Record<CascadeEffect, string> = {
  deleted: "Removing or replacing a CustomResourceDefinition deletes every custom resource of its kind. Back them up and migrate instead.",
  dangling: "After the change, a selector or reference of another object reaches nothing in the manifests (a Service with no pods, a PDB protecting nothing). Update it with the change.",
  "missing-reference": "The change removes an object (or a port, or a version) that another object still names. Keep it, or update the referencing object in the same change.",
  "missing-key": "The change removes a key of a ConfigMap or Secret that a workload reads by key. Pods fail to start.",
  cycle: "The change closes a Flux dependsOn cycle: none of the objects in it ever becomes ready.",
  "permissions-removed": "A ServiceAccount loses a RoleBinding, and the workloads running as it lose those permissions.",
  "recreated-target": "What the object points at is deleted and created again: endpoints, autoscaler state or permissions are missing meanwhile.",
  deselected: "A selector no longer selects this workload's pods.",
  "newly-selected": "A selector now selects pods it did not select before (a NetworkPolicy starts applying, a Service starts sending traffic).",
  "selects-multiple": "A Service or PDB now selects the pods of two or more workloads.",
  order: "A Flux dependent: it reconciles only after the changed object is ready again.",
  "stale-until-restart": "Pods read env at start: running pods keep the old ConfigMap/Secret values until they restart.",
};

function findingRule(f: ReportFinding): Rule {
  const dataLoss = f.strategy === "migrate" || f.ruleId === "deletion.data-bearing";
  return {
    id: f.ruleId,
    short: `${f.class} field: ${f.ruleId}`,
    help: `${f.message}. Way out (${f.strategy}): see the strategies in docs/check.md.`,
    level: SEVERITY_LEVEL[f.severity],
    tags: ["gitops", `${f.class}-field`],
    ...(dataLoss ? { securitySeverity: "9.0" } : {}),
  };
}

function cascadeRule(effect: CascadeEffect, level: Level): Rule {
  return {
    id: `cascade.${effect}`,
    short: `cascade: ${effect}`,
    help: EFFECT_HELP[effect],
    level,
    tags: ["gitops", "cascade"],
    ...(effect === "deleted" ? { securitySeverity: "9.0" } : {}),
  };
}

function ruleJson(rule: Rule, docsUrl: string): JsonObject {
  return {
    id: rule.id,
    name: rule.id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: rule.short.slice(0, 1024) },
    fullDescription: { text: rule.help.slice(0, 1024) },
    helpUri: `${docsUrl}#${rule.id.startsWith("cascade.") ? "effects" : "what-is-reported"}`,
    help: { text: rule.help, markdown: `${rule.help}\n\n[gitops-guard check](${docsUrl})` },
    defaultConfiguration: { level: rule.level },
    properties: { tags: [...rule.tags], precision: "very-high", ...(rule.securitySeverity ? { "security-severity": rule.securitySeverity } : {}) },
  };
}

/** A relative URI for a path as named on the command line (`./a b.yaml` → `a%20b.yaml`). */
function artifactUri(source: string): string {
  return encodeURI(source.replaceAll("\\", "/").replace(/^\.\//, ""));
}

function physical(location: ManifestLocation, line: number | undefined): JsonObject {
  return { physicalLocation: { artifactLocation: { uri: artifactUri(location.source) }, region: { startLine: Math.max(1, line ?? location.line ?? 1) } } };
}

interface Result {
  readonly rank: number;
  readonly json: JsonObject;
}

function fingerprint(parts: readonly string[]): JsonObject {
  // GitHub uses only primaryLocationLineHash: a hash of what the alert is about (not the line
  // number), so an alert survives lines moving, then ":1" (the occurrence, as in GitHub's example).
  return { primaryLocationLineHash: `${fnv1a64(canonicalJson(parts))}:1` };
}

function resultsOf(resource: ResourceImpact, lineOf: FieldLineOf, rules: Map<string, Rule>): Result[] {
  const location = resource.sources.after ?? resource.sources.before;
  if (!location) return [];
  const object = describeObject(resource.kind, resource.namespace, resource.name);
  const identity = [resource.kind, resource.namespace, resource.name];
  const results: Result[] = resource.findings.map((f) => {
    const rule = findingRule(f);
    if (!rules.has(rule.id)) rules.set(rule.id, rule);
    return {
      rank: f.severity === "blocking" ? 3 : f.severity === "warning" ? 2 : 1,
      json: {
        ruleId: rule.id,
        level: rule.level,
        message: { text: `${object}: ${f.message} (${f.path || "whole object"}; way out: ${f.strategy}).` },
        locations: [physical(location, lineOf(location, f.path))],
        partialFingerprints: fingerprint([rule.id, ...identity, f.path]),
      },
    };
  });
  // Cascade results sit on the line of the change that causes them (the first finding's field, else the object).
  const anchor = lineOf(location, resource.findings[0]?.path ?? "");
  for (const e of resource.cascade) {
    const level = RISK_LEVEL[EFFECT_RISK[e.effect]];
    const rule = rules.get(`cascade.${e.effect}`) ?? cascadeRule(e.effect, level);
    rules.set(rule.id, rule);
    const affected = describeObject(e.kind, e.namespace, e.name);
    results.push({
      rank: level === "error" ? 3 : level === "warning" ? 2 : 1,
      json: {
        ruleId: rule.id,
        level,
        message: { text: `${e.message} (${affected}, affected by the change to ${object}).` },
        locations: [physical(location, anchor)],
        partialFingerprints: fingerprint([rule.id, ...identity, e.kind, e.namespace, e.name, e.path ?? ""]),
      },
    });
  }
  return results;
}

const SERVER_RULES: Record<"refused" | "accepted", Rule> = {
  refused: {
    id: "server.dry-run-refused",
    short: "the API server refused a dry run gitops-guard did not predict",
    help: "A server-side dry run (check --live --server-dry-run) of this object was refused, and gitops-guard found nothing blocking: an admission webhook or policy, a quota, or a validation the catalogue does not know. The apply will fail.",
    level: "error",
    tags: ["gitops", "server-dry-run"],
  },
  accepted: {
    id: "server.dry-run-accepted",
    short: "the API server accepted a dry run gitops-guard expects refused",
    help: "A server-side dry run of this object was accepted where gitops-guard expects a refusal: a mutating webhook may restore the field, the cluster may run another release or feature gates, or the rule is wrong.",
    level: "warning",
    tags: ["gitops", "server-dry-run"],
  },
};

/** A disagreement between the API server's dry run and our verdict, as a result on the object's line. */
function serverResult(resource: ResourceImpact, lineOf: FieldLineOf, rules: Map<string, Rule>): Result[] {
  const run = resource.serverDryRun;
  const location = resource.sources.after ?? resource.sources.before;
  if (!run || run.agrees || run.outcome === "not-sent" || !location) return [];
  const rule = SERVER_RULES[run.outcome];
  rules.set(rule.id, rule);
  const path = run.outcome === "refused" ? (run.fields[0] ?? "") : (resource.findings[0]?.path ?? "");
  return [{
    rank: rule.level === "error" ? 3 : 2,
    json: {
      ruleId: rule.id,
      level: rule.level,
      message: { text: `${describeObject(resource.kind, resource.namespace, resource.name)}: ${run.note ?? rule.short}${run.outcome === "refused" ? ` (${run.message})` : ""}.` },
      locations: [physical(location, lineOf(location, path))],
      partialFingerprints: fingerprint([rule.id, resource.kind, resource.namespace, resource.name]),
    },
  }];
}

/**
 * The report as SARIF 2.1.0 for GitHub code scanning: one rule per rule id (findings) and per
 * cascade effect, with help text and link; results pinned to the manifest line of the changed
 * field (not line 1), with partialFingerprints and a runAutomationDetails id (category).
 */
export function formatImpactSarif(report: ImpactReport, options: SarifOptions): string {
  const lineOf = options.lineOf ?? documentLineOnly;
  const rules = new Map<string, Rule>();
  const results = report.resources.flatMap((r) => [...resultsOf(r, lineOf, rules), ...serverResult(r, lineOf, rules)]);
  // Stable sort: most severe first, then report order; GitHub keeps the first 5,000.
  const kept = results.map((r, i) => ({ ...r, i })).sort((a, b) => b.rank - a.rank || a.i - b.i).slice(0, SARIF_MAX_RESULTS);
  const ruleList = [...rules.values()];
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const sarif: JsonObject = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gitops-guard",
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: options.docsUrl,
            rules: ruleList.map((r) => ruleJson(r, options.docsUrl)),
          },
        },
        automationDetails: { id: options.category },
        columnKind: "utf16CodeUnits",
        results: kept.map((r) => ({ ...r.json, ruleIndex: index.get(String(r.json["ruleId"])) ?? 0 })),
        properties: {
          resultsOmitted: results.length - kept.length,
          risk: report.risk,
          ...(report.live ? { live: { server: report.live.server, version: report.live.version, ...(report.live.dryRun ? { dryRun: { ...report.live.dryRun } } : {}) } } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
