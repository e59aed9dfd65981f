import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRecordSummarizer } from "../../../src/core/audit/record-summary.ts";
import { AUDIT_LIMITS } from "../../../src/core/audit/audit-limits.ts";
import type { ReadDecisionRecord } from "../../../src/core/audit/record-line.ts";

const record = (over: Partial<ReadDecisionRecord>): ReadDecisionRecord => ({
  v: 1, time: "2026-12-01T10:00:00Z", webhook: "mutate", uid: "u", operation: "UPDATE", dryRun: false, group: "apps", version: "v1",
  kind: "Deployment", resource: "deployments", namespace: "a", name: "b", owner: "flux", action: "allow", enforcedAction: "allow",
  mode: "enforce", reason: "r", allowed: true, findings: [], patchPaths: [], policyVersion: "p", latencyMs: 0.3, ...over,
});

describe("createRecordSummarizer", () => {
  it("sends namespaces past the breakdown bound to (other) and says the report is capped; totals stay exact", () => {
    const s = createRecordSummarizer({}, "auto");
    const n = AUDIT_LIMITS.breakdownKeys + 10;
    for (let i = 0; i < n; i++) s.addDecision(record({ namespace: `ns-${i}` }));
    const summary = s.summary(10);
    assert.equal(summary.total, n);
    assert.equal(Object.keys(summary.byNamespace).length, AUDIT_LIMITS.breakdownKeys + 1);
    assert.equal(summary.byNamespace["(other)"], 10);
    assert.equal(s.capped, true);
  });

  it("shows hours for short periods and days beyond three days, empty buckets included", () => {
    const short = createRecordSummarizer({}, "auto");
    short.addDecision(record({ time: "2026-12-01T10:10:00Z", action: "deny" }));
    short.addDecision(record({ time: "2026-12-01T12:50:00Z" }));
    assert.deepEqual(short.summary(10).overTime, {
      bucket: "hour",
      series: [
        { start: "2026-12-01T10:00:00.000Z", counts: { deny: 1 } },
        { start: "2026-12-01T11:00:00.000Z", counts: {} },
        { start: "2026-12-01T12:00:00.000Z", counts: { allow: 1 } },
      ],
    });
    const long = createRecordSummarizer({}, "auto");
    long.addDecision(record({ time: "2026-12-01T10:00:00Z" }));
    long.addDecision(record({ time: "2026-12-01T23:00:00Z" }));
    long.addDecision(record({ time: "2026-12-05T10:00:00Z" }));
    const trend = long.summary(10).overTime;
    assert.equal(trend.bucket, "day");
    assert.deepEqual(trend.series.map((p) => [p.start.slice(0, 10), p.counts["allow"] ?? 0]), [["2026-12-01", 2], ["2026-12-02", 0], ["2026-12-03", 0], ["2026-12-04", 0], ["2026-12-05", 1]]);
  });

  it("counts a record with an unreadable time but keeps it out of time-filtered reports and trends", () => {
    const all = createRecordSummarizer({}, "auto");
    all.addDecision(record({ time: "yesterday" }));
    assert.equal(all.summary(10).total, 1);
    assert.equal(all.badTimes, 1);
    assert.deepEqual(all.summary(10).overTime.series, []);
    const since = createRecordSummarizer({ sinceMs: 0 }, "auto");
    assert.equal(since.addDecision(record({ time: "yesterday" })), false);
  });
});
