import type { AuditReport } from "./audit-report.ts";
import type { TopList } from "./capped-counter.ts";
import type { ObjectHistory } from "./object-histories.ts";
import type { Suggestion } from "./suggest-policy.ts";
import { AUDIT_HTML_SCRIPT, AUDIT_HTML_STYLE } from "./audit-html-assets.ts";
import { escapeHtml as e, jsonForScript } from "./html-escape.ts";
import { svgBarChart, type SeriesStyle } from "./svg-bar-chart.ts";

/** Action colours; the legend, the bar titles and the tables say the same in words. */
const ACTION_SERIES: readonly SeriesStyle[] = [
  { key: "deny", fill: "#b42318" }, { key: "mark", fill: "#dc6803" }, { key: "restore", fill: "#175cd3" },
  { key: "warn", fill: "#fdb022" }, { key: "allow", fill: "#98a2b3" },
];
const OUTCOME_SERIES: readonly SeriesStyle[] = [
  { key: "guard-denial", fill: "#7a271a" }, { key: "immutable", fill: "#b42318" }, { key: "webhook-denial", fill: "#dc6803" },
  { key: "authorization-denial", fill: "#6941c6" }, { key: "conflict", fill: "#fdb022" }, { key: "invalid", fill: "#ee46bc" },
  { key: "webhook-failure", fill: "#101828" }, { key: "error", fill: "#475467" }, { key: "ok", fill: "#d0d5dd" },
];

/** Rows a breakdown table shows (the caption says how many more there are). */
const TABLE_ROWS = 15;

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function kpi(label: string, metric: string, value: number): string {
  return `<div><dt>${e(label)}</dt><dd data-metric="${e(metric)}">${value}</dd></div>`;
}

function breakdown(title: string, metric: string, counts: Readonly<Record<string, number>>, column: string): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return "";
  const more = entries.length > TABLE_ROWS ? ` (top ${TABLE_ROWS} of ${entries.length})` : "";
  const rows = entries.slice(0, TABLE_ROWS).map(([k, n]) => `<tr><th scope="row" class="key">${e(k)}</th><td class="n">${n}</td></tr>`).join("");
  return `<table data-breakdown="${e(metric)}"><caption>${e(title)}${more}</caption><thead><tr><th scope="col">${e(column)}</th><th scope="col" class="n">count</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th scope="row">total</th><td class="n">${sum(counts)}</td></tr></tfoot></table>`;
}

