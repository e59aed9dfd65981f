import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../../support/load-yaml.ts";
import { runCli } from "../../support/run-cli.ts";
import { parseAuditLine } from "../../../src/core/audit/parse-audit-line.ts";
import type { ReadDecisionRecord } from "../../../src/core/audit/record-line.ts";
import { replayDecision } from "../../../src/core/audit/replay-decision.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { createRecordSummarizer } from "../../../src/core/audit/record-summary.ts";
import { suggestPolicy } from "../../../src/core/audit/suggest-policy.ts";

const RECORDS = join(FIXTURES, "audit", "records-v1.jsonl");
const GUARD_NAMESPACE = "gitops-guard";

function records(path: string): ReadDecisionRecord[] {
  return readFileSync(path, "utf8").split("\n").flatMap((line) => {
    const parsed = parseAuditLine(line);
    return parsed.type === "decision" ? [parsed.record] : [];
  });
}

function policyFrom(text: string): Policy {
  const result = parsePolicyText(text);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.value.policy;
}

describe("replayDecision: recorded decisions through the core's decide", () => {
  it("reproduces every recorded enforced action under the policy they were decided with (the embedded default)", () => {
    const policy = policyFrom(readFileSync(defaultPolicyPath(), "utf8"));
    let replayed = 0;
    for (const record of records(RECORDS)) {
      const replay = replayDecision(record, policy, GUARD_NAMESPACE);
      if (!replay.replayed) continue;
      replayed++;
      assert.equal(replay.enforcedAction, record.enforcedAction, `${record.kind} ${record.namespace}/${record.name} at ${record.time}`);
    }
    assert.equal(replayed, 21, "24 decisions but the CREATE, the failure-mode answer and the validating DELETE");
  });

  it("--suggest-policy writes a ConfigMap that policy validate accepts and that changes exactly the decisions it claims", async () => {
    const suggested = await runCli(["audit", "--suggest-policy", RECORDS]);
    assert.equal(suggested.code, 0, suggested.stderr);
    const dir = await mkdtemp(join(tmpdir(), "gg-suggest-"));
    const file = join(dir, "patch.yaml");
    await writeFile(file, suggested.stdout);
    const validated = await runCli(["policy", "validate", file]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /valid \(mode enforce/);
    assert.match(suggested.stdout, /^kind: ConfigMap$/m);
    assert.match(suggested.stdout, /^ {2}name: gitops-guard-policy$/m);

    const report = await runCli(["audit", "--format", "json", RECORDS]);
    const claims = JSON.parse(report.stdout).suggestions.filter((s: { expected?: unknown }) => s.expected);
    assert.deepEqual(claims.map((s: { id: string; expected: unknown }) => [s.id, s.expected]), [
      ["mark-group:Job.batch:ci:helm", { decisions: 11, from: "deny", to: "mark" }],
    ]);

    const before = policyFrom(readFileSync(defaultPolicyPath(), "utf8"));
    const after = policyFrom(suggested.stdout);
    const changed: { record: ReadDecisionRecord; from: string; to: string }[] = [];
    for (const record of records(RECORDS)) {
      const a = replayDecision(record, before, GUARD_NAMESPACE);
      const b = replayDecision(record, after, GUARD_NAMESPACE);
      assert.equal(a.replayed, b.replayed);
      if (a.replayed && b.replayed && a.enforcedAction !== b.enforcedAction) changed.push({ record, from: a.enforcedAction, to: b.enforcedAction });
    }
    assert.equal(changed.length, 11, "exactly the claimed number of decisions (10 real, 1 dry run)");
    assert.equal(changed.filter((c) => c.record.dryRun).length, 1);
    for (const c of changed) {
      assert.deepEqual([c.from, c.to, c.record.kind, c.record.namespace, c.record.owner], ["deny", "mark", "Job", "ci", "helm"]);
    }
  });
});

describe("suggestPolicy thresholds", () => {
  const denial = (name: string, time: string, allowed = false): ReadDecisionRecord => ({
    v: 1, time, webhook: "mutate", uid: `${name}-${time}`, operation: "UPDATE", dryRun: false, group: "apps", version: "v1", kind: "Deployment",
    resource: "deployments", namespace: "apps", name, owner: "argocd", action: allowed ? "allow" : "deny", enforcedAction: allowed ? "allow" : "deny",
    mode: "enforce", reason: "r", allowed, findings: allowed ? [] : [{ ruleId: "apps.Deployment.selector", path: "spec.selector", class: "immutable", severity: "blocking", to: name }],
    patchPaths: [], policyVersion: "p", latencyMs: 0.3,
  });

  function suggestionsFor(fixedCount: number): string[] {
    const summarizer = createRecordSummarizer({}, "auto");
    for (let i = 0; i < 5; i++) summarizer.addDecision(denial(`app${i}`, `2026-12-01T10:0${i}:00Z`));
    // Fixed in Git within a day: the next apply has no conflict.
    for (let i = 0; i < fixedCount; i++) summarizer.addDecision(denial(`app${i}`, `2026-12-01T20:0${i}:00Z`, true));
    const policy = policyFrom(readFileSync(defaultPolicyPath(), "utf8"));
    return suggestPolicy(summarizer.groups(), policy).suggestions.map((s) => s.id);
  }

  it("suggests mark when fewer than half of the denied objects were fixed within a day", () => {
    assert.deepEqual(suggestionsFor(2), ["mark-group:Deployment.apps:apps:argocd"]);
  });

  it("does not when denying works (half or more fixed in Git)", () => {
    assert.deepEqual(suggestionsFor(3), []);
  });

  it("never suggests mark for data-bearing kinds", () => {
    const summarizer = createRecordSummarizer({}, "auto");
    for (let i = 0; i < 6; i++) {
      summarizer.addDecision({ ...denial("pg", `2026-12-01T10:0${i}:00Z`), group: "", kind: "PersistentVolumeClaim", resource: "persistentvolumeclaims" });
    }
    const policy = policyFrom(readFileSync(defaultPolicyPath(), "utf8"));
    assert.deepEqual(suggestPolicy(summarizer.groups(), policy).suggestions.filter((s) => s.type === "mark-group"), []);
  });
});
