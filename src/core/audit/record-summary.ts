import { canonicalJson, fnv1a64 } from "../hash/fnv1a.ts";
import { createCappedCounter, topList, type CappedCounter, type TopList } from "./capped-counter.ts";
import { createLatencyHistogram, type LatencySummary } from "./latency-histogram.ts";
import { AUDIT_LIMITS } from "./audit-limits.ts";
import { objectKey, subjectMatches, timeMatches, type AuditFilters, type Bucket } from "./audit-filters.ts";
import { createTrendSeries, type BucketChoice } from "./trend-series.ts";
import { createObjectTracker, FIX_WINDOW_MS, type ObjectState } from "./object-tracker.ts";
import { createGroupStats, type GroupStats } from "./group-stats.ts";
import { createHistories, type ObjectHistory } from "./object-histories.ts";
import type { ReadDecisionRecord, WatchRecord } from "./record-line.ts";

/** The decisions part of the report (docs/audit.md "JSON output"). Breakdowns count real (non-dry-run) decisions. */
export interface DecisionSummary {
  readonly total: number;
  readonly dryRuns: number;
  readonly byAction: Record<string, number>;
  readonly byEnforcedAction: Record<string, number>;
  readonly dryRunByAction: Record<string, number>;
  readonly byMode: Record<string, number>;
  readonly byRule: Record<string, number>;
  readonly byKind: Record<string, number>;
  readonly byNamespace: Record<string, number>;
  readonly byOwner: Record<string, number>;
  readonly byUser: TopList;
  readonly byFieldManager: TopList;
  readonly byPolicyVersion: Record<string, number>;
  readonly overTime: { readonly bucket: Bucket; readonly series: readonly { readonly start: string; readonly counts: Record<string, number> }[] };
  readonly topObjects: TopList;
  readonly topFields: TopList;
  readonly rewrites: { readonly marks: number; readonly recreateRequests: number; readonly recreated: number; readonly converged: number; readonly pending: number };
  readonly retriedDenials: { readonly changes: number; readonly retries: number; readonly top: TopList["top"] };
  readonly restoresByField: Record<string, number>;
  readonly failures: { readonly total: number; readonly byCode: Record<string, number> };
  readonly latencyMs: LatencySummary;
  readonly watch: { readonly records: number; readonly byKind: Record<string, number>; readonly byOutcome: Record<string, number> };
  readonly period: { readonly from: string | null; readonly to: string | null };
}

export interface RecordSummarizer {
  /** Adds one decision record; false when the filters excluded it. */
  addDecision(record: ReadDecisionRecord): boolean;
  addWatch(record: WatchRecord): boolean;
  /** Decision ids seen in records (the join with the audit log). */
  readonly decisionIds: ReadonlySet<string>;
  summary(top: number): DecisionSummary;
  groups(): GroupStats;
  histories(top: number): ObjectHistory[];
  /** Records whose time did not parse (counted, never trusted for trends). */
  readonly badTimes: number;
  /** True once a breakdown sent a key to `(other)` or a tracker was full. */
  readonly capped: boolean;
}

const counter = (): CappedCounter => createCappedCounter(AUDIT_LIMITS.breakdownKeys);

function conflictFindings(record: ReadDecisionRecord): ReadDecisionRecord["findings"] {
  return record.findings.filter((f) => (f.class === "immutable" || f.class === "declared") && f.severity === "blocking");
}

/** The same change = the same object and the same desired values of the conflicting paths. */
function changeKey(object: string, conflicts: ReadDecisionRecord["findings"]): string {
  const pairs = conflicts.map((f) => [f.path, f.to ?? null]).sort();
  return `${object} ${fnv1a64(canonicalJson(pairs))}`;
}

