import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES } from "../support/load-yaml.ts";
import { runCli } from "../support/run-cli.ts";
import type { AuditReport } from "../../src/core/audit/audit-report.ts";

// Records serve wrote during the project's own e2e stories (capture-e2e-records.ts): a Deployment
// selector change and a Job image change, each marked, recreated by Flux and converged; a forced
// PVC shrink denied on every dry run (data is never recreated).
const E2E = join(FIXTURES, "audit", "e2e-records.jsonl");

describe("gitops-guard audit on the e2e stories' records", () => {
  it("follows each rewrite from the mark to the recreate (Flux's DELETE) to a clean apply", async () => {
    const result = await runCli(["audit", "--format", "json", E2E]);
    assert.equal(result.code, 0, result.stderr);
    const report: AuditReport = JSON.parse(result.stdout);
    const d = report.decisions;
    assert.deepEqual(report.inputs.map((i) => [i.format, i.lines, i.malformed]), [["records", 19, 0]]);
    assert.equal(d.total, 19);
    assert.equal(d.dryRuns, 13, "Flux dry-runs every apply");
    assert.deepEqual(d.rewrites, { marks: 2, recreateRequests: 2, recreated: 2, converged: 2, pending: 0 });
    assert.deepEqual(d.dryRunByAction, { allow: 5, mark: 4, deny: 3, warn: 1 });
    assert.deepEqual(d.retriedDenials.changes, 1, "the PVC shrink, denied on three reconciles");
    assert.equal(d.retriedDenials.retries, 2);
    assert.deepEqual(report.suggestions, [], "three denials of a data-bearing claim call for no mark");
  });
});
