import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { customRulesToRules } from "../../../src/core/policy/custom-rules.ts";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";

function widget(size: number, tier: string): JsonObject {
  return { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "a" }, spec: { size, tier } };
}

describe("customRulesToRules", () => {
  const rules = customRulesToRules([
    { id: "widgets.size", kind: "Widget.example.com", path: "spec.size", class: "declared", message: "size is fixed at creation" },
    { id: "widgets.tier", kind: "Widget", path: "spec.tier", class: "risky", message: "tier changes move the widget" },
  ]);

  it("reads Kind.group as one group and Kind as any group", () => {
    assert.deepEqual(rules.map((r) => [r.id, r.group, r.kind, r.path, r.class, r.check.type, r.why, r.source]), [
      ["widgets.size", "example.com", "Widget", "spec.size", "declared", "frozen", "size is fixed at creation", "policy customRules[0]"],
      ["widgets.tier", "*", "Widget", "spec.tier", "risky", "frozen", "tier changes move the widget", "policy customRules[1]"],
    ]);
  });

  it("makes declared fields blocking and risky fields warnings", () => {
    const findings = findFindings(createCatalogue(rules), { old: widget(1, "a"), new: widget(2, "b") });
    assert.deepEqual(findings.map((f) => [f.ruleId, f.path, f.from, f.to, f.class, f.severity, f.message]), [
      ["widgets.tier", "spec.tier", "a", "b", "risky", "warning", "tier changes move the widget"],
      ["widgets.size", "spec.size", 1, 2, "declared", "blocking", "size is fixed at creation"],
    ]);
  });

  it("does not apply a Kind.group rule to another group", () => {
    const other = (size: number): JsonObject => ({ ...widget(size, "a"), apiVersion: "other.example.org/v1" });
    assert.deepEqual(findFindings(createCatalogue(rules), { old: other(1), new: other(2) }), []);
  });
});
