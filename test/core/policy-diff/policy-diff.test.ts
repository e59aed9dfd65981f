import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../../support/load-yaml.ts";
import { decisionRecordSchema, type ReadDecisionRecord } from "../../../src/core/audit/record-line.ts";
import { createPolicyDiff, MAX_LISTED_CHANGES } from "../../../src/core/policy-diff/policy-diff.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";

const policyOf = (file: string): Policy => {
  const r = parsePolicyText(readFileSync(join(FIXTURES, "policy-diff", file), "utf8"));
  assert.ok(r.ok);
  return r.value.policy;
};

/** The e2e record of the Job template change Flux applied for real. */
function jobRecord(): ReadDecisionRecord {
  const line = readFileSync(join(FIXTURES, "audit", "e2e-records.jsonl"), "utf8").split("\n").find((l) => l.includes('"kind":"Job"') && l.includes('"dryRun":false') && l.includes('"webhook":"mutate"') && l.includes("batch.Job.template"));
  return decisionRecordSchema.parse(JSON.parse(line!));
}

describe("createPolicyDiff", () => {
  it("lists at most MAX_LISTED_CHANGES changes and counts the rest, so memory does not grow with the input", () => {
    const diff = createPolicyDiff(policyOf("jobs-deny.yaml"), policyOf("jobs-mark.yaml"), "gitops-guard");
    const record = jobRecord();
    for (let i = 0; i < MAX_LISTED_CHANGES + 5; i++) diff.add({ ...record, uid: `uid-${i}` });
    const report = diff.report();
    assert.equal(report.changed, MAX_LISTED_CHANGES + 5);
    assert.equal(report.changes.length, MAX_LISTED_CHANGES);
    assert.equal(report.unlisted, 5);
    assert.deepEqual(report.transitions, { "deny → mark": MAX_LISTED_CHANGES + 5 });
  });

  it("counts a kind named __proto__ as data", () => {
    const diff = createPolicyDiff(policyOf("jobs-deny.yaml"), policyOf("jobs-mark.yaml"), "gitops-guard");
    // Unowned objects are denied by default and marked by neither policy: make the override match any kind.
    const anyKind = (p: Policy): Policy => ({ ...p, overrides: p.overrides.map((o) => ({ ...o, match: { ...o.match, kinds: [] } })) });
    const wide = createPolicyDiff(anyKind(policyOf("jobs-deny.yaml")), anyKind(policyOf("jobs-mark.yaml")), "gitops-guard");
    wide.add({ ...jobRecord(), kind: "__proto__" });
    diff.add({ ...jobRecord(), kind: "__proto__" });
    assert.equal(Object.getOwnPropertyDescriptor(wide.report().byKind, "__proto__")?.value, 1);
    assert.equal(diff.report().changed, 0, "Job.batch does not match a kind named __proto__");
  });

  it("does not replay the failure mode's answers nor deletions (their inputs are not in the record)", () => {
    const diff = createPolicyDiff(policyOf("jobs-deny.yaml"), policyOf("jobs-mark.yaml"), "gitops-guard");
    diff.add({ ...jobRecord(), error: { code: "ERR_INTERNAL", message: "x" } });
    diff.add({ ...jobRecord(), webhook: "validate", operation: "DELETE" });
    assert.deepEqual(diff.report().notReplayed, { "answered by the failure mode": 1, "only mutating UPDATE decisions are replayed": 1 });
  });
});
