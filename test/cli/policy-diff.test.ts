import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../support/load-yaml.ts";
import { runCli } from "../support/run-cli.ts";
import type { PolicyDiffReport } from "../../src/core/policy-diff/policy-diff.ts";

// Records serve wrote during the project's own e2e stories (test/cli/audit-e2e-records.test.ts):
// a Deployment selector change and a Job template change, each marked and recreated; a PVC shrink denied.
const E2E = join(FIXTURES, "audit", "e2e-records.jsonl");
const DENY = join(FIXTURES, "policy-diff", "jobs-deny.yaml");
const MARK = join(FIXTURES, "policy-diff", "jobs-mark.yaml");

describe("gitops-guard policy diff", () => {
  it("on the e2e records: a policy that switches Jobs from deny to mark changes exactly the three Job decisions with a conflict", async () => {
    const result = await runCli(["policy", "diff", DENY, MARK, "--records", E2E, "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as PolicyDiffReport & { old: string; new: string };
    assert.equal(report.records, 19);
    assert.equal(report.replayed, 11, "the mutating UPDATE decisions");
    assert.deepEqual(report.notReplayed, { "only mutating UPDATE decisions are replayed": 8 });
    assert.equal(report.changed, 3);
    assert.deepEqual(report.transitions, { "deny → mark": 3 });
    assert.deepEqual(report.byKind, { Job: 3 });
    assert.deepEqual(report.changes.map((c) => [c.kind, c.namespace, c.name, c.dryRun, c.old.action, c.new.action, c.rules.join()]), [
      ["Job", "shop", "db-migrate", true, "deny", "mark", "batch.Job.template"],
      ["Job", "shop", "db-migrate", false, "deny", "mark", "batch.Job.template"],
      ["Job", "shop", "db-migrate", true, "deny", "mark", "batch.Job.template"],
    ]);
    const recorded = readFileSync(E2E, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { uid: string; kind: string; findings: unknown[]; webhook: string });
    const jobConflicts = recorded.filter((r) => r.kind === "Job" && r.webhook === "mutate" && r.findings.length > 0).map((r) => r.uid);
    assert.deepEqual(report.changes.map((c) => c.uid), jobConflicts, "every Job decision with a finding, and nothing else");
    assert.match(report.old, /jobs-deny\.yaml@[0-9a-f]{16}$/);
  });

  it("prints the changes as text, each with both reasons, and --exit-code fails CI on a change", async () => {
    const result = await runCli(["policy", "diff", DENY, MARK, "--records", E2E, "--exit-code"]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^3 decisions change:\n {2}deny → mark {2}3$/m);
    assert.match(result.stdout, /mutate UPDATE \(dry run\) {2}Job shop\/db-migrate {2}deny → mark\n.*\n {6}old: immutable conflict denied by policy\n {6}new: immutable conflict marked for recreate/);
  });

  it("finds no change between a policy and itself (exit 0 with --exit-code)", async () => {
    const result = await runCli(["policy", "diff", MARK, MARK, "--records", E2E, "--exit-code"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /no decision changes/);
  });

  it("shows what a staged rollout leaves in audit: outside enforceOnly, marks and denials become recorded allows", async () => {
    const staged = join(FIXTURES, "policy-diff", "staged-rollout.yaml");
    const result = await runCli(["policy", "diff", MARK, staged, "--records", E2E, "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as PolicyDiffReport;
    assert.deepEqual(report.transitions, { "mark → allow (would mark)": 6, "deny → allow (would deny)": 3 });
    assert.ok(report.changes.every((c) => c.new.reason.startsWith("outside rollout.enforceOnly: audit:")));
  });

  it("reads decision records from standard input and skips lines that are not records, saying how many", async () => {
    const input = `${readFileSync(E2E, "utf8")}not json\n{"kind":"assessment","time":"2026-12-07T00:00:00Z"}\n`;
    const result = await runCli(["policy", "diff", DENY, MARK, "--records", "-"], input);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /19 decision records/);
    assert.match(result.stderr, /1 line\(s\) were not decision records/);
  });

  it("refuses an invalid policy (exit 2, naming the key) and a missing --records", async () => {
    const bad = join(FIXTURES, "policy-diff", "invalid.yaml");
    const invalid = await runCli(["policy", "diff", DENY, bad, "--records", E2E]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /ERR_POLICY_INVALID: .*invalid\.yaml: rollout\.enforceOnly: name namespaces, a selector or both/);
    const missing = await runCli(["policy", "diff", DENY, MARK]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--records/);
  });
});
