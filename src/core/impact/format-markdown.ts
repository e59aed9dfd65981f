import { displayValue } from "../findings/display-value.ts";
import { describeObject } from "../k8s/kube-object.ts";
import { describeStep } from "./apply-order.ts";
import { documentLineOnly, type FieldLineOf } from "./field-line.ts";
import type { ServerDryRun } from "./live/live-report.ts";
import type { ImpactReport, ReportFinding, ResourceImpact } from "./impact-report.ts";
import { rank, type RiskLevel } from "./risk-level.ts";
import { DEFAULT_SAFEGUARDS_ANNOTATION } from "./safeguards.ts";

/** The hidden marker CI finds the comment by, to update one sticky comment instead of adding one per push. */
export const MARKDOWN_MARKER = "<!-- gitops-guard:check -->";

/**
 * GitHub refuses an issue or PR comment body over 65,536 characters ("Body is too long (maximum
 * is 65536 characters)"; kubechecks' MaxCommentLength = 64 * 1024, reference/audit-and-ci-outputs.md §4.2).
 */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;

/** Room kept for the truncation note and the footer after the last object. */
const FOOTER_RESERVE = 600;

/** How long a from/to value may get inside a diff line (the JSON report keeps it whole). */
const VALUE_MAX_CHARS = 200;

export interface MarkdownOptions {
  readonly lineOf?: FieldLineOf;
  /** Upper bound of the comment's length in characters (default GitHub's limit). */
  readonly maxChars?: number;
  /** The annotation that declares safeguards done (the policy's check.safeguards.annotation). */
  readonly safeguardAnnotation?: string;
}

const RISK_BADGE: Record<RiskLevel, string> = { low: "🟢 low", medium: "🟡 medium", high: "🟠 high", critical: "🔴 critical" };
const CHANGE_SIGN: Record<ResourceImpact["change"], string> = { added: "➕", removed: "➖", modified: "✏️" };

