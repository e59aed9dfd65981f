import type { AuditReport } from "./audit-report.ts";
import type { TopList } from "./capped-counter.ts";

/** Markdown table cell text: pipes and newlines would break the table; angle brackets are shown, not parsed. */
export function cell(text: string | number): string {
  return String(text).replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function table(title: string, counts: Readonly<Record<string, number>>, column: string, max = 15): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return [];
  const rows = entries.slice(0, max).map(([k, n]) => `| ${cell(k)} | ${n} |`);
  const more = entries.length > max ? [`\n_${entries.length - max} more not shown._`] : [];
  return [`### ${title}`, "", `| ${column} | count |`, "| --- | ---: |", ...rows, ...more, ""];
}

function topTable(title: string, list: TopList, column: string): string[] {
  if (list.total === 0) return [];
  return [
    `### ${title}`, "", `| ${column} | count |`, "| --- | ---: |",
    ...list.top.map(({ key, count }) => `| ${cell(key)} | ${count} |`),
    "", `_${list.top.length} of ${list.distinct} shown; ${list.total} in all._`, "",
  ];
}

/** The Markdown report (a PR comment, an e-mail, a chat message). */
export function formatAuditMarkdown(report: AuditReport): string {
  const d = report.decisions;
  const k = report.kubeAudit;
  const lines = [
    "## gitops-guard audit",
    "",
    `Period: ${d.period.from ?? k.period.from ?? "?"} … ${d.period.to ?? k.period.to ?? "?"}`,
    "",
    "| input | format | lines | malformed |",
    "| --- | --- | ---: | ---: |",
    ...report.inputs.map((i) => `| ${cell(i.path)} | ${i.format}${i.compressed ? " (gzip)" : ""} | ${i.lines} | ${i.malformed} |`),
    "",
    "| key count | value |",
    "| --- | ---: |",
    `| decisions | ${d.total} |`,
    `| dry-run decisions | ${d.dryRuns} |`,
    `| denied (real) | ${d.byAction["deny"] ?? 0} |`,
    `| marked (real) | ${d.byAction["mark"] ?? 0} |`,
    `| restored (real) | ${d.byAction["restore"] ?? 0} |`,
    `| denied dry runs (prevented failures) | ${d.dryRunByAction["deny"] ?? 0} |`,
    `| rewrites: marked / recreated / converged | ${d.rewrites.marks} / ${d.rewrites.recreated} / ${d.rewrites.converged} |`,
    `| denials retried with the same change | ${d.retriedDenials.changes} |`,
    `| failure-mode answers | ${d.failures.total} |`,
    `| decision latency p50 / p99 (ms) | ${d.latencyMs.p50 ?? "–"} / ${d.latencyMs.p99 ?? "–"} |`,
    `| audit-log requests | ${k.requests} |`,
    `| webhook denials | ${Object.values(k.webhookDenials).reduce((a, b) => a + b, 0)} |`,
    `| authorization denials | ${k.authorizationDenials} |`,
    `| conflicts (409) | ${k.conflicts} |`,
    `| immutable refusals | ${k.immutableRefusals} |`,
    `| … the guard never saw | ${k.unseenImmutable.total} |`,
    "",
    ...table("Decisions by action", d.byAction, "action"),
    ...table("Decisions by rule", d.byRule, "rule"),
    ...table("Decisions by namespace", d.byNamespace, "namespace"),
    ...table("Decisions by owner", d.byOwner, "owner"),
    ...table("Policy versions", d.byPolicyVersion, "policy version"),
    ...topTable("Top objects in conflict", d.topObjects, "object"),
    ...topTable("Top fields in conflict", d.topFields, "field"),
    ...topTable("Denials retried with the same change", { top: d.retriedDenials.top, total: d.retriedDenials.retries + d.retriedDenials.changes, distinct: d.retriedDenials.changes }, "object and change digest"),
    ...table("Webhook denials (audit log)", k.webhookDenials, "webhook"),
    ...topTable("Immutable refusals the guard never saw", k.unseenImmutable, "object"),
    "### Suggestions",
    "",
    ...(report.suggestions.length === 0
      ? ["None: the evidence does not call for a policy change.", ""]
      : report.suggestions.flatMap((s, i) => [`${i + 1}. **${cell(s.title)}**  `, `   ${cell(s.reasoning)}`, ""])),
  ];
  return `${lines.join("\n")}\n`;
}
