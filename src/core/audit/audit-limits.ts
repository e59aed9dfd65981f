/**
 * Memory bounds of one `audit` run. Every per-key map is capped; counts past a cap go to an
 * `(other)` bucket, so a hostile or huge input costs time, never unbounded memory. Sized so that
 * everything held stays under ~200 MB at worst (about 300 bytes per tracked key).
 */
export const AUDIT_LIMITS = {
  /** Distinct keys of each breakdown (rule, kind, namespace, user, field manager, policy version…). */
  breakdownKeys: 5_000,
  /** Time buckets (hours or days) of a trend: 5,000 hours is ~7 months. */
  timeBuckets: 5_000,
  /** Objects whose state (marks, denials, fixes) is followed. */
  trackedObjects: 100_000,
  /** Objects whose decision history is kept for the drill-down. */
  historyObjects: 2_000,
  /** Decisions kept per object history (the first ones; the total is counted). */
  historyEntries: 100,
  /** Repeated-denial keys (object + digest of the change). */
  retryKeys: 100_000,
  /** auditIDs remembered to count requests by auditID (at least half of them at any time): the
   * stage events of one request are written milliseconds apart, far fewer than 100,000 requests apart. */
  openRequests: 200_000,
  /** Decision ids remembered on each side of the records ↔ audit-log join. */
  joinIds: 500_000,
  /** Malformed lines listed per input (all are counted). */
  malformedShown: 20,
} as const;

/** Entries shown in each top-N list of a report (totals always cover everything). */
export const DEFAULT_TOP = 10;
