import type { AuditReport } from "./audit-report.ts";
import type { TopList } from "./capped-counter.ts";

/** `deny 12, mark 5` — a breakdown on one line, largest first (as the report holds it). */
export function inline(counts: Readonly<Record<string, number>>, max = 12): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return "none";
  const shown = entries.slice(0, max).map(([k, n]) => `${k} ${n}`);
  return entries.length > max ? `${shown.join(", ")}, … (${entries.length - max} more)` : shown.join(", ");
}

function topLines(title: string, list: TopList, indent = "  "): string[] {
  if (list.total === 0) return [];
  const lines = [`${indent}${title} (${list.distinct} distinct, ${list.total} in all):`];
  for (const { key, count } of list.top) lines.push(`${indent}  ${String(count).padStart(7)}  ${key}`);
  return lines;
}

function inputLines(report: AuditReport): string[] {
  const lines = ["Inputs:"];
  for (const input of report.inputs) {
    const gz = input.compressed ? ", gzip" : "";
    lines.push(`  ${input.path}: ${input.format}${gz}, ${input.lines} lines, ${input.malformed} malformed`);
    for (const bad of input.malformedLines) lines.push(`    line ${bad.line}: ${bad.error}`);
    if (input.malformed > input.malformedLines.length) lines.push(`    … ${input.malformed - input.malformedLines.length} more malformed lines`);
  }
  return lines;
}

function decisionLines(report: AuditReport): string[] {
  const d = report.decisions;
  if (d.total === 0) return ["Decisions: none"];
  const r = d.rewrites;
  const l = d.latencyMs;
  return [
    `Decisions: ${d.total} (${d.total - d.dryRuns} real, ${d.dryRuns} dry runs)   ${d.period.from ?? "?"} … ${d.period.to ?? "?"}`,
    `  by action:          ${inline(d.byAction)}`,
    `  enforce would do:   ${inline(d.byEnforcedAction)}`,
    `  dry runs by action: ${inline(d.dryRunByAction)}`,
    `  by mode:            ${inline(d.byMode)}`,
    `  by rule:            ${inline(d.byRule)}`,
    `  by kind:            ${inline(d.byKind)}`,
    `  by namespace:       ${inline(d.byNamespace)}`,
    `  by owner:           ${inline(d.byOwner)}`,
    `  by policy version:  ${inline(d.byPolicyVersion, 5)}`,
    ...topLines("by user", d.byUser),
    `  rewrites: ${r.marks} marked, ${r.recreated} recreated, ${r.converged} converged, ${r.pending} pending; ${r.recreateRequests} recreate denials (second call)`,
    `  retried denials: ${d.retriedDenials.changes} changes denied again (${d.retriedDenials.retries} retries)`,
    ...d.retriedDenials.top.map(({ key, count }) => `    ${String(count).padStart(7)}  ${key}`),
    `  restores by field:  ${inline(d.restoresByField)}`,
    `  failure-mode answers: ${d.failures.total}${d.failures.total > 0 ? ` (${inline(d.failures.byCode)})` : ""}`,
    `  latency ms: p50 ${l.p50 ?? "-"}, p90 ${l.p90 ?? "-"}, p99 ${l.p99 ?? "-"}, max ${l.max ?? "-"} (${l.count} decisions)`,
    ...topLines("top objects in conflict", d.topObjects),
    ...topLines("top fields in conflict", d.topFields),
  ];
}

function kubeLines(report: AuditReport): string[] {
  const k = report.kubeAudit;
  if (k.events === 0) return ["Kubernetes audit log: none"];
  return [
    `Kubernetes audit log: ${k.events} events, ${k.requests} requests (${k.incomplete} without a final stage), ${k.dryRuns} dry runs   ${k.period.from ?? "?"} … ${k.period.to ?? "?"}`,
    `  by verb:               ${inline(k.byVerb)}`,
    `  by tool:               ${inline(k.byTool)}`,
    `  webhook denials:       ${inline(k.webhookDenials)} (${k.dryRunDenials} on dry runs)`,
    `  authorization denials: ${k.authorizationDenials}`,
    `  conflicts (409):       ${k.conflicts}`,
    `  immutable refusals:    ${k.immutableRefusals} (${k.unseenImmutable.total} on requests the guard never saw)`,
    `  other 422:             ${k.otherInvalid}`,
    `  webhook call failures: ${inline(k.webhookFailures)}; failed open: ${inline(k.failedOpen)}`,
    `  other errors:          ${inline(k.otherErrors)}`,
    `  requests the guard saw: ${k.guardSeen}`,
    ...topLines("immutable refusals the guard never saw", k.unseenImmutable),
  ];
}

function suggestionLines(report: AuditReport): string[] {
  if (report.suggestions.length === 0) return ["Suggestions: none (the evidence does not call for a policy change)"];
  const lines = ["Suggestions:"];
  report.suggestions.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.title}`, `     ${s.reasoning}`);
    if (s.expected) lines.push(`     replaying the records: ${s.expected.decisions} decisions ${s.expected.from} → ${s.expected.to}`);
  });
  lines.push("  (gitops-guard audit --suggest-policy writes the ConfigMap with these changes)");
  return lines;
}

/** The terminal report. */
export function formatAuditText(report: AuditReport): string {
  const j = report.join;
  return [
    "gitops-guard audit",
    ...inputLines(report),
    "",
    ...decisionLines(report),
    "",
    ...kubeLines(report),
    "",
    `Join (decision ids): ${j.joined} joined; ${j.recordIds} in records, ${j.auditIds} in the audit log`,
    "",
    ...suggestionLines(report),
    ...(report.capped ? ["", "Note: some breakdowns reached their key limit; the rest is counted under (other)."] : []),
    "",
  ].join("\n");
}