/** A top-N table; `metric` names the report's TopList (its total is checked against the JSON), null for a derived list. */
function topTable(title: string, metric: string | null, list: TopList | undefined, column: string, withHistory?: ReadonlySet<string>): string {
  if (!list || list.total === 0) return "";
  const rows = list.top.map(({ key, count }) => {
    const button = withHistory?.has(key) ? ` <button type="button" data-object="${e(key)}">history</button>` : "";
    return `<tr><th scope="row" class="key">${e(key)}${button}</th><td class="n">${count}</td></tr>`;
  }).join("");
  const total = metric === null ? String(list.total) : `<span data-metric="${e(metric)}.total">${list.total}</span>`;
  return `<table><caption>${e(title)}: ${list.top.length} of ${list.distinct} shown, ${total} in all</caption><thead><tr><th scope="col">${e(column)}</th><th scope="col" class="n">count</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function legend(series: readonly SeriesStyle[], present: ReadonlySet<string>): string {
  return `<ul class="legend">${series.filter((s) => present.has(s.key)).map((s) => `<li><span style="background:${s.fill}"></span>${e(s.key)}</li>`).join("")}</ul>`;
}

function trend(id: string, title: string, points: readonly { start: string; counts: Record<string, number> }[], series: readonly SeriesStyle[], bucket: string): string {
  if (points.length === 0) return "";
  const present = new Set(points.flatMap((p) => Object.keys(p.counts)));
  const keys = series.filter((s) => present.has(s.key)).map((s) => s.key);
  const rows = points.map((p) => `<tr><th scope="row">${e(p.start)}</th>${keys.map((k) => `<td class="n">${p.counts[k] ?? 0}</td>`).join("")}</tr>`).join("");
  return `<h3 id="${e(id)}-title">${e(title)} per ${e(bucket)}</h3>${legend(series, present)}${svgBarChart(id, `${title} per ${bucket}, stacked bars; the table below has the numbers`, points, series)}
<details><summary>The numbers per ${e(bucket)}</summary><table><caption>${e(title)} per ${e(bucket)}</caption><thead><tr><th scope="col">${e(bucket)} starting</th>${keys.map((k) => `<th scope="col" class="n">${e(k)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table></details>`;
}

function historySection(objects: readonly ObjectHistory[]): string {
  if (objects.length === 0) return `<p>No object had a finding.</p>`;
  const options = objects.map((o) => `<option value="${e(o.object)}">${e(o.object)} (${o.total})</option>`).join("");
  const details = objects.map((o, i) => {
    const rows = o.decisions.map((d) => `<tr><td>${e(d.time)}</td><td>${e(d.webhook)} ${e(d.operation)}${d.dryRun ? " (dry run)" : ""}</td><td class="action-${e(d.action)}">${e(d.action)}${d.mode !== "enforce" ? ` (${e(d.mode)}: ${e(d.enforcedAction)})` : ""}${d.code !== undefined ? ` ${d.code}` : ""}</td><td class="key">${e(d.rules.join(", "))}</td><td class="key">${e(d.fieldManager ?? d.user ?? "")}</td><td class="key">${e(d.policyVersion)}</td></tr>`).join("");
    const cut = o.total > o.decisions.length ? ` (first ${o.decisions.length} shown)` : "";
    return `<details class="history" id="history-${i}" data-object="${e(o.object)}"><summary>${e(o.object)}: <span data-count>${o.total}</span> decisions, ${o.notable} not a plain allow${cut}</summary><table><caption>Every decision on ${e(o.object)}, in order</caption><thead><tr><th scope="col">time</th><th scope="col">request</th><th scope="col">action</th><th scope="col">rules</th><th scope="col">field manager or user</th><th scope="col">policy version</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  }).join("");
  return `<div class="controls"><label for="object-select">Object</label> <select id="object-select"><option value="">choose an object…</option>${options}</select> <span id="drilldown-status" role="status" aria-live="polite"></span></div>${details}`;
}

function suggestionHtml(s: Suggestion, i: number): string {
  const evidence = Object.entries(s.evidence).map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`).join("");
  const change = s.override ? `<p>Change: prepend this override to the policy (<code>gitops-guard audit --suggest-policy</code> writes the ConfigMap):</p><pre>${e(JSON.stringify(s.override, null, 2))}</pre>` : "<p>Advisory: no policy change is written for it.</p>";
  const expected = s.expected ? `<p>Replaying the records: <strong>${s.expected.decisions}</strong> decisions change from ${e(s.expected.from)} to ${e(s.expected.to)}.</p>` : "";
  return `<article class="suggestion" data-suggestion="${e(s.id)}"><h3>${i + 1}. ${e(s.title)}</h3><p>${e(s.reasoning)}</p><table><caption>Evidence</caption><tbody>${evidence}</tbody></table>${change}${expected}</article>`;
}

/** The self-contained HTML report: one file, inline CSS, JS and SVG, no network (docs/audit.md "HTML report"). */
export function formatAuditHtml(report: AuditReport): string {
  const d = report.decisions;
  const k = report.kubeAudit;
  const period = `${d.period.from ?? k.period.from ?? "?"} … ${d.period.to ?? k.period.to ?? "?"}`;
  const histories = new Set(report.objects.map((o) => o.object));
  const inputs = report.inputs.map((i) => `<tr><th scope="row" class="key">${e(i.path)}</th><td>${e(i.format)}${i.compressed ? " (gzip)" : ""}</td><td class="n">${i.lines}</td><td class="n">${i.malformed}</td></tr>`).join("");
  const malformed = report.inputs.flatMap((i) => i.malformedLines.map((m) => `<li>${e(i.path)}:${m.line}: ${e(m.error)}</li>`)).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>gitops-guard audit report</title>
<style>${AUDIT_HTML_STYLE}</style>
</head>
<body>
<header>
<h1>gitops-guard audit report</h1>
<p class="muted">Period ${e(period)} · report schema version ${report.version} · <button type="button" id="save-json">save the JSON</button></p>
<nav aria-label="Sections"><ul><li><a href="#overview">Overview</a></li><li><a href="#trends">Trends</a></li><li><a href="#suggestions">Suggestions</a></li><li><a href="#decisions">Decisions</a></li><li><a href="#top">Top lists</a></li><li><a href="#kube-audit">Audit log</a></li><li><a href="#drilldown">Object history</a></li><li><a href="#inputs">Inputs</a></li></ul></nav>
</header>
<main>
<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Overview</h2>
<dl class="kpis">
${kpi("Decisions", "decisions.total", d.total)}${kpi("Dry-run decisions", "decisions.dryRuns", d.dryRuns)}${kpi("Denied (real)", "decisions.byAction.deny", d.byAction["deny"] ?? 0)}${kpi("Marked for replace (real)", "decisions.byAction.mark", d.byAction["mark"] ?? 0)}${kpi("Restored (real)", "decisions.byAction.restore", d.byAction["restore"] ?? 0)}${kpi("Denials retried unchanged", "decisions.retriedDenials.changes", d.retriedDenials.changes)}${kpi("Failure-mode answers", "decisions.failures.total", d.failures.total)}
${kpi("Audit-log requests", "kubeAudit.requests", k.requests)}${kpi("Webhook denials", "kubeAudit.webhookDenials.sum", sum(k.webhookDenials))}${kpi("Authorization denials", "kubeAudit.authorizationDenials", k.authorizationDenials)}${kpi("Conflicts (409)", "kubeAudit.conflicts", k.conflicts)}${kpi("Immutable refusals", "kubeAudit.immutableRefusals", k.immutableRefusals)}${kpi("… the guard never saw", "kubeAudit.unseenImmutable.total", k.unseenImmutable.total)}${kpi("Joined by decision id", "join.joined", report.join.joined)}
</dl>
<p>Latency of decisions: p50 ${e(d.latencyMs.p50 ?? "–")} ms, p90 ${e(d.latencyMs.p90 ?? "–")} ms, p99 ${e(d.latencyMs.p99 ?? "–")} ms, max ${e(d.latencyMs.max ?? "–")} ms. Rewrites: ${d.rewrites.marks} marked, ${d.rewrites.recreated} recreated, ${d.rewrites.converged} converged, ${d.rewrites.pending} pending.</p>
</section>
<section id="trends" aria-labelledby="trends-h"><h2 id="trends-h">Trends</h2>
${trend("decisions-chart", "Decisions by action", d.overTime.series, ACTION_SERIES, d.overTime.bucket)}
${trend("audit-chart", "Audit-log requests by outcome", k.overTime.series, OUTCOME_SERIES, k.overTime.bucket)}
</section>
<section id="suggestions" aria-labelledby="suggestions-h"><h2 id="suggestions-h">Policy suggestions</h2>
${report.suggestions.length === 0 ? "<p>None: the evidence does not call for a policy change.</p>" : report.suggestions.map(suggestionHtml).join("")}
</section>
<section id="decisions" aria-labelledby="decisions-h"><h2 id="decisions-h">Decisions (real, not dry runs)</h2>
<div class="grid">${breakdown("By action", "decisions.byAction", d.byAction, "action")}${breakdown("What enforce would do", "decisions.byEnforcedAction", d.byEnforcedAction, "action")}${breakdown("Dry runs by action", "decisions.dryRunByAction", d.dryRunByAction, "action")}${breakdown("By rule", "decisions.byRule", d.byRule, "rule")}${breakdown("By namespace", "decisions.byNamespace", d.byNamespace, "namespace")}${breakdown("By owner tool", "decisions.byOwner", d.byOwner, "owner")}${breakdown("By kind", "decisions.byKind", d.byKind, "kind")}${breakdown("By mode", "decisions.byMode", d.byMode, "mode")}${breakdown("Policy versions", "decisions.byPolicyVersion", d.byPolicyVersion, "policy version")}${breakdown("Restores by field", "decisions.restoresByField", d.restoresByField, "field")}${breakdown("Failure-mode answers by code", "decisions.failures.byCode", d.failures.byCode, "code")}</div>
</section>
<section id="top" aria-labelledby="top-h"><h2 id="top-h">Top lists</h2>
<div class="grid">${topTable("Objects in conflict", "decisions.topObjects", d.topObjects, "object", histories)}${topTable("Fields in conflict", "decisions.topFields", d.topFields, "field")}${topTable("Users", "decisions.byUser", d.byUser, "user")}${topTable("Field managers", "decisions.byFieldManager", d.byFieldManager, "field manager")}${topTable("Denials retried with the same change", null, { top: d.retriedDenials.top, total: d.retriedDenials.retries + d.retriedDenials.changes, distinct: d.retriedDenials.changes }, "object and change digest")}</div>
</section>
<section id="kube-audit" aria-labelledby="kube-h"><h2 id="kube-h">Kubernetes audit log</h2>
<p>${k.events} events, ${k.requests} requests (${k.incomplete} without a final stage), ${k.dryRuns} dry runs (${k.dryRunDenials} denied); the guard saw ${k.guardSeen} requests.</p>
<div class="grid">${breakdown("Webhook denials", "kubeAudit.webhookDenials", k.webhookDenials, "webhook")}${breakdown("By verb", "kubeAudit.byVerb", k.byVerb, "verb")}${breakdown("By tool", "kubeAudit.byTool", k.byTool, "tool")}${breakdown("Webhook call failures", "kubeAudit.webhookFailures", k.webhookFailures, "webhook")}${breakdown("Failed open", "kubeAudit.failedOpen", k.failedOpen, "webhook")}${topTable("Immutable refusals the guard never saw", "kubeAudit.unseenImmutable", k.unseenImmutable, "object")}</div>
</section>
<section id="drilldown" aria-labelledby="drilldown-h"><h2 id="drilldown-h">Object history</h2>
<p class="muted">Every decision on an object, in order, with the policy version it ran under.</p>
${historySection(report.objects)}
</section>
<section id="inputs" aria-labelledby="inputs-h"><h2 id="inputs-h">Inputs</h2>
<table><caption>Inputs read</caption><thead><tr><th scope="col">input</th><th scope="col">format</th><th scope="col" class="n">lines</th><th scope="col" class="n">malformed</th></tr></thead><tbody>${inputs}</tbody></table>
${malformed ? `<h3>Malformed lines</h3><ul>${malformed}</ul>` : ""}
</section>
</main>
<footer><p class="muted">gitops-guard audit · self-contained: no network, no external files.</p></footer>
<script type="application/json" id="audit-report">${jsonForScript(report)}</script>
<script>${AUDIT_HTML_SCRIPT}</script>
</body>
</html>
`;
}
