import { AUDIT_LIMITS } from "./audit-limits.ts";
import type { ReadDecisionRecord } from "./record-line.ts";

/** One decision in an object's history (the drill-down). */
export interface HistoryEntry {
  readonly time: string;
  readonly webhook: string;
  readonly operation: string;
  readonly dryRun: boolean;
  readonly action: string;
  readonly enforcedAction: string;
  readonly mode: string;
  readonly allowed: boolean;
  readonly code?: number;
  readonly rules: readonly string[];
  readonly fields: readonly string[];
  readonly user?: string;
  readonly fieldManager?: string;
  readonly policyVersion: string;
  readonly latencyMs: number;
  readonly decisionId?: string;
}

export interface ObjectHistory {
  readonly object: string;
  /** Every decision on the object that matched the filters. */
  readonly total: number;
  /** Decisions other than a plain allow (what makes an object interesting). */
  readonly notable: number;
  /** The first AUDIT_LIMITS.historyEntries decisions, in input order. */
  readonly decisions: readonly HistoryEntry[];
}

interface Held {
  total: number;
  notable: number;
  readonly decisions: HistoryEntry[];
}

export interface Histories {
  add(object: string, record: ReadDecisionRecord): void;
  /** The `n` objects with the most notable decisions, each with its history. */
  top(n: number): ObjectHistory[];
}

function entryOf(record: ReadDecisionRecord): HistoryEntry {
  return {
    time: record.time, webhook: record.webhook, operation: record.operation, dryRun: record.dryRun,
    action: record.action, enforcedAction: record.enforcedAction, mode: record.mode, allowed: record.allowed,
    ...(record.code !== undefined ? { code: record.code } : {}),
    rules: [...new Set(record.findings.map((f) => f.ruleId))],
    fields: record.findings.map((f) => f.path),
    ...(record.user !== undefined ? { user: record.user } : {}),
    ...(record.fieldManager !== undefined ? { fieldManager: record.fieldManager } : {}),
    policyVersion: record.policyVersion, latencyMs: record.latencyMs,
    ...(record.decisionId !== undefined ? { decisionId: record.decisionId } : {}),
  };
}

/**
 * Histories of objects that had at least one finding; the first AUDIT_LIMITS.historyObjects such
 * objects are kept (later ones are counted in the breakdowns only).
 */
export function createHistories(): Histories {
  const held = new Map<string, Held>();
  return {
    add(object, record) {
      let entry = held.get(object);
      if (!entry) {
        if (record.findings.length === 0 || held.size >= AUDIT_LIMITS.historyObjects) return;
        entry = { total: 0, notable: 0, decisions: [] };
        held.set(object, entry);
      }
      entry.total++;
      if (record.enforcedAction !== "allow") entry.notable++;
      if (entry.decisions.length < AUDIT_LIMITS.historyEntries) entry.decisions.push(entryOf(record));
    },
    top(n) {
      return [...held.entries()]
        .sort(([ka, a], [kb, b]) => b.notable - a.notable || b.total - a.total || (ka < kb ? -1 : 1))
        .slice(0, n)
        .map(([object, h]) => ({ object, total: h.total, notable: h.notable, decisions: h.decisions }));
    },
  };
}
