import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact } from "../../../src/core/impact/analyze-impact.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";
import type { ManifestObject } from "../../../src/core/impact/manifest-object.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { customRulesToRules } from "../../../src/core/policy/custom-rules.ts";
import { createCatalogue, type Catalogue } from "../../../src/core/rules/catalogue.ts";
import { catalogueFor } from "../../../src/core/rules/catalogue-for.ts";
import { resolveKubeTarget } from "../../../src/core/kube/resolve-kube-target.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadManifestObjects, toManifestObjects } from "../../support/manifest-objects.ts";

function reportOf(before: readonly ManifestObject[], after: readonly ManifestObject[], catalogue: Catalogue = builtinCatalogue()): ImpactReport {
  const result = analyzeImpact({ before, after, catalogue });
  assert.ok(result.ok, "expected no duplicate identities");
  return result.report;
}

function fixtureReport(name: string, catalogue?: Catalogue): ImpactReport {
  return reportOf(loadManifestObjects(`check/${name}/before.yaml`), loadManifestObjects(`check/${name}/after.yaml`), catalogue);
}

describe("analyzeImpact", () => {
  it("reports the issue's example: a Deployment selector rewritten by commonLabels is blocking", () => {
    const report = fixtureReport("selector");
    assert.equal(report.version, 2);
    // Warnings are left out of the comparison: risky rules on template labels may add some.
    assert.deepEqual(
      { ...report.summary, warnings: 0, info: 0 },
      {
        added: 0, removed: 0, modified: 1, unchanged: 1, blocking: 1, warnings: 0, info: 0,
        risk: "high", risks: { low: 0, medium: 0, high: 1, critical: 0 }, safeguardsMissing: 2,
      },
    );
    assert.equal(report.resources.length, 1, "the unchanged ConfigMap is counted, not listed");
    const [deployment] = report.resources;
    assert.deepEqual(
      { apiVersion: deployment?.apiVersion, kind: deployment?.kind, namespace: deployment?.namespace, name: deployment?.name, change: deployment?.change },
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "api", change: "modified" },
    );
    const selector = deployment?.findings.find((f) => f.ruleId === "apps.Deployment.selector");
    assert.deepEqual(selector && { ...selector, message: "" }, {
      ruleId: "apps.Deployment.selector",
      path: "spec.selector.matchLabels.tier",
      class: "immutable",
      severity: "blocking",
      from: "fe",
      to: "frontend",
      strategy: "blue-green",
      message: "",
    });
    assert.match(selector?.message ?? "", /spec\.selector/);
    assert.deepEqual(deployment?.sources, {
      before: { source: "check/selector/before.yaml", document: 1 },
      after: { source: "check/selector/after.yaml", document: 1 },
    });
    // A serving workload replaced (blue-green): high, with a maintenance window and an approval.
    assert.equal(report.risk, "high");
    assert.deepEqual(deployment?.safeguards.map((g) => g.id), ["approval", "maintenance-window"]);
  });

  it("lists added and removed objects; a removed claim is a risky deletion of data", () => {
    const report = fixtureReport("deletion");
    assert.deepEqual(
      report.resources.map((r) => [r.kind, r.name, r.change, r.findings.map((f) => f.ruleId)]),
      [
        ["Service", "new-api", "added", []],
        ["PersistentVolumeClaim", "uploads", "removed", ["deletion.data-bearing"]],
        ["Deployment", "old-worker", "removed", []],
      ],
    );
    const deletion = report.resources[1]?.findings[0];
    assert.equal(deletion?.class, "risky");
    assert.equal(deletion?.severity, "warning");
    assert.equal(deletion?.path, "");
    assert.equal(deletion?.from, undefined);
    assert.match(deletion?.message ?? "", /PersistentVolumeClaim uploads .*deletes its volume and the data on it/);
    assert.deepEqual(
      { ...report.summary, risks: undefined },
      { added: 1, removed: 2, modified: 0, unchanged: 1, blocking: 0, warnings: 1, info: 0, risk: "critical", risks: undefined, safeguardsMissing: 3 },
    );
    assert.equal(report.risk, "critical");
  });

  it("counts an object whose only differences are status and server-managed metadata as unchanged", () => {
    const report = fixtureReport("deletion");
    assert.equal(report.resources.some((r) => r.name === "settings"), false);
    assert.equal(report.summary.unchanged, 1);
  });

  it("never reports Secret values: from, to and messages say <redacted>", () => {
    const quoting: Rule = {
      id: "test.Secret.quotes-values",
      group: "",
      kind: "Secret",
      path: "stringData",
      class: "risky",
      check: {
        type: "custom",
        evaluate: (input) => {
          const from = getAt(input.old, ["stringData", "user"]);
          const to = getAt(input.new, ["stringData", "user"]);
          return [{ path: ["stringData", "user"], from, to, detail: `user changes from ${String(from)} to ${String(to)}` }];
        },
      },
      why: "test rule that quotes values in its message",
      source: "test",
    };
    const declared = customRulesToRules([{ id: "policy.secret-data", kind: "Secret", path: "data", class: "declared", message: "rotate by renaming" }]);
    const report = fixtureReport("secret", catalogueFor(resolveKubeTarget({}), [...declared, quoting]));
    const findings = report.resources[0]?.findings ?? [];
    const password = findings.find((f) => f.ruleId === "policy.secret-data");
    assert.equal(password?.path, "data.password");
    assert.equal(password?.from, "<redacted>");
    assert.equal(password?.to, "<redacted>");
    assert.equal(password?.severity, "blocking");
    const user = findings.find((f) => f.ruleId === "test.Secret.quotes-values");
    assert.equal(user?.message, "user changes from <redacted> to <redacted>");
    const text = JSON.stringify(report);
    for (const secret of ["aHVudGVyMg==", "czNjcjN0LXZhbHVl", "admin-before", "admin-after"]) {
      assert.equal(text.includes(secret), false, `${secret} leaked into the report`);
    }
  });

  it("gives rules the StorageClasses of the after set, else of the before set", () => {
    const seen: string[] = [];
    const probe: Rule = {
      id: "test.PersistentVolumeClaim.sees-classes",
      group: "",
      kind: "PersistentVolumeClaim",
      path: "spec",
      class: "risky",
      check: {
        type: "custom",
        evaluate: (input) => {
          for (const name of ["fast", "slow"]) {
            seen.push(`${name}=${String(getAt(input.cluster.storageClasses?.get(name), ["allowVolumeExpansion"]))}`);
          }
          return [];
        },
      },
      why: "test probe",
      source: "test",
    };
    const storageClass = (name: string, expand: boolean): JsonObject => ({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name },
      provisioner: "csi.example.com",
      allowVolumeExpansion: expand,
    });
    const claim = (size: string): JsonObject => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: "a" },
      spec: { storageClassName: "fast", resources: { requests: { storage: size } } },
    });
    const before = toManifestObjects([storageClass("fast", false), storageClass("slow", true), claim("1Gi")]);
    const after = toManifestObjects([storageClass("fast", true), claim("2Gi")]);
    reportOf(before, after, createCatalogue([probe]));
    assert.deepEqual(seen, ["fast=true", "slow=true"]);
  });

  it("notes an apiVersion change of the same object", () => {
    const before = toManifestObjects([{ apiVersion: "autoscaling/v2beta2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "a" }, spec: { maxReplicas: 3 } }]);
    const after = toManifestObjects([{ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "a" }, spec: { maxReplicas: 3 } }]);
    const report = reportOf(before, after);
    assert.equal(report.resources[0]?.change, "modified");
    assert.deepEqual(report.resources[0]?.notes, [
      "apiVersion changes from autoscaling/v2beta2 to autoscaling/v2 (the same object: the API server stores it once, whichever version it is written in)",
    ]);
  });

  it("returns duplicate identities as an error value", () => {
    const before = loadManifestObjects("check/invalid/duplicate-identity.yaml");
    const result = analyzeImpact({ before, after: [], catalogue: builtinCatalogue() });
    assert.equal(result.ok, false);
  });

  it("reports nothing for identical sets", () => {
    const objects = loadManifestObjects("check/selector/before.yaml");
    const report = reportOf(objects, objects);
    assert.deepEqual(report.resources, []);
    assert.deepEqual(report.summary, {
      added: 0, removed: 0, modified: 0, unchanged: 2, blocking: 0, warnings: 0, info: 0,
      risk: "low", risks: { low: 0, medium: 0, high: 0, critical: 0 }, safeguardsMissing: 0,
    });
    assert.equal(report.risk, "low");
  });
});
