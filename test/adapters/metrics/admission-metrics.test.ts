import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { register as globalRegistry } from "prom-client";
import { createAdmissionMetrics } from "../../../src/adapters/metrics/admission-metrics.ts";
import { skipDecision } from "../../../src/core/decide/decide.ts";
import type { Decision } from "../../../src/core/decide/decision.ts";
import { mutateRequest } from "../../../src/core/admission/mutate-request.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { parsedReview } from "../../support/load-review.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";

const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
if (!loaded.ok) throw new Error("default policy invalid");
const POLICY = loaded.value.policy;

/** The decision /mutate makes for an example review. */
function decisionFor(file: string): Decision {
  return mutateRequest(parsedReview(file).request, { catalogue: builtinCatalogue(), policy: POLICY, guardNamespace: "gitops-guard" }).decision;
}

/** Sample lines of one metric family from the exposition text (no HELP/TYPE). */
function samples(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe("createAdmissionMetrics", () => {
  it("counts requests by webhook, operation, group, kind, action, enforced action and dry-run", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    const mark = decisionFor("deployment-selector-change.json");
    assert.equal(mark.action, "mark");
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group: "apps", kind: "Deployment", dryRun: true, decision: mark, seconds: 0.0015 });
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group: "apps", kind: "Deployment", dryRun: true, decision: mark, seconds: 0.0008 });
    metrics.observe({ webhook: "validate", operation: "DELETE", group: "", kind: "ConfigMap", dryRun: false, decision: skipDecision("deletion allowed", "enforce"), seconds: 0.0002 });
    const text = await metrics.registry.metrics();
    assert.deepEqual(samples(text, "gitops_guard_admission_requests_total").sort(), [
      'gitops_guard_admission_requests_total{webhook="mutate",operation="UPDATE",group="apps",kind="Deployment",action="mark",enforced_action="mark",dry_run="true"} 2',
      'gitops_guard_admission_requests_total{webhook="validate",operation="DELETE",group="",kind="ConfigMap",action="allow",enforced_action="allow",dry_run="false"} 1',
    ].sort());
  });

  it("records latency in a histogram per webhook, in seconds", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    const decision = skipDecision("no findings", "enforce");
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group: "apps", kind: "Deployment", dryRun: false, decision, seconds: 0.0015 });
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group: "apps", kind: "Deployment", dryRun: false, decision, seconds: 0.3 });
    const lines = samples(await metrics.registry.metrics(), "gitops_guard_admission_duration_seconds_bucket");
    assert.ok(lines.includes('gitops_guard_admission_duration_seconds_bucket{le="0.001",webhook="mutate"} 0'), lines.join("\n"));
    assert.ok(lines.includes('gitops_guard_admission_duration_seconds_bucket{le="0.002",webhook="mutate"} 1'), lines.join("\n"));
    assert.ok(lines.includes('gitops_guard_admission_duration_seconds_bucket{le="0.5",webhook="mutate"} 2'), lines.join("\n"));
    assert.ok(lines.includes('gitops_guard_admission_duration_seconds_bucket{le="+Inf",webhook="mutate"} 2'), lines.join("\n"));
    const text = await metrics.registry.metrics();
    assert.deepEqual(samples(text, "gitops_guard_admission_duration_seconds_count"), ['gitops_guard_admission_duration_seconds_count{webhook="mutate"} 2']);
    assert.deepEqual(samples(text, "gitops_guard_admission_duration_seconds_sum"), ['gitops_guard_admission_duration_seconds_sum{webhook="mutate"} 0.3015']);
  });

  it("keeps label sets apart whatever their values hold, and counts across scrapes", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    const decision = skipDecision("no findings", "enforce");
    const observe = (group: string, kind: string): void => metrics.observe({ webhook: "mutate", operation: "UPDATE", group, kind, dryRun: false, decision, seconds: 0.001 });
    // Joined with a "-" these two would be the same key.
    observe("x-y", "z");
    observe("x", "y-z");
    const first = samples(await metrics.registry.metrics(), "gitops_guard_admission_requests_total");
    assert.equal(first.length, 2, first.join("\n"));
    assert.ok(first.every((l) => l.endsWith(" 1")), first.join("\n"));
    observe("x", "y-z");
    const second = samples(await metrics.registry.metrics(), "gitops_guard_admission_requests_total");
    assert.deepEqual(second.map((l) => l.slice(l.lastIndexOf(" ") + 1)).sort(), ["1", "2"]);
  });

  it("counts findings by rule, class and severity", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    const decision = decisionFor("deployment-selector-change.json");
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group: "apps", kind: "Deployment", dryRun: false, decision, seconds: 0.001 });
    const lines = samples(await metrics.registry.metrics(), "gitops_guard_findings_total");
    const expected = decision.findings.map((f) => `gitops_guard_findings_total{rule_id="${f.ruleId}",class="${f.class}",severity="${f.severity}"} 1`);
    assert.ok(expected.length > 0);
    assert.deepEqual(lines.sort(), expected.sort());
  });

  it("counts errors by webhook and code", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    metrics.error("mutate", "ERR_REVIEW_INVALID");
    metrics.error("mutate", "ERR_REVIEW_INVALID");
    metrics.error("validate", "ERR_REVIEW_TOO_LARGE");
    assert.deepEqual(samples(await metrics.registry.metrics(), "gitops_guard_admission_errors_total").sort(), [
      'gitops_guard_admission_errors_total{webhook="mutate",code="ERR_REVIEW_INVALID"} 2',
      'gitops_guard_admission_errors_total{webhook="validate",code="ERR_REVIEW_TOO_LARGE"} 1',
    ]);
  });

  it("shows only the policy in force: a new version resets the previous one", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    metrics.policy("configmap/gitops-guard/policy#10@aaaaaaaaaaaaaaaa", "configmap");
    metrics.policy("configmap/gitops-guard/policy#11@bbbbbbbbbbbbbbbb", "configmap");
    assert.deepEqual(samples(await metrics.registry.metrics(), "gitops_guard_policy_info"), [
      'gitops_guard_policy_info{version="configmap/gitops-guard/policy#11@bbbbbbbbbbbbbbbb",source="configmap"} 1',
    ]);
  });

  it("exports process metrics with the gitops_guard_ prefix by default", async () => {
    const metrics = createAdmissionMetrics();
    const text = await metrics.registry.metrics();
    assert.match(text, /^gitops_guard_process_cpu_user_seconds_total /m);
    assert.equal(createAdmissionMetrics({ processMetrics: false }).registry.getSingleMetric("gitops_guard_process_cpu_user_seconds_total"), undefined);
  });

  it("keeps each instance's metrics on its own registry, never prom-client's global one", async () => {
    const a = createAdmissionMetrics({ processMetrics: false });
    const b = createAdmissionMetrics({ processMetrics: false });
    a.error("mutate", "ERR_INTERNAL");
    assert.equal(samples(await b.registry.metrics(), "gitops_guard_admission_errors_total").length, 0);
    assert.equal(globalRegistry.getSingleMetric("gitops_guard_admission_requests_total"), undefined);
  });
});

