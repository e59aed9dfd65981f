import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact } from "../../../../src/core/impact/analyze-impact.ts";
import type { ImpactReport } from "../../../../src/core/impact/impact-report.ts";
import { dryRunWrite } from "../../../../src/core/impact/live/dry-run-write.ts";
import { verdict, withServerVerdicts } from "../../../../src/core/impact/live/live-report.ts";
import type { JsonObject } from "../../../../src/core/k8s/json.ts";
import { builtinCatalogue } from "../../../support/rule-case.ts";
import { loadManifestObjects } from "../../../support/manifest-objects.ts";

const LIVE = { server: "https://kube.example.com", version: "1.35", lists: 2, objects: 2, notListed: [] };

function selectorReport(): ImpactReport {
  const result = analyzeImpact({ before: loadManifestObjects("check/selector/before.yaml"), after: loadManifestObjects("check/selector/after.yaml"), catalogue: builtinCatalogue(), live: LIVE });
  assert.ok(result.ok);
  return result.report;
}

describe("withServerVerdicts: the API server's dry run beside our verdict", () => {
  it("agrees when both refuse, flags an acceptance of what we refuse, counts the totals", () => {
    const report = selectorReport();
    assert.equal(report.resources[0]?.findings[0]?.severity, "blocking");
    const refused = withServerVerdicts(report, new Map([[0, verdict.refused("apply", 422, "Invalid", "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: …: field is immutable", ["spec.selector"])]]));
    assert.equal(refused.resources[0]?.serverDryRun?.agrees, true);
    assert.deepEqual(refused.live?.dryRun, { sent: 1, accepted: 0, refused: 1, disagreements: 0 });
    const accepted = withServerVerdicts(report, new Map([[0, verdict.accepted("apply")]]));
    assert.equal(accepted.resources[0]?.serverDryRun?.agrees, false);
    assert.match(accepted.resources[0]?.serverDryRun?.note ?? "", /accepted the dry run, gitops-guard expects a refusal at spec\.selector/);
    assert.deepEqual(accepted.live?.dryRun, { sent: 1, accepted: 1, refused: 0, disagreements: 1 });
    const notSent = withServerVerdicts(report, new Map([[0, verdict.notSent("not served")]]));
    assert.deepEqual(notSent.live?.dryRun, { sent: 0, accepted: 0, refused: 0, disagreements: 0 });
  });

  it("a warning-only object the server refuses is a disagreement (the apply will fail)", () => {
    const report = selectorReport();
    const onlyWarnings = { ...report, resources: report.resources.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity !== "blocking") })) };
    const run = withServerVerdicts(onlyWarnings, new Map([[0, verdict.refused("apply", 400, "BadRequest", "admission webhook \"x\" denied the request", [])]])).resources[0]?.serverDryRun;
    assert.equal(run?.agrees, false);
    assert.match(run?.note ?? "", /refused the dry run \(400 BadRequest\) where gitops-guard found nothing blocking: the apply will fail/);
  });
});

describe("dryRunWrite: the write the owner does", () => {
  const object = (labels: Record<string, string>, annotations: Record<string, string> = {}, managedFields: JsonObject[] = []): JsonObject => ({
    apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "a", labels, annotations, managedFields },
  });
  it("Flux applies server-side as kustomize-controller; an unowned object as gitops-guard-check", () => {
    assert.deepEqual(dryRunWrite(object({ "kustomize.toolkit.fluxcd.io/name": "apps" }), undefined), { operation: "apply", fieldManager: "kustomize-controller", owner: "flux" });
    assert.deepEqual(dryRunWrite(object({}), object({})), { operation: "apply", fieldManager: "gitops-guard-check", owner: "other" });
  });
  it("Helm, kapp, Argo CD and client-side kubectl send the merged object: update, or create when new", () => {
    assert.deepEqual(dryRunWrite(object({ "app.kubernetes.io/managed-by": "Helm" }), object({})), { operation: "update", owner: "helm" });
    assert.deepEqual(dryRunWrite(object({ "kapp.k14s.io/app": "1" }), undefined), { operation: "create", owner: "kapp" });
    const kubectl = object({}, { "kubectl.kubernetes.io/last-applied-configuration": "{}" });
    assert.deepEqual(dryRunWrite(object({}), kubectl), { operation: "update", owner: "kubectl" });
  });
  it("kubectl server-side apply (managedFields operation Apply) applies as kubectl", () => {
    const live = object({}, { "kubectl.kubernetes.io/last-applied-configuration": "{}" }, [{ manager: "kubectl", operation: "Apply" }]);
    assert.deepEqual(dryRunWrite(object({}), live), { operation: "apply", fieldManager: "kubectl", owner: "kubectl" });
  });
});
