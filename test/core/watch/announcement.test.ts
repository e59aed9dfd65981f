import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { announce } from "../../../src/core/watch/announcement.ts";
import { assess } from "../../../src/core/assess/assess.ts";
import { parseReconcilable, type Reconcilable } from "../../../src/core/assess/reconcilable.ts";
import { DEFAULT_THRESHOLDS } from "../../../src/core/assess/thresholds.ts";
import { decideLease, leaseTimingsError, microTime, releasedLease } from "../../../src/core/watch/lease-decision.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

function load(file: string): Reconcilable {
  const parsed = parseReconcilable(loadDocuments(`assess/objects/${file}`)[0]);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
const RUNBOOK = "docs/watch.md#runbook";
const at = (iso: string) => Date.parse(iso);

describe("announce: only on a change of state", () => {
  const ks = load("ks-immutable.yaml"); // failing since 11:50
  const early = assess(ks, at("2026-12-07T11:52:00Z"), DEFAULT_THRESHOLDS);
  const stuck = assess(ks, at("2026-12-07T11:56:00Z"), DEFAULT_THRESHOLDS);
  const escalated = assess(ks, at("2026-12-07T12:21:00Z"), DEFAULT_THRESHOLDS);

  it("immutable conflict first (early warning), then stuck, then escalated: each once", () => {
    assert.deepEqual(announce(undefined, early, RUNBOOK).map((a) => a.reason), ["ImmutableConflict"]);
    assert.deepEqual(announce(early, early, RUNBOOK), []);
    assert.deepEqual(announce(early, stuck, RUNBOOK).map((a) => a.reason), ["ReconciliationStuck"]);
    assert.deepEqual(announce(stuck, assess(ks, at("2026-12-07T12:00:00Z"), DEFAULT_THRESHOLDS), RUNBOOK), []);
    const esc = announce(stuck, escalated, RUNBOOK);
    assert.deepEqual(esc.map((a) => [a.reason, a.notify]), [["Escalated", true]]);
    assert.match(esc[0]!.message, /docs\/watch\.md#runbook/);
    assert.deepEqual(announce(escalated, escalated, RUNBOOK), []);
  });

  it("a troubled object seen for the first time is announced once; a ready one never", () => {
    assert.deepEqual(announce(undefined, stuck, RUNBOOK).map((a) => a.reason), ["ImmutableConflict", "ReconciliationStuck"]);
    const ready = assess(load("ks-ready.yaml"), at("2026-12-07T12:00:00Z"), DEFAULT_THRESHOLDS);
    assert.deepEqual(announce(undefined, ready, RUNBOOK), []);
    assert.deepEqual(announce(ready, ready, RUNBOOK), []);
  });

  it("slow, then recovered; an escalated object's recovery is notified", () => {
    const hc = load("ks-health-in-progress.yaml");
    const slow = assess(hc, at("2026-12-07T11:58:30Z"), DEFAULT_THRESHOLDS);
    const ready = { ...slow, state: "ready" as const, escalate: false };
    assert.deepEqual(announce(undefined, slow, RUNBOOK).map((a) => a.reason), ["ReconciliationSlow"]);
    assert.deepEqual(announce(slow, ready, RUNBOOK).map((a) => [a.type, a.reason, a.notify]), [["Normal", "Recovered", false]]);
    assert.deepEqual(announce(escalated, { ...escalated, state: "ready", escalate: false, immutable: false }, RUNBOOK).map((a) => [a.reason, a.notify]), [["Recovered", true]]);
  });
});

describe("lease decisions (client-go tryAcquireOrRenew)", () => {
  const t0 = at("2026-12-07T12:00:00Z");
  const held = { holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 3 };

  it("creates a missing lease, waits on a live one, takes an expired one with transitions + 1", () => {
    assert.equal(decideLease({ current: undefined, observedAtMs: 0, nowMs: t0, identity: "b", leaseDurationSeconds: 15 }).action, "write");
    assert.deepEqual(decideLease({ current: held, observedAtMs: t0, nowMs: t0 + 14_999, identity: "b", leaseDurationSeconds: 15 }), { action: "wait", holder: "a" });
    const take = decideLease({ current: held, observedAtMs: t0, nowMs: t0 + 15_000, identity: "b", leaseDurationSeconds: 15 });
    assert.ok(take.action === "write" && take.takeover);
    assert.equal(take.record.leaseTransitions, 4);
    assert.equal(take.record.holderIdentity, "b");
  });

  it("times the lease on the local clock: the holder's renewTime is never compared with ours", () => {
    const skewed = { ...held, renewTime: "1999-01-01T00:00:00.000000Z" };
    assert.equal(decideLease({ current: skewed, observedAtMs: t0, nowMs: t0 + 1000, identity: "b", leaseDurationSeconds: 15 }).action, "wait");
  });

  it("the holder renews keeping acquireTime and transitions; a released lease is free at once", () => {
    const renew = decideLease({ current: held, observedAtMs: t0, nowMs: t0 + 2000, identity: "a", leaseDurationSeconds: 15 });
    assert.ok(renew.action === "write" && !renew.takeover);
    assert.equal(renew.record.acquireTime, held.acquireTime);
    assert.equal(renew.record.leaseTransitions, 3);
    const released = releasedLease(held, t0);
    assert.deepEqual([released.holderIdentity, released.leaseDurationSeconds], ["", 1]);
    assert.equal(decideLease({ current: released, observedAtMs: t0, nowMs: t0 + 1, identity: "b", leaseDurationSeconds: 15 }).action, "write");
  });

  it("validates timings like client-go: 15/10/2 pass, lease ≤ deadline fails", () => {
    assert.equal(leaseTimingsError({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }), undefined);
    assert.match(leaseTimingsError({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }) ?? "", /longer than the renew deadline/);
    assert.match(leaseTimingsError({ leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }) ?? "", /1\.2/);
    assert.equal(microTime(t0), "2026-12-07T12:00:00.000000Z");
  });
});
