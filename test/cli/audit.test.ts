import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PassThrough } from "node:stream";
import { FIXTURES } from "../support/load-yaml.ts";
import { runCli } from "../support/run-cli.ts";
import type { AuditReport } from "../../src/core/audit/audit-report.ts";
import { progressReporter } from "../../src/cli/audit.ts";

const KUBE = join(FIXTURES, "audit", "kube-audit.jsonl");
const RECORDS = join(FIXTURES, "audit", "records-v1.jsonl");

async function auditJson(args: readonly string[], stdin?: string | Buffer): Promise<AuditReport> {
  const result = await runCli(["audit", "--format", "json", ...args], stdin);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe("gitops-guard audit: the Kubernetes audit-log fixture, hand-counted", () => {
  it("counts requests by auditID and tells denials, 403s, 409s, immutable refusals and other 422s apart", async () => {
    const report = await auditJson([KUBE]);
    assert.equal(report.version, 1);
    assert.deepEqual(report.inputs, [{
      path: KUBE, format: "kube-audit", compressed: false, bytes: readFileSync(KUBE).length, lines: 25, malformed: 2,
      malformedLines: [{ line: 24, error: "not JSON" }, { line: 25, error: "neither a gitops-guard record nor a Kubernetes audit event" }],
    }]);
    const k = report.kubeAudit;
    // 20 single-line events (r1…r17, of which r1, r3 and r17 have two stages) + 2 in the EventList + 2 in the AKS envelope.
    assert.equal(k.events, 24);
    assert.equal(k.requests, 20);
    assert.equal(k.incomplete, 1, "r13: a watch with ResponseStarted only is a request");
    assert.deepEqual(k.byVerb, { update: 7, patch: 5, create: 4, delete: 2, get: 1, watch: 1 });
    assert.deepEqual(k.webhookDenials, { "mutate.gitops-guard.io": 2, "validate.kyverno.svc-fail": 1, "validation.gatekeeper.sh": 1 });
    assert.equal(k.authorizationDenials, 2, "r6 (decision: forbid) and r7 (legacy 403 Forbidden)");
    assert.equal(k.conflicts, 2, "r8 modified, r9 already exists");
    assert.equal(k.immutableRefusals, 3, "r10, r11, r20");
    assert.equal(k.unseenImmutable.total, 2, "r10 and r20 carry no annotation of ours; r11 was seen in audit mode");
    assert.deepEqual(k.unseenImmutable.top.map((e: { key: string }) => e.key), ["deployments.apps payments/api", "deployments.apps payments/ledger"]);
    assert.equal(k.otherInvalid, 1);
    assert.deepEqual(k.webhookFailures, { "mutate.gitops-guard.io": 1 });
    assert.deepEqual(k.failedOpen, { "mutate.gitops-guard.io": 1 });
    assert.equal(k.dryRuns, 2, "r1 and r16 (dryRun=All); r10's empty dryRun= is not a dry run");
    assert.equal(k.dryRunDenials, 1);
    assert.equal(k.guardSeen, 8, "r1, r2, r3, r8, r11, r14, r16, r19");
    assert.deepEqual(k.byTool, { flux: 7, kubectl: 5, other: 5, argocd: 2, helm: 1 });
    assert.deepEqual(k.mutations, {
      "mutate.gitops-guard.io": { invoked: 8, mutated: 3 },
      "sidecar-injector.istio.io": { invoked: 1, mutated: 1 },
    });
    assert.equal(k.period.from, "2026-12-01T10:00:01.100Z");
    assert.equal(k.period.to, "2026-12-01T15:00:00.000Z");
  });

  it("reads the same log from standard input, gzip-compressed, with the same counts", async () => {
    const plain = await auditJson([KUBE]);
    const gz = await auditJson(["-"], gzipSync(readFileSync(KUBE)));
    assert.deepEqual(gz.kubeAudit, plain.kubeAudit);
    assert.equal(gz.inputs[0]!.compressed, true);
    assert.equal(gz.inputs[0]!.path, "-");
  });

  it("--strict makes the first malformed line fatal, naming the file and the line (exit 2)", async () => {
    const result = await runCli(["audit", "--strict", KUBE]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /ERR_AUDIT_INPUT_MALFORMED: .*kube-audit\.jsonl:24: not JSON \(--strict\)/);
    assert.equal(result.stdout, "");
  });
});

describe("gitops-guard audit: the records fixture (schema v1), hand-counted", () => {
  it("summarises decisions, real and dry runs apart", async () => {
    const report = await auditJson([RECORDS]);
    assert.equal(report.inputs[0]!.lines, 28);
    assert.equal(report.inputs[0]!.malformed, 2);
    assert.deepEqual(report.inputs[0]!.malformedLines.map((m: { line: number }) => m.line), [27, 28]);
    const d = report.decisions;
    assert.equal(d.total, 24);
    assert.equal(d.dryRuns, 3);
    assert.deepEqual(d.byAction, { deny: 11, allow: 7, mark: 2, restore: 1 });
    assert.deepEqual(d.byEnforcedAction, { deny: 12, allow: 6, mark: 2, restore: 1 });
    assert.deepEqual(d.dryRunByAction, { deny: 2, mark: 1 });
    assert.deepEqual(d.byRule, { "batch.Job.template": 11, "apps.Deployment.selector": 3, "core.Service.clusterIP": 1 });
    assert.deepEqual(d.byOwner, { helm: 10, flux: 6, kubectl: 3, other: 2 });
    assert.deepEqual(d.byNamespace, JSON.parse('{"ci":10,"shop":7,"default":2,"__proto__":1,"batch":1}'));
    assert.equal(Object.getPrototypeOf(d.byNamespace), Object.prototype, "__proto__ is a key, not a prototype");
    assert.deepEqual(d.rewrites, { marks: 1, recreateRequests: 1, recreated: 1, converged: 1, pending: 0 });
    assert.equal(d.retriedDenials.changes, 3);
    assert.equal(d.retriedDenials.retries, 8, "migrate 7 times with one change (its dry run included: 6 retries), seed twice with each of two changes");
    assert.deepEqual(d.restoresByField, { "Service spec.clusterIP": 1 });
    assert.deepEqual(d.failures, { total: 1, byCode: { ERR_DECISION_STALLED: 1 } });
    assert.equal(d.latencyMs.count, 24);
    assert.equal(d.latencyMs.max, 1000.2);
    assert.deepEqual(d.topObjects.top[0], { key: "Job.batch ci/migrate", count: 6 });
    assert.deepEqual(d.watch, { records: 1, byKind: { replacement: 1 }, byOutcome: { succeeded: 1 } });
    assert.equal(d.overTime.bucket, "hour");
    const hourly = Object.fromEntries(d.overTime.series.map((p: { start: string; counts: Record<string, number> }) => [p.start.slice(11, 13), p.counts]));
    // 10:00-11:00: web marked, its second call (mark, denied), its CREATE and clean apply; migrate denied at 10:05 and 10:35.
    assert.deepEqual(hourly["10"], { allow: 2, deny: 2, mark: 2 });
  });

  it("joins records and audit events exactly through decision ids", async () => {
    const report = await auditJson([RECORDS, KUBE]);
    assert.deepEqual(report.join, { recordIds: 24, auditIds: 5, joined: 5 }, "every record has a uid; 5 carry a decisionId that the audit log has too");
  });

  it("filters by namespace, kind, owner and time", async () => {
    const ci = await auditJson([RECORDS, KUBE, "--namespace", "ci"]);
    assert.equal(ci.decisions.total, 11, "10 real + 1 dry run in ci");
    assert.equal(ci.kubeAudit.requests, 2, "r3 and r9");
    const jobs = await auditJson([RECORDS, KUBE, "--kind", "Job.batch"]);
    assert.equal(jobs.decisions.total, 12);
    assert.equal(jobs.kubeAudit.requests, 2, "r3 and r11 (jobs in group batch)");
    const kubectl = await auditJson([RECORDS, "--owner", "kubectl"]);
    assert.equal(kubectl.decisions.total, 3);
    const window = await auditJson([RECORDS, KUBE, "--since", "2026-12-01T12:00:00Z", "--until", "2026-12-01T13:00:00Z"]);
    assert.equal(window.decisions.total, 3, "migrate at 12:05 and 12:35, the stalled cart at 12:00:00.5; --until is exclusive (13:00 is out)");
    assert.equal(window.kubeAudit.requests, 2, "r14, r15");
  });

  it("says what is wrong with a bad filter (exit 2)", async () => {
    const result = await runCli(["audit", RECORDS, "--since", "yesterday"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--since yesterday: expected a duration/);
  });
});

describe("gitops-guard audit: outputs", () => {
  it("text and Markdown carry the same key numbers as the JSON", async () => {
    const text = await runCli(["audit", RECORDS, KUBE]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Decisions: 24 \(21 real, 3 dry runs\)/);
    assert.match(text.stdout, /immutable refusals: {4}3 \(2 on requests the guard never saw\)/);
    const md = await runCli(["audit", "--format", "markdown", RECORDS, KUBE]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /\| decisions \| 24 \|/);
    assert.match(md.stdout, /\| audit-log requests \| 20 \|/);
  });

  it("writes to -o FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gg-audit-"));
    const out = join(dir, "report.json");
    const result = await runCli(["audit", "--format", "json", "-o", out, RECORDS]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(JSON.parse(readFileSync(out, "utf8")).decisions.total, 24);
  });

  it("an empty input is a valid, empty report", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gg-audit-"));
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "");
    const report = await auditJson([empty]);
    assert.deepEqual(report.inputs[0], { path: empty, format: "empty", compressed: false, bytes: 0, lines: 0, malformed: 0, malformedLines: [] });
    assert.equal(report.decisions.total, 0);
    assert.equal(report.kubeAudit.requests, 0);
  });
});

describe("gitops-guard audit: progress", () => {
  it("writes progress to a terminal's stderr at most once a second, and nothing to a pipe", async () => {
    const pipe = new PassThrough();
    assert.equal(progressReporter(pipe), undefined);
    const written: string[] = [];
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    tty.on("data", (c: Buffer) => written.push(c.toString("utf8")));
    let clock = 0;
    const report = progressReporter(tty, () => clock)!;
    clock = 500;
    report("big.log", 512 * 1_048_576, 100_000);
    clock = 2_000;
    report("big.log", 1_024 * 1_048_576, 200_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(written, ["\raudit: big.log: 200,000 lines, 1024 MiB (512 MiB/s)   "]);
  });
});