export function createRecordSummarizer(filters: AuditFilters, bucket: BucketChoice): RecordSummarizer {
  const c = {
    action: counter(), enforced: counter(), dryAction: counter(), mode: counter(), rule: counter(), kind: counter(),
    namespace: counter(), owner: counter(), user: counter(), fieldManager: counter(), policy: counter(),
    objects: counter(), fields: counter(), restores: counter(), failures: counter(), watchKind: counter(), watchOutcome: counter(),
  };
  const overTime = createTrendSeries(8);
  const retries = createCappedCounter(AUDIT_LIMITS.retryKeys);
  const latency = createLatencyHistogram();
  const tracker = createObjectTracker(AUDIT_LIMITS.trackedObjects);
  const groups = createGroupStats();
  const histories = createHistories();
  const decisionIds = new Set<string>();
  let total = 0;
  let dryRuns = 0;
  let watchRecords = 0;
  let badTimes = 0;
  let fromMs = Infinity;
  let toMs = -Infinity;
  const rewrites = { marks: 0, recreateRequests: 0, recreated: 0, converged: 0 };

  const followDenial = (state: ObjectState, timeMs: number, fine: boolean): void => {
    if (state.deniedAtMs !== undefined && fine) {
      if (timeMs - state.deniedAtMs <= FIX_WINDOW_MS && state.deniedGroup !== undefined) groups.fixed(state.deniedGroup);
      state.deniedAtMs = undefined;
      state.deniedGroup = undefined;
    }
  };

  /**
   * A real mark (first call) waits for the object to be recreated — a real DELETE of it (Flux,
   * after the 422 on its dry run, deletes and re-applies; the webhooks are not called for the
   * CREATE) or a CREATE — and then converges on the next clean decision of the mutating webhook
   * (dry runs count: Flux dry-runs every apply).
   */
  const followMark = (state: ObjectState, record: ReadDecisionRecord, timeMs: number, fine: boolean): void => {
    const recreatedNow = !record.dryRun && record.allowed && (record.operation === "DELETE" || record.operation === "CREATE");
    if (state.markedAtMs !== undefined && recreatedNow && !state.recreated) {
      state.recreated = true;
      rewrites.recreated++;
    } else if (state.markedAtMs !== undefined && state.recreated && fine) {
      rewrites.converged++;
      state.markedAtMs = undefined;
      state.recreated = undefined;
    }
    if (record.action === "mark" && record.allowed && !record.dryRun && state.markedAtMs === undefined) {
      state.markedAtMs = timeMs;
      rewrites.marks++;
    }
    if (record.action === "mark" && !record.allowed) rewrites.recreateRequests++;
  };

  const follow = (state: ObjectState, record: ReadDecisionRecord, timeMs: number, conflicts: number, group: string): void => {
    // Only the mutating webhook judges immutable conflicts: its clean answer is the evidence.
    const fine = record.webhook === "mutate" && record.operation !== "DELETE" && record.allowed && conflicts === 0;
    followDenial(state, timeMs, fine);
    if (record.enforcedAction === "deny" && conflicts > 0 && state.deniedAtMs === undefined) {
      state.deniedAtMs = timeMs;
      state.deniedGroup = group;
      groups.deniedObject(group);
    }
    followMark(state, record, timeMs, fine);
  };

  /** Breakdowns: real decisions only. */
  const addBreakdowns = (record: ReadDecisionRecord, timeMs: number, key: string, kindRef: string): void => {
    c.action.add(record.action);
    c.enforced.add(record.enforcedAction);
    c.mode.add(record.mode);
    c.kind.add(kindRef);
    c.namespace.add(record.namespace || "(cluster)");
    c.owner.add(record.owner);
    c.user.add(record.user ?? "(unknown)");
    if (record.fieldManager !== undefined) c.fieldManager.add(record.fieldManager);
    c.policy.add(record.policyVersion);
    for (const ruleId of new Set(record.findings.map((f) => f.ruleId))) c.rule.add(ruleId);
    overTime.add(timeMs, record.action);
    const conflicts = conflictFindings(record);
    if (conflicts.length > 0) {
      c.objects.add(key);
      for (const f of conflicts) c.fields.add(`${kindRef} ${f.path}`);
    }
    if (record.action === "restore") for (const f of record.findings.filter((x) => x.class === "server-assigned")) c.restores.add(`${kindRef} ${f.path}`);
  };

  /**
   * Evidence for retries, fixes, rewrites and suggestions: every decision, dry runs included —
   * Flux and Argo CD dry-run first, and a denied dry run is the whole attempt (no real request follows).
   */
  const addEvidence = (record: ReadDecisionRecord, timeMs: number, key: string, kindRef: string): void => {
    const conflicts = conflictFindings(record);
    if (record.action === "deny" && conflicts.length > 0) retries.add(changeKey(key, conflicts));
    const group = canonicalJson([kindRef, record.namespace ?? "", record.owner]);
    groups.add(group, record, conflicts.map((f) => f.path));
    const state = tracker.ensure(key);
    if (state && !Number.isNaN(timeMs)) follow(state, record, timeMs, conflicts.length, group);
  };

  return {
    addDecision(record) {
      const timeMs = Date.parse(record.time);
      const subject = { group: record.group, kind: record.kind, namespace: record.namespace ?? "", owner: record.owner };
      if (!timeMatches(filters, timeMs) || !subjectMatches(filters, subject)) return false;
      if (Number.isNaN(timeMs)) badTimes++;
      else {
        fromMs = Math.min(fromMs, timeMs);
        toMs = Math.max(toMs, timeMs);
      }
      total++;
      // The decision id, or the call's uid: serve may write the uid itself as its decision id.
      if (decisionIds.size < AUDIT_LIMITS.joinIds) decisionIds.add(record.decisionId ?? record.uid);
      latency.add(record.latencyMs);
      if (record.error) c.failures.add(record.error.code);
      const key = objectKey(record.kind, record.group, record.namespace, record.name);
      histories.add(key, record);
      const kindRef = record.group ? `${record.kind}.${record.group}` : record.kind;
      if (record.dryRun) {
        dryRuns++;
        c.dryAction.add(record.action);
      } else addBreakdowns(record, timeMs, key, kindRef);
      addEvidence(record, timeMs, key, kindRef);
      return true;
    },
    addWatch(record) {
      if (!timeMatches(filters, Date.parse(record.time))) return false;
      watchRecords++;
      c.watchKind.add(record.kind);
      c.watchOutcome.add(record.outcome ?? record.state ?? "(none)");
      return true;
    },
    decisionIds,
    get badTimes() {
      return badTimes;
    },
    get capped() {
      return Object.values(c).some((counter) => counter.overflowed) || retries.overflowed || tracker.full;
    },
    groups: () => groups,
    histories: (top) => histories.top(top),
    summary(top) {
      const retried = retries.entries().filter(([, n]) => n >= 2);
      const retriedCounter = createCappedCounter(AUDIT_LIMITS.retryKeys);
      for (const [key, n] of retried) retriedCounter.add(key, n);
      const trend = overTime.series(bucket);
      return {
        total, dryRuns,
        byAction: c.action.toObject(), byEnforcedAction: c.enforced.toObject(), dryRunByAction: c.dryAction.toObject(),
        byMode: c.mode.toObject(), byRule: c.rule.toObject(), byKind: c.kind.toObject(), byNamespace: c.namespace.toObject(),
        byOwner: c.owner.toObject(), byUser: topList(c.user, top), byFieldManager: topList(c.fieldManager, top),
        byPolicyVersion: c.policy.toObject(),
        overTime: { bucket: trend.bucket, series: trend.points },
        topObjects: topList(c.objects, top), topFields: topList(c.fields, top),
        rewrites: { ...rewrites, pending: rewrites.marks - rewrites.converged },
        retriedDenials: { changes: retried.length, retries: retried.reduce((sum, [, n]) => sum + n - 1, 0), top: topList(retriedCounter, top).top },
        restoresByField: c.restores.toObject(),
        failures: { total: c.failures.total, byCode: c.failures.toObject() },
        latencyMs: latency.summary(),
        watch: { records: watchRecords, byKind: c.watchKind.toObject(), byOutcome: c.watchOutcome.toObject() },
        period: { from: fromMs === Infinity ? null : new Date(fromMs).toISOString(), to: toMs === -Infinity ? null : new Date(toMs).toISOString() },
      };
    },
  };
}
