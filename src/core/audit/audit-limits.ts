/**
 * Memory bounds of one `audit` run. Every per-key map is capped; counts past a cap go to an
 * `(other)` bucket, so a hostile or huge input costs time, never unbounded memory. Sized so that
 * everything held stays under ~200 MB at worst (about 300 bytes per tracked key).
 */
export const AUDIT_LIMITS = {
  /** Distinct keys of each breakdown (rule, kind, namespace, user, field manager, policy version…).
   * With these bounds, one run held at most ~90 MB of live data on a million records (it ran out of
   * memory under --max-old-space-size=96 with 500,000 join ids and 2,000 × 100 histories). */
  breakdownKeys: 5_000,
  /** Time buckets (hours or days) of a trend: 5,000 hours is ~7 months. */
  timeBuckets: 5_000,
  /** Objects whose state (marks, denials, fixes) is followed. */
  trackedObjects: 100_000,
  /** Objects whose decision history is kept for the drill-down (the HTML report shows 200). */
  historyObjects: 1_000,
  /** Decisions kept per object history (the first ones; the total is counted). */
  historyEntries: 50,
  /** Repeated-denial keys (object + digest of the change). */
  retryKeys: 100_000,
  /** auditIDs remembered to count requests by auditID (at least half of them at any time): the
   * stage events of one request are written milliseconds apart, far fewer than 100,000 requests apart. */
  openRequests: 200_000,
  /** Decision ids remembered on each side of the records ↔ audit-log join (~20 MB each when full:
   * a record without decisionId joins by its uid, so every record brings one). */
  joinIds: 200_000,
  /** Malformed lines listed per input (all are counted). */
  malformedShown: 20,
} as const;

/** Entries shown in each top-N list of a report (totals always cover everything). */
export const DEFAULT_TOP = 10;
