import type { ChangedDecision, PolicyDiffReport } from "./policy-diff.ts";

/** The two versions compared, as the report names them. */
export interface DiffSides {
  readonly old: string;
  readonly new: string;
  readonly records: readonly string[];
}

function side(action: string, enforced: string): string {
  return action === enforced ? action : `${action} (audit: would ${enforced})`;
}

function changeLine(c: ChangedDecision): string {
  const object = `${c.kind} ${c.namespace !== undefined ? `${c.namespace}/` : ""}${c.name}`;
  return [
    `  ${c.time}  ${c.webhook} ${c.operation}${c.dryRun ? " (dry run)" : ""}  ${object}  ${side(c.old.action, c.old.enforcedAction)} → ${side(c.new.action, c.new.enforcedAction)}`,
    `      rules ${c.rules.join(", ") || "(none)"}; uid ${c.uid}`,
    `      old: ${c.old.reason}`,
    `      new: ${c.new.reason}`,
  ].join("\n");
}

/** The report as text: the counts, the transitions, then every changed decision. */
export function formatPolicyDiffText(report: PolicyDiffReport, sides: DiffSides): string {
  const lines = [`policy diff: ${sides.old} → ${sides.new}, replaying ${sides.records.join(", ")}`];
  const skipped = Object.entries(report.notReplayed);
  lines.push(`${report.records} decision records: ${report.replayed} replayed, ${report.records - report.replayed} not replayed${skipped.length > 0 ? ` (${skipped.map(([why, n]) => `${n}: ${why}`).join("; ")})` : ""}`);
  if (report.changed === 0) {
    lines.push("no decision changes");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`${report.changed} decision${report.changed === 1 ? "" : "s"} change:`);
  for (const [transition, n] of Object.entries(report.transitions)) lines.push(`  ${transition}  ${n}`);
  lines.push(`by kind: ${Object.entries(report.byKind).map(([kind, n]) => `${kind} ${n}`).join(", ")}`, "");
  lines.push(...report.changes.map(changeLine));
  if (report.unlisted > 0) lines.push(`  … and ${report.unlisted} more (counted above, not listed)`);
  return `${lines.join("\n")}\n`;
}
