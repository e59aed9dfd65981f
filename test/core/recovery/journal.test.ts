import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JOURNAL_ANNOTATION, MAX_JOURNAL_BYTES, readJournal, recoveryDisabled, withTried, writeJournal, type Journal } from "../../../src/core/recovery/journal.ts";

const JOURNAL: Journal = {
  v: 1, cause: "immutable", action: "helm-recreate", attempt: 1, phase: "acting", at: "2026-12-07T10:00:00.000Z", token: "2026-12-07T10:00:00.000Z",
  steps: [{ op: "orphan-delete", target: { kind: "Job", namespace: "web", name: "seed" }, done: true, uid: "3f1c" }, { op: "request-reconcile", reset: false, force: true, done: false }],
  tried: [],
};

describe("the recovery journal annotation", () => {
  it("round-trips", () => {
    assert.deepEqual(readJournal({ [JOURNAL_ANNOTATION]: writeJournal(JOURNAL) }), { state: "ok", journal: JOURNAL });
    assert.deepEqual(readJournal({}), { state: "absent" });
    assert.deepEqual(readJournal(null), { state: "absent" });
  });

  it("refuses what is not JSON, not the schema, or too big, naming what is wrong", () => {
    assert.deepEqual(readJournal({ [JOURNAL_ANNOTATION]: "{" }), { state: "invalid", error: `${JOURNAL_ANNOTATION} is not JSON` });
    const unknown = readJournal({ [JOURNAL_ANNOTATION]: JSON.stringify({ ...JOURNAL, extra: 1 }) });
    assert.equal(unknown.state, "invalid");
    const phase = readJournal({ [JOURNAL_ANNOTATION]: JSON.stringify({ ...JOURNAL, phase: "done" }) });
    assert.match(phase.state === "invalid" ? phase.error : "", /phase/);
    const big = readJournal({ [JOURNAL_ANNOTATION]: " ".repeat(MAX_JOURNAL_BYTES + 1) });
    assert.match(big.state === "invalid" ? big.error : "", /at most 16384/);
    const proto = readJournal({ [JOURNAL_ANNOTATION]: '{"__proto__":{"phase":"recovered"}}' });
    assert.equal(proto.state, "invalid");
  });

  it("is stopped per object by gitops-guard.io/recovery: disabled, and by nothing else", () => {
    assert.equal(recoveryDisabled({ "gitops-guard.io/recovery": "disabled" }), true);
    assert.equal(recoveryDisabled({ "gitops-guard.io/recovery": "enabled" }), false);
    assert.equal(recoveryDisabled(Object.create({ "gitops-guard.io/recovery": "disabled" }) as Record<string, string>), false, "own keys only");
    assert.equal(recoveryDisabled(undefined), false);
  });

  it("keeps the newest ten tries", () => {
    let tried: string[] = [];
    for (let i = 1; i <= 12; i++) tried = withTried(tried, `attempt ${i}`);
    assert.equal(tried.length, 10);
    assert.equal(tried[0], "attempt 3");
  });
});
