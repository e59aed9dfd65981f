import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CascadeEntry } from "../../../src/core/impact/cascade/cascade-entry.ts";
import type { ReportFinding } from "../../../src/core/impact/impact-report.ts";
import { maxRisk, riskReasons, type RiskLevel } from "../../../src/core/impact/risk-level.ts";

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return { ruleId: "r", path: "spec", class: "immutable", severity: "blocking", strategy: "recreate", message: "m", ...overrides };
}

function risk(apiVersion: string, kind: string, findings: ReportFinding[], cascade: CascadeEntry[] = []): RiskLevel {
  return maxRisk(riskReasons(apiVersion, kind, findings, cascade).map((r) => r.level));
}

function entry(effect: CascadeEntry["effect"]): CascadeEntry {
  return { apiVersion: "v1", kind: "Service", namespace: "web", name: "api", relation: "selects", effect, message: "m" };
}

describe("riskReasons", () => {
  it("is low without findings or cascade, and for restores and notes", () => {
    assert.equal(risk("apps/v1", "Deployment", []), "low");
    const restore = finding({ class: "server-assigned", severity: "warning", strategy: "restore" });
    const note = finding({ class: "declared", severity: "info", strategy: "review" });
    assert.equal(risk("apps/v1", "Deployment", [restore, note]), "low");
  });

  it("is medium for a replacement of a non-serving object, an orphan-recreate, or a risky change", () => {
    assert.equal(risk("batch/v1", "Job", [finding({})]), "medium");
    assert.equal(risk("apps/v1", "Deployment", [finding({ strategy: "orphan-recreate" })]), "medium");
    assert.equal(risk("apps/v1", "Deployment", [finding({ class: "risky", severity: "warning", strategy: "review" })]), "medium");
  });

  it("is high for a recreate of a serving workload, with a maintenance window and an approval", () => {
    const reasons = riskReasons("apps/v1", "Deployment", [finding({ strategy: "blue-green" })], []);
    assert.equal(reasons[0]?.level, "high");
    assert.deepEqual(reasons[0]?.safeguards, ["maintenance-window", "approval"]);
  });

  it("is critical when data can be lost, and asks for a backup and a migration procedure", () => {
    assert.equal(risk("apps/v1", "Deployment", [finding({ strategy: "migrate" })]), "critical");
    const deletion = finding({ ruleId: "deletion.data-bearing", class: "risky", severity: "warning", strategy: "review" });
    assert.equal(risk("v1", "Namespace", [deletion]), "critical");
    const [reason] = riskReasons("v1", "PersistentVolumeClaim", [finding({ strategy: "revert" })], []);
    assert.equal(reason?.level, "critical");
    assert.deepEqual(reason?.safeguards, ["backup", "migration-procedure", "approval"]);
  });

  it("rates cascade effects: deleted critical, dangling and missing references high, shifts medium, order low", () => {
    assert.equal(risk("v1", "ConfigMap", [], [entry("deleted")]), "critical");
    for (const effect of ["dangling", "missing-reference", "missing-key", "cycle", "permissions-removed"] as const) {
      assert.equal(risk("v1", "ConfigMap", [], [entry(effect)]), "high", effect);
    }
    for (const effect of ["recreated-target", "deselected", "newly-selected", "selects-multiple"] as const) {
      assert.equal(risk("v1", "ConfigMap", [], [entry(effect)]), "medium", effect);
    }
    assert.equal(risk("v1", "ConfigMap", [], [entry("order"), entry("stale-until-restart")]), "low");
  });

  it("takes the highest of all reasons", () => {
    const restore = finding({ class: "server-assigned", severity: "warning", strategy: "restore" });
    assert.equal(risk("apps/v1", "Deployment", [restore, finding({ strategy: "migrate" })]), "critical");
  });
});