/** Text inside HTML (summary lines) or a table cell: no tags, no pipes, no line breaks. */
function cell(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/** A fence longer than any run of backticks in the text, so manifest text never closes it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(longest + 1);
}

function where(resource: ResourceImpact, lineOf: FieldLineOf, path: string): string {
  const location = resource.sources.after ?? resource.sources.before;
  if (!location) return "";
  const line = lineOf(location, path);
  return line === undefined ? `\`${location.source}\`` : `\`${location.source}:${line}\``;
}

function diffBlock(findings: readonly ReportFinding[]): string {
  const lines = findings
    .filter((f) => f.from !== undefined || f.to !== undefined)
    .flatMap((f) => [
      ...(f.from === undefined ? [] : [`- ${f.path}: ${displayValue(f.from, VALUE_MAX_CHARS)}`]),
      ...(f.to === undefined ? [] : [`+ ${f.path}: ${displayValue(f.to, VALUE_MAX_CHARS)}`]),
    ]);
  if (lines.length === 0) return "";
  const body = lines.join("\n");
  const f = fence(body);
  return `${f}diff\n${body}\n${f}\n`;
}

function findingsTable(resource: ResourceImpact, lineOf: FieldLineOf): string {
  if (resource.findings.length === 0) return "";
  const rows = resource.findings.map(
    (f) => `| ${f.severity} | \`${cell(f.path || "(whole object)")}\` | ${f.strategy} | ${cell(f.message)} | ${where(resource, lineOf, f.path)} |`,
  );
  return ["| severity | field | strategy | why | line |", "| --- | --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}

function cascadeList(resource: ResourceImpact): string {
  if (resource.cascade.length === 0) return "";
  const items = resource.cascade.map((e) => `- **${e.effect}** ${cell(describeObject(e.kind, e.namespace, e.name))} (${e.relation}): ${cell(e.message)}`);
  if (resource.cascadeOmitted > 0) items.push(`- … and ${resource.cascadeOmitted} more not listed`);
  return `**Cascade**\n\n${items.join("\n")}\n`;
}

function safeguardList(resource: ResourceImpact, annotation: string): string {
  if (resource.safeguards.length === 0) return "";
  const items = resource.safeguards.map((s) => `- [${s.done ? "x" : " "}] \`${s.id}\`: ${cell(s.reasons.join("; "))}`);
  return `**Safeguards** (declare one done with the annotation \`${cell(annotation)}\`)\n\n${items.join("\n")}\n`;
}

function section(resource: ResourceImpact, lineOf: FieldLineOf, annotation: string): string {
  const object = describeObject(resource.kind, resource.namespace, resource.name);
  const counts = [
    resource.findings.length ? `${resource.findings.length} finding${resource.findings.length === 1 ? "" : "s"}` : "",
    resource.cascade.length ? `${resource.cascade.length + resource.cascadeOmitted} affected` : "",
  ].filter((s) => s !== "");
  const summary = `${CHANGE_SIGN[resource.change]} <b>${cell(object)}</b> (${cell(resource.apiVersion)}) — ${resource.change}, risk ${RISK_BADGE[resource.risk]}${counts.length ? `, ${counts.join(", ")}` : ""}`;
  const parts = [
    `Source: ${where(resource, lineOf, "") || "(unknown)"}\n`,
    findingsTable(resource, lineOf),
    diffBlock(resource.findings),
    cascadeList(resource),
    safeguardList(resource, annotation),
    resource.notes.length ? resource.notes.map((n) => `> ${cell(n)}`).join("\n") + "\n" : "",
    resource.serverDryRun ? serverVerdictLine(resource.serverDryRun) : "",
  ].filter((p) => p !== "");
  return `<details><summary>${summary}</summary>\n\n${parts.join("\n")}\n</details>\n`;
}

/** check --server-dry-run: the API server's own verdict, and a disagreement with ours. */
function serverVerdictLine(run: ServerDryRun): string {
  const verdict =
    run.outcome === "accepted"
      ? `✅ accepted (${run.operation})`
      : run.outcome === "refused"
        ? `❌ refused, ${run.code} ${cell(run.reason)} (${run.operation}): ${fence(run.message)}`
        : `not sent: ${cell(run.why)}`;
  const disagreement = run.agrees ? "" : `\n\n⚠️ **Disagrees with gitops-guard:** ${cell(run.note ?? "")}`;
  return `**API server dry run:** ${verdict}${disagreement}\n`;
}

/** check --live: what the comparison was made against, and the dry runs' totals. */
function liveLine(report: ImpactReport): string {
  const live = report.live;
  if (!live) return "";
  const dry = live.dryRun
    ? ` Dry run: ${live.dryRun.sent} sent, ${live.dryRun.accepted} accepted, ${live.dryRun.refused} refused, ${live.dryRun.disagreements > 0 ? `**${live.dryRun.disagreements} disagreeing with gitops-guard**` : "no disagreement"}.`
    : "";
  return `Compared with the live cluster ${cell(live.server)} (Kubernetes ${cell(live.version)}): ${live.objects} live objects, ${live.context} outside the manifests.${dry}\n\n`;
}

function banner(report: ImpactReport): string {
  const replaced = report.resources.filter((r) => r.findings.some((f) => f.severity === "blocking" && f.strategy !== "revert" && f.strategy !== "review"));
  const data = report.resources.filter((r) => r.risk === "critical");
  const lines: string[] = [];
  if (replaced.length > 0) {
    lines.push(`### ⚠️ ${replaced.length} object${replaced.length === 1 ? "" : "s"} can only take this change by being **replaced** (deleted and created again)`);
  }
  if (data.length > 0) {
    const names = data.slice(0, 5).map((r) => `\`${cell(describeObject(r.kind, r.namespace, r.name))}\``).join(", ");
    lines.push(`### 🔴 Data at risk: ${names}${data.length > 5 ? ` and ${data.length - 5} more` : ""}`);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

function summaryTable(report: ImpactReport): string {
  const s = report.summary;
  const affected = report.resources.reduce((n, r) => n + r.cascade.length + r.cascadeOmitted, 0);
  return [
    "| added | removed | modified | unchanged | blocking | warnings | affected (cascade) | safeguards missing |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${s.added} | ${s.removed} | ${s.modified} | ${s.unchanged} | ${s.blocking} | ${s.warnings} | ${affected} | ${s.safeguardsMissing} |`,
    "",
    `Objects by risk: ${(["critical", "high", "medium", "low"] as const).map((l) => `${l} ${s.risks[l]}`).join(" · ")}`,
  ].join("\n") + "\n";
}

/** How many apply steps the comment lists (the JSON report has them all). */
const MAX_ORDER_STEPS = 50;

function orderBlock(report: ImpactReport): string {
  if (report.order.length < 2) return "";
  const steps = report.order.slice(0, MAX_ORDER_STEPS).map((s, i) => `${i + 1}. ${cell(describeStep(s))}`);
  if (report.order.length > MAX_ORDER_STEPS) steps.push(`… and ${report.order.length - MAX_ORDER_STEPS} more`);
  return `<details><summary>Apply order (${report.order.length} steps)</summary>\n\n${steps.join("\n")}\n\n</details>\n\n`;
}

/**
 * The report as one pull-request comment: a hidden marker (sticky comment), a one-screen summary
 * (risk badge, counts, a banner when objects will be replaced or data is at risk), then one
 * collapsed `<details>` per object, riskiest first, with findings, the changed lines, the cascade
 * and the safeguards. Never longer than `maxChars`: objects that do not fit are counted in an
 * explicit "N more not shown" note.
 */
export function formatImpactMarkdown(report: ImpactReport, options: MarkdownOptions = {}): string {
  const lineOf = options.lineOf ?? documentLineOnly;
  const max = options.maxChars ?? GITHUB_COMMENT_MAX_CHARS;
  const verdict = report.summary.blocking > 0 ? "the API server would refuse part of this change" : "nothing the API server would refuse";
  const head = `${MARKDOWN_MARKER}\n## gitops-guard check: risk ${RISK_BADGE[report.risk]}\n\n${banner(report)}\n${summaryTable(report)}\n${verdict}.\n\n${liveLine(report)}${orderBlock(report)}`;
  const ordered = [...report.resources].sort((a, b) => rank(b.risk) - rank(a.risk));
  let body = head;
  let shown = 0;
  for (const resource of ordered) {
    const next = section(resource, lineOf, options.safeguardAnnotation ?? DEFAULT_SAFEGUARDS_ANNOTATION);
    if (body.length + next.length > max - FOOTER_RESERVE) break;
    body += next;
    shown += 1;
  }
  if (ordered.length === 0) body += "No changes.\n";
  const hidden = ordered.length - shown;
  if (hidden > 0) {
    body += `\n**${hidden} more not shown** (this comment stays under GitHub's 65,536-character limit): see the JSON or SARIF report of this run.\n`;
  }
  return `${body}\n<sub>gitops-guard check · report schema ${report.version}</sub>\n`;
}
