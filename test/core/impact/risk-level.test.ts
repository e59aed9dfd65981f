import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ReportFinding } from "../../../src/core/impact/impact-report.ts";
import { riskOf } from "../../../src/core/impact/risk-level.ts";

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return { ruleId: "r", path: "spec", class: "immutable", severity: "blocking", strategy: "recreate", message: "m", ...overrides };
}

function deployment(...findings: ReportFinding[]): { apiVersion: string; kind: string; findings: ReportFinding[] } {
  return { apiVersion: "apps/v1", kind: "Deployment", findings };
}

describe("riskOf", () => {
  it("is none without findings", () => {
    assert.equal(riskOf([]), "none");
    assert.equal(riskOf([deployment()]), "none");
  });

  it("is low when every finding is restored automatically or informational", () => {
    const restore = finding({ class: "server-assigned", severity: "warning", strategy: "restore" });
    const note = finding({ class: "declared", severity: "info", strategy: "review" });
    assert.equal(riskOf([deployment(restore, note)]), "low");
  });

  it("is medium for a blocking finding that a replacement resolves, or a risky change", () => {
    assert.equal(riskOf([deployment(finding({}))]), "medium");
    assert.equal(riskOf([deployment(finding({ class: "risky", severity: "warning", strategy: "review" }))]), "medium");
  });

  it("is high when data can be lost", () => {
    assert.equal(riskOf([deployment(finding({ strategy: "migrate" }))]), "high");
    const deletion = finding({ ruleId: "deletion.data-bearing", class: "risky", severity: "warning", strategy: "review" });
    assert.equal(riskOf([{ apiVersion: "v1", kind: "Namespace", findings: [deletion] }]), "high");
    const shrink = finding({ strategy: "revert" });
    assert.equal(riskOf([{ apiVersion: "v1", kind: "PersistentVolumeClaim", findings: [shrink] }]), "high");
  });

  it("is the highest risk of all findings", () => {
    const restore = finding({ class: "server-assigned", severity: "warning", strategy: "restore" });
    assert.equal(riskOf([deployment(restore), deployment(finding({ strategy: "migrate" }))]), "high");
  });
});
