import { displayValue } from "../findings/display-value.ts";
import type { Severity, Strategy } from "../findings/finding.ts";
import { describeObject } from "../k8s/kube-object.ts";
import type { ImpactReport, ReportFinding, ResourceImpact } from "./impact-report.ts";
import { formatLocation } from "./manifest-object.ts";
import { describeJudgedUnder, describeKubernetes } from "../kube/kubernetes-context.ts";
import type { LiveSummary, ServerDryRun } from "./live/live-report.ts";

export interface TextOptions {
  /** ANSI colours; the caller decides (a terminal, and NO_COLOR unset). Default false. */
  readonly color?: boolean;
}

/** How long a from/to value may get on a line before it is cut with an ellipsis (JSON keeps it whole). */
const VALUE_MAX_CHARS = 60;

const STRATEGY_HINT: Record<Strategy, string> = {
  recreate: "delete and create it (Flux: kustomize.toolkit.fluxcd.io/force: enabled; Argo CD: Replace=true,Force=true)",
  "orphan-recreate": "delete it with propagationPolicy Orphan so pods keep serving, create it, then remove the orphans",
  "blue-green": "deploy it under a new name, switch traffic over, delete the old one",
  restore: "nothing to do: the server-assigned value is put back (gitops-guard restore)",
  revert: "change the manifest back",
  migrate: "it holds data: create the new object alongside, copy the data, switch over, then delete the old one",
  review: "allowed; make sure the effect is intended",
};

const CODES = { red: "31", yellow: "33", cyan: "36", green: "32", bold: "1", dim: "2" } as const;
type Style = keyof typeof CODES;

function painter(color: boolean): (style: Style, text: string) => string {
  return color ? (style, text) => `\u001b[${CODES[style]}m${text}\u001b[0m` : (_style, text) => text;
}

const SEVERITY_STYLE: Record<Severity, Style> = { blocking: "red", warning: "yellow", info: "cyan" };
const RISK_STYLE: Record<ResourceImpact["risk"], Style> = { low: "dim", medium: "yellow", high: "red", critical: "red" };
const CHANGE_STYLE: Record<ResourceImpact["change"], Style> = { added: "green", removed: "red", modified: "bold" };

function findingLines(finding: ReportFinding, paint: ReturnType<typeof painter>): string[] {
  const change =
    finding.from === undefined && finding.to === undefined
      ? ""
      : `: ${displayValue(finding.from, VALUE_MAX_CHARS)} → ${displayValue(finding.to, VALUE_MAX_CHARS)}`;
  const where = finding.path === "" ? "(whole object)" : finding.path;
  const head = `${paint(SEVERITY_STYLE[finding.severity], finding.severity.padEnd(8))}  ${finding.class.padEnd(15)}  ${where}${change}`;
  const under = finding.judgedUnder ? ` (${describeJudgedUnder(finding.judgedUnder)})` : "";
  return [
    `  ${head}`,
    `            ${paint("dim", finding.ruleId)}: ${finding.message}${under}`,
    `            strategy ${finding.strategy}: ${STRATEGY_HINT[finding.strategy]}`,
  ];
}

function resourceBlock(resource: ResourceImpact, paint: ReturnType<typeof painter>): string {
  const object = describeObject(resource.kind, resource.namespace, resource.name);
  const location = resource.sources.after ?? resource.sources.before;
  const where = location ? `  at ${formatLocation(location)}` : "";
  const lines = [`${paint(CHANGE_STYLE[resource.change], resource.change.padEnd(8))}  ${paint("bold", object)} (${resource.apiVersion})${where}`];
  for (const finding of resource.findings) lines.push(...findingLines(finding, paint));
  for (const entry of resource.cascade) {
    lines.push(`  ${paint("yellow", "cascade")}   ${entry.effect.padEnd(19)} ${describeObject(entry.kind, entry.namespace, entry.name)} (${entry.relation}): ${entry.message}`);
  }
  if (resource.cascadeOmitted > 0) lines.push(`  cascade   … and ${resource.cascadeOmitted} more not listed`);
  if (resource.risk !== "low") lines.push(`  ${paint(RISK_STYLE[resource.risk], `risk ${resource.risk}`)}`);
  for (const s of resource.safeguards) {
    lines.push(`  safeguard ${s.id}: ${s.done ? paint("green", "declared done") : paint("red", "missing")} (${s.reasons.join("; ")})`);
  }
  for (const note of resource.notes) lines.push(`  ${paint("dim", "note:")} ${note}`);
  if (resource.serverDryRun) lines.push(...serverLines(resource.serverDryRun, paint));
  return lines.join("\n");
}

/** check --server-dry-run: the API server's verdict under ours, and a disagreement loudly. */
function serverLines(run: ServerDryRun, paint: ReturnType<typeof painter>): string[] {
  const verdict =
    run.outcome === "accepted"
      ? paint("green", `accepted (${run.operation}, dry run)`)
      : run.outcome === "refused"
        ? `${paint("red", `refused ${run.code} ${run.reason}`)} (${run.operation}, dry run): ${run.message}`
        : `not sent: ${run.why}`;
  const lines = [`  server    ${verdict}`];
  if (!run.agrees) lines.push(`  ${paint("yellow", "DISAGREES")} ${run.note ?? "the API server and gitops-guard disagree"}`);
  return lines;
}

/** check --live: where the before side came from, and the dry runs' totals. */
function liveLine(live: LiveSummary): string {
  const read = `live: ${live.server} (Kubernetes ${live.version}): ${plural(live.lists, "LIST request")}, ${plural(live.objects, "live object")}, ${live.context} outside the manifests (context only)`;
  const skipped = live.notListed.length > 0 ? `; not read: ${live.notListed.join("; ")}` : "";
  const dry = live.dryRun
    ? `\ndry run: ${live.dryRun.sent} sent, ${live.dryRun.accepted} accepted, ${live.dryRun.refused} refused, ${plural(live.dryRun.disagreements, "disagreement")} with gitops-guard`
    : "";
  return `${read}${skipped}${dry}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The report for people: one block per added, removed or modified object, its findings with the
 * way out, then a summary line (last, where a CI log is read). Colour only when asked.
 */
export function formatImpactText(report: ImpactReport, options: TextOptions = {}): string {
  const paint = painter(options.color === true);
  const s = report.summary;
  const blocks = report.resources.map((r) => resourceBlock(r, paint));
  if (blocks.length === 0) blocks.push("No changes.");
  const counts = `${s.added} added, ${s.removed} removed, ${s.modified} modified, ${s.unchanged} unchanged`;
  const findings = `${plural(s.blocking, "blocking finding")}, ${plural(s.warnings, "warning")}, ${s.info} info`;
  const verdict =
    s.blocking > 0
      ? paint("red", "blocking: the API server would refuse this change (or policy forbids it); see the strategies above")
      : paint("green", "nothing blocking");
  const kube = `${report.kubernetes ? `${describeKubernetes(report.kubernetes)}\n` : ""}${report.live ? liveLine(report.live) : ""}`;
  const missing = s.safeguardsMissing > 0 ? `; ${plural(s.safeguardsMissing, "safeguard")} missing` : "";
  return `${blocks.join("\n\n")}\n\n${kube}${counts}; ${findings}; risk ${report.risk}${missing}\n${verdict}\n`;
}
