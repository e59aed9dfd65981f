import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { DATA_BEARING_KINDS, findFindings, isDataBearing } from "../../../src/core/rules/find-findings.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { findingsFor } from "../../support/rule-case.ts";

const WIDGET = loadPair("rules/engine/widget.yaml");

function rule(id: string, path: string, extra: Partial<Rule> = {}): Rule {
  return { id, group: "example.io", kind: "Widget", path, class: "immutable", check: { type: "frozen" }, why: `${id}: why`, source: "test", ...extra };
}

function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.path} ${f.class}`);
}

function find(rules: Rule[], old: JsonObject = WIDGET.old, incoming: JsonObject = WIDGET.new): Finding[] {
  return findFindings(createCatalogue(rules), { old, new: incoming });
}

describe("findFindings", () => {
  it("turns violations into findings with field paths, values, class, severity, strategy and message", () => {
    const [finding] = find([rule("w.engine", "spec.engine")]);
    assert.deepEqual(finding, {
      ruleId: "w.engine", path: "spec.engine", segments: ["spec", "engine"], from: "v8", to: "v9",
      class: "immutable", severity: "blocking", strategy: "recreate", message: "w.engine: why",
    });
  });

  it("prints label keys in brackets", () => {
    assert.deepEqual(find([rule("w.labels", "metadata.labels", { class: "risky" })]).map((f) => f.path), ["metadata.labels[app.kubernetes.io/name]"]);
  });

  it("finds nothing when nothing changed, whatever the rules", () => {
    assert.deepEqual(find([rule("w.all", "spec"), rule("any", "metadata", { group: "*", kind: "*" })], WIDGET.old, WIDGET.old), []);
  });

  it("applies rules by the new object's group and kind, wildcard rules included", () => {
    const rules = [rule("w.engine", "spec.engine"), rule("other.group", "spec.engine", { group: "other.io" }), rule("any.kind", "spec.region", { group: "*", kind: "*" })];
    assert.deepEqual(summary(find(rules)).sort(), ["any.kind spec.region immutable", "w.engine spec.engine immutable"]);
  });

  it("uses default severities by class, and a rule's own severity when set", () => {
    const rules = [
      rule("w.engine", "spec.engine"),
      rule("w.region", "spec.region", { class: "declared" }),
      rule("w.knobs", "spec.tuning", { class: "risky" }),
      rule("w.id", "spec.allocatedId", { class: "server-assigned" }),
      rule("w.storage", "spec.storage", { severity: "warning" }),
    ];
    const bySeverity = Object.fromEntries(find(rules).map((f) => [f.ruleId, f.severity]));
    assert.deepEqual(bySeverity, { "w.engine": "blocking", "w.region": "blocking", "w.knobs": "warning", "w.id": "warning", "w.storage": "warning" });
  });

  it("uses default strategies by class and kind, and a rule's own strategy when set", () => {
    const rules = [
      rule("w.engine", "spec.engine"),
      rule("w.region", "spec.region", { strategy: "blue-green" }),
      rule("w.knobs", "spec.tuning", { class: "risky" }),
      rule("w.id", "spec.allocatedId", { class: "server-assigned" }),
    ];
    const byStrategy = Object.fromEntries(find(rules).map((f) => [f.ruleId, f.strategy]));
    assert.deepEqual(byStrategy, { "w.engine": "recreate", "w.region": "blue-green", "w.knobs": "review", "w.id": "restore" });
  });

  it("suggests migrate, not recreate, for data-bearing kinds", () => {
    const [finding] = findingsFor("rules/core/pvc-storage-class-change.yaml").filter((f) => f.class === "immutable");
    assert.equal(finding?.strategy, "migrate");
  });

  it("prefers a violation's own detail over the rule's why", () => {
    const [finding] = find([rule("w.engine", "spec.engine", { check: { type: "custom", evaluate: (_input, r) => [{ path: r.root, from: 1, to: 2, detail: "engine v9 needs a new volume" }] } })]);
    assert.equal(finding?.message, "engine v9 needs a new volume");
  });

  it("reports one path once per class, by the most specific rule (longest rule path)", () => {
    const rules = [rule("w.spec", "spec"), rule("w.engine", "spec.engine"), rule("w.replicas", "spec.replicas[*]")];
    assert.deepEqual(summary(find(rules)).sort(), [
      "w.engine spec.engine immutable", "w.replicas spec.replicas[1].size immutable", "w.spec spec.allocatedId immutable",
      "w.spec spec.region immutable", "w.spec spec.storage immutable", "w.spec spec.tuning.knobs.x immutable", "w.spec spec.zone immutable",
    ]);
  });

  it("keeps one finding per class at a path: immutable and risky both stay", () => {
    const rules = [rule("w.engine", "spec.engine"), rule("w.engine-risk", "spec.engine", { class: "risky" })];
    assert.deepEqual(summary(find(rules)), ["w.engine spec.engine immutable", "w.engine-risk spec.engine risky"]);
  });

  it("reports a dropped server-assigned value as a restore only, not also as an immutable change at or below it", () => {
    const old: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { allocated: { id: "w-1", port: 80 }, engine: "v8" } };
    const incoming: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { engine: "v9" } };
    const rules = [
      rule("w.spec", "spec"),
      rule("w.allocated.id", "spec.allocated.id"),
      rule("w.allocated", "spec.allocated", { class: "server-assigned", check: { type: "custom", evaluate: (i, r) => [{ path: r.root, from: i.old["spec"] && (i.old["spec"] as JsonObject)["allocated"], to: undefined }] } }),
    ];
    assert.deepEqual(summary(find(rules, old, incoming)), ["w.spec spec.engine immutable", "w.allocated spec.allocated server-assigned"]);
  });

  it("does not let a server-assigned finding hide an immutable change above its path", () => {
    const old: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { allocated: { id: "w-1" } } };
    const incoming: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: "replaced" };
    const rules = [
      rule("w.spec", "spec"),
      rule("w.allocated", "spec.allocated", { class: "server-assigned", check: { type: "custom", evaluate: (_i, r) => [{ path: r.root, from: "w-1", to: undefined }] } }),
    ];
    assert.deepEqual(summary(find(rules, old, incoming)), ["w.spec spec immutable", "w.allocated spec.allocated server-assigned"]);
  });
});

describe("isDataBearing", () => {
  it("names PVC, PV, Namespace (core) and CustomResourceDefinition (apiextensions)", () => {
    assert.deepEqual([...DATA_BEARING_KINDS].sort(), ["/Namespace", "/PersistentVolume", "/PersistentVolumeClaim", "apiextensions.k8s.io/CustomResourceDefinition"]);
    assert.equal(isDataBearing("", "PersistentVolumeClaim"), true);
    assert.equal(isDataBearing("apiextensions.k8s.io", "CustomResourceDefinition"), true);
    assert.equal(isDataBearing("example.io", "PersistentVolumeClaim"), false);
    assert.equal(isDataBearing("apps", "StatefulSet"), false);
    assert.equal(isDataBearing("", "CustomResourceDefinition"), false);
  });
});
