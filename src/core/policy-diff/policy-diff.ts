import type { Action } from "../decide/decision.ts";
import type { ReadDecisionRecord } from "../audit/record-line.ts";
import { replayDecision, type Replay } from "../audit/replay-decision.ts";
import type { Policy } from "../policy/policy-schema.ts";

/**
 * Changed decisions listed one by one, at most: past it they are counted (by transition and kind)
 * but not kept, so a month of records costs the same memory as an hour.
 */
export const MAX_LISTED_CHANGES = 1000;
/** Distinct transition and kind keys counted; a hostile input with a million kinds cannot grow the tables past this. */
const MAX_KEYS = 1000;

/** One side of a replay: what the policy version decides. */
export interface DecisionUnder {
  readonly action: Action;
  readonly enforcedAction: Action;
  readonly reason: string;
}

/** A recorded decision the new policy decides differently. */
export interface ChangedDecision {
  readonly time: string;
  readonly uid: string;
  readonly decisionId?: string;
  readonly webhook: string;
  readonly operation: string;
  readonly dryRun: boolean;
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly owner: string;
  readonly rules: readonly string[];
  readonly recorded: { readonly action: Action; readonly enforcedAction: Action; readonly mode: string; readonly policyVersion: string };
  readonly old: DecisionUnder;
  readonly new: DecisionUnder;
}

export interface PolicyDiffReport {
  readonly records: number;
  readonly replayed: number;
  /** Why the others were not replayed, with counts. */
  readonly notReplayed: Readonly<Record<string, number>>;
  readonly changed: number;
  /** `old → new` of the applied action (`mark → mark` when only the enforced one moved). */
  readonly transitions: Readonly<Record<string, number>>;
  readonly byKind: Readonly<Record<string, number>>;
  readonly changes: readonly ChangedDecision[];
  /** Changes counted but not listed (past MAX_LISTED_CHANGES). */
  readonly unlisted: number;
}

export interface PolicyDiff {
  add(record: ReadDecisionRecord): void;
  report(): PolicyDiffReport;
}

/** A count table over user-controlled keys (a Map: a kind named `__proto__` is a key like any other). */
function counter(): { add(key: string): void; toObject(): Record<string, number> } {
  const counts = new Map<string, number>();
  return {
    add(key) {
      if (counts.has(key) || counts.size < MAX_KEYS) counts.set(key, (counts.get(key) ?? 0) + 1);
      else counts.set("(other)", (counts.get("(other)") ?? 0) + 1);
    },
    toObject() {
      const out: Record<string, number> = {};
      for (const [key, value] of [...counts].sort(([, a], [, b]) => b - a)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      return out;
    },
  };
}

const under = (replay: Extract<Replay, { replayed: true }>): DecisionUnder => ({ action: replay.action, enforcedAction: replay.enforcedAction, reason: replay.reason });

function changeOf(record: ReadDecisionRecord, old: DecisionUnder, next: DecisionUnder): ChangedDecision {
  return {
    time: record.time, uid: record.uid, ...(record.decisionId !== undefined ? { decisionId: record.decisionId } : {}),
    webhook: record.webhook, operation: record.operation, dryRun: record.dryRun,
    group: record.group, kind: record.kind, ...(record.namespace !== undefined ? { namespace: record.namespace } : {}), name: record.name, owner: record.owner,
    rules: [...new Set(record.findings.map((f) => f.ruleId))],
    recorded: { action: record.action, enforcedAction: record.enforcedAction, mode: record.mode, policyVersion: record.policyVersion },
    old, new: next,
  };
}

/**
 * Replays recorded decisions through two policy versions with the `decide` serve runs, and keeps
 * every decision whose applied or enforced action differs. Both sides are replays (not the
 * recorded answer), so a difference is the policy change's alone, never a change of code.
 */
export function createPolicyDiff(oldPolicy: Policy, newPolicy: Policy, guardNamespace: string): PolicyDiff {
  let records = 0;
  let replayed = 0;
  let changed = 0;
  const notReplayed = counter();
  const transitions = counter();
  const byKind = counter();
  const changes: ChangedDecision[] = [];
  return {
    add(record) {
      records++;
      const before = replayDecision(record, oldPolicy, guardNamespace);
      const after = replayDecision(record, newPolicy, guardNamespace);
      if (!before.replayed || !after.replayed) {
        notReplayed.add(!before.replayed ? before.why : after.replayed ? "" : after.why);
        return;
      }
      replayed++;
      if (before.action === after.action && before.enforcedAction === after.enforcedAction) return;
      changed++;
      const old = under(before);
      const next = under(after);
      transitions.add(`${old.enforcedAction === old.action ? old.action : `${old.action} (would ${old.enforcedAction})`} → ${next.enforcedAction === next.action ? next.action : `${next.action} (would ${next.enforcedAction})`}`);
      byKind.add(record.kind);
      if (changes.length < MAX_LISTED_CHANGES) changes.push(changeOf(record, old, next));
    },
    report() {
      return { records, replayed, notReplayed: notReplayed.toObject(), changed, transitions: transitions.toObject(), byKind: byKind.toObject(), changes: [...changes], unlisted: changed - changes.length };
    },
  };
}
