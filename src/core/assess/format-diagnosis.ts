import { DIAGNOSIS_VERSION, type DiagnosisItem } from "./diagnosis-item.ts";
import { formatRef } from "./object-ref.ts";
import { shortDuration } from "./iso-duration.ts";
import type { SubjectRef } from "./object-ref.ts";

function subjectJson(s: SubjectRef): { apiVersion: string; kind: string; namespace: string; name: string } {
  return { apiVersion: s.apiVersion, kind: s.kind, namespace: s.namespace, name: s.name };
}

/** diagnose --format json: the versioned contract of docs/diagnose.md, keys in a fixed order. */
export function formatDiagnosisJson(items: readonly DiagnosisItem[]): string {
  const out = {
    version: DIAGNOSIS_VERSION,
    items: items.map((i) => ({
      object: i.object === null ? null : subjectJson(i.object),
      state: i.state,
      stuckFor: i.stuckFor,
      cause: i.cause,
      immutable: i.immutable,
      objects: i.objects.map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name })),
      fields: [...i.fields],
      rootCause:
        i.rootCause === null
          ? null
          : { object: subjectJson(i.rootCause.object), state: i.rootCause.state, cause: i.rootCause.cause, message: i.rootCause.message, chain: i.rootCause.chain.map(subjectJson) },
      message: i.message,
      recommendation: i.recommendation,
      reason: i.reason,
      since: i.since,
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Longest message shown in text output; the JSON output keeps it whole. */
const MAX_TEXT_MESSAGE = 600;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT_MESSAGE ? `${flat.slice(0, MAX_TEXT_MESSAGE)}…` : flat;
}

function headline(i: DiagnosisItem): string {
  const who = i.object === null ? "message" : `${i.object.kind} ${i.object.namespace ? `${i.object.namespace}/` : ""}${i.object.name}`;
  const how = i.stuckForSeconds !== null ? ` for ${shortDuration(i.stuckForSeconds)}` : "";
  const why = i.cause === null ? "" : ` (${i.cause}${i.immutable && i.cause !== "immutable" ? ", immutable" : ""})`;
  return `${who}: ${i.state}${how}${why}`;
}

function itemText(i: DiagnosisItem): string {
  const lines = [headline(i)];
  if (i.objects.length > 0) lines.push(`  objects: ${i.objects.map(formatRef).join(", ")}`);
  if (i.fields.length > 0) lines.push(`  fields: ${i.fields.join(", ")}`);
  if (i.message !== "") lines.push(`  message: ${clip(i.message)}`);
  if (i.rootCause !== null) {
    const r = i.rootCause;
    lines.push(`  root cause: ${r.object.kind} ${r.object.namespace}/${r.object.name}: ${r.state}${r.cause ? ` (${r.cause})` : ""}: ${clip(r.message)}`);
  }
  lines.push(`  what to do: ${i.recommendation}`);
  return lines.join("\n");
}

/** diagnose --format text: one block per item, for a person at a terminal. */
export function formatDiagnosisText(items: readonly DiagnosisItem[]): string {
  return `${items.map(itemText).join("\n\n")}\n`;
}