describe("createAdmissionMetrics: label values from requests are bounded", () => {
  const decision = skipDecision("no findings", "enforce");
  const observe = (metrics: ReturnType<typeof createAdmissionMetrics>, group: string, kind: string): void =>
    metrics.observe({ webhook: "mutate", operation: "UPDATE", group, kind, dryRun: false, decision, seconds: 0.001 });

  it("counts a kind or group that is not a valid Kubernetes name under \"other\", whatever its size", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    observe(metrics, "apps", "x".repeat(1024 * 1024));
    observe(metrics, "Not A Group!", "Deployment");
    observe(metrics, "apps", "Deployment\"}\nevil 1");
    observe(metrics, "apps", "Deployment");
    const text = await metrics.registry.metrics();
    assert.ok(text.length < 10_000, `exposition is ${text.length} bytes`);
    assert.deepEqual(samples(text, "gitops_guard_admission_requests_total").sort(), [
      'gitops_guard_admission_requests_total{webhook="mutate",operation="UPDATE",group="apps",kind="Deployment",action="allow",enforced_action="allow",dry_run="false"} 1',
      'gitops_guard_admission_requests_total{webhook="mutate",operation="UPDATE",group="other",kind="other",action="allow",enforced_action="allow",dry_run="false"} 3',
    ].sort());
    assert.deepEqual(samples(text, "gitops_guard_metric_label_overflow_total").sort(), [
      'gitops_guard_metric_label_overflow_total{label="group_kind"} 3',
      'gitops_guard_metric_label_overflow_total{label="rule_id"} 0',
    ]);
  });

  it("keeps at most the cap of distinct (group, kind) series; later ones go to \"other\"", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false, maxKindSeries: 10 });
    for (let i = 0; i < 5_000; i++) observe(metrics, "example.com", `Kind${i}`);
    observe(metrics, "example.com", "Kind3");
    const lines = samples(await metrics.registry.metrics(), "gitops_guard_admission_requests_total");
    assert.equal(lines.length, 11);
    assert.ok(lines.some((l) => l.includes('kind="Kind3"') && l.endsWith(" 2")), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes('kind="other"') && l.endsWith(" 4990")), lines.join("\n"));
  });

  it("does not grow with 20,000 unique 1 KiB kinds (memory bounded by the cap)", async () => {
    const metrics = createAdmissionMetrics({ processMetrics: false });
    for (let i = 0; i < 20_000; i++) observe(metrics, "", `K${i}${"a".repeat(1000)}`.slice(0, 1024));
    const text = await metrics.registry.metrics();
    assert.equal(samples(text, "gitops_guard_admission_requests_total").length, 1);
  });
});
