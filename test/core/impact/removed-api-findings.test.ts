import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact, type AnalyzeInput } from "../../../src/core/impact/analyze-impact.ts";
import type { ImpactReport, ResourceImpact } from "../../../src/core/impact/impact-report.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadManifestObjects, toManifestObjects } from "../../support/manifest-objects.ts";

const BEFORE = loadManifestObjects("check/removed-apis/before/apps.yaml");
const AFTER = loadManifestObjects("check/removed-apis/after/apps.yaml");

function report(extra: Partial<AnalyzeInput> = {}, before = BEFORE, after = AFTER): ImpactReport {
  const result = analyzeImpact({ before, after, catalogue: builtinCatalogue(), ...extra });
  assert.ok(result.ok);
  return result.report;
}

function find(r: ImpactReport, kind: string): ResourceImpact {
  const found = r.resources.find((x) => x.kind === kind);
  assert.ok(found, kind);
  return found;
}

describe("removed API versions (issue 16 item 6)", () => {
  it("is a blocking finding on apiVersion naming the replacement, for every legacy kind the guide lists", () => {
    const r = report();
    const api = r.resources.map((x) => [x.kind, x.findings.find((f) => f.path === "apiVersion")?.to, x.findings.find((f) => f.path === "apiVersion")?.severity]);
    assert.deepEqual(api, [
      ["Deployment", "apps/v1", "blocking"],
      ["PodDisruptionBudget", "policy/v1", "blocking"],
      ["Ingress", "networking.k8s.io/v1", "blocking"],
      ["CronJob", "batch/v1", "blocking"],
      ["HorizontalPodAutoscaler", "autoscaling/v2", "blocking"],
      ["CustomResourceDefinition", "apiextensions.k8s.io/v1", "blocking"],
      ["FlowSchema", "flowcontrol.apiserver.k8s.io/v1", "blocking"],
    ]);
    assert.match(find(r, "Ingress").findings[0]?.message ?? "", /no longer served from Kubernetes 1\.22: use networking\.k8s\.io\/v1 \(spec\.backend is renamed spec\.defaultBackend/);
  });

  it("pairs extensions/v1beta1 with apps/v1 (one stored object) and still judges the rest by the successor's rules", () => {
    const r = report();
    const deployment = find(r, "Deployment");
    assert.equal(deployment.change, "modified", "not added + removed");
    assert.equal(r.summary.removed, 0);
    assert.deepEqual(deployment.findings.map((f) => f.ruleId), ["api.removed", "apps.Deployment.selector", "apps.Deployment.template.metadata.labels"]);
  });

  it("is a finding, never a replacement: risk medium, no data-loss safeguards for a legacy CRD", () => {
    const crd = find(report(), "CustomResourceDefinition");
    assert.deepEqual(crd.findings.map((f) => f.ruleId), ["api.removed"]);
    assert.equal(crd.risk, "medium");
    assert.deepEqual(crd.safeguards, []);
  });

  it("judges by the release: a warning while still served, blocking from the release that removed it", () => {
    const cronJob = [{ apiVersion: "batch/v1beta1", kind: "CronJob", metadata: { name: "r", namespace: "a" }, spec: { schedule: "* * * * *" } }];
    const at = (minor: number): ResourceImpact => find(report({ apiServing: { release: { major: 1, minor } } }, [], toManifestObjects(cronJob)), "CronJob");
    assert.deepEqual(at(24).findings.map((f) => [f.ruleId, f.severity, f.class]), [["api.deprecated", "warning", "risky"]]);
    assert.match(at(24).findings[0]?.message ?? "", /still served by Kubernetes 1\.24, refused after the upgrade/);
    assert.deepEqual(at(25).findings.map((f) => [f.ruleId, f.severity]), [["api.removed", "blocking"]]);
  });

  it("live: the server's discovery decides, and an apiVersion it does not serve (outside the table) is api.not-served", () => {
    const objects = toManifestObjects([
      { apiVersion: "shop.example.com/v1alpha1", kind: "Cart", metadata: { name: "c", namespace: "a" } },
      { apiVersion: "batch/v1beta1", kind: "CronJob", metadata: { name: "r", namespace: "a" } },
    ]);
    const served = (apiVersion: string): boolean => apiVersion !== "shop.example.com/v1alpha1";
    const r = report({ apiServing: { release: { major: 1, minor: 24 }, served } }, [], objects);
    assert.deepEqual(find(r, "Cart").findings.map((f) => [f.ruleId, f.severity]), [["api.not-served", "blocking"]]);
    // Served by this (old) server: deprecated only.
    assert.deepEqual(find(r, "CronJob").findings.map((f) => f.ruleId), ["api.deprecated"]);
  });

  it("an unchanged object and a removed one carry no apiVersion finding (the change does not write them)", () => {
    const pdb = toManifestObjects([{ apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "p", namespace: "a" }, spec: { minAvailable: 1 } }]);
    assert.equal(report({}, pdb, pdb).resources.length, 0);
    const removed = report({}, pdb, []);
    assert.deepEqual(removed.resources[0]?.findings.map((f) => f.ruleId), []);
  });
});
