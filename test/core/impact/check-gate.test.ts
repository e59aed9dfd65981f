import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { blocksMerge, checkExitCode } from "../../../src/core/impact/check-gate.ts";
import type { ImpactReport, ResourceImpact } from "../../../src/core/impact/impact-report.ts";

function resource(overrides: Partial<ResourceImpact>): ResourceImpact {
  return {
    apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "api", change: "modified",
    findings: [], notes: [], sources: {}, risk: "low", cascade: [], cascadeOmitted: 0, safeguards: [], ...overrides,
  };
}

function report(blocking: number, resources: ResourceImpact[]): ImpactReport {
  return {
    version: 2,
    summary: {
      added: 0, removed: 0, modified: resources.length, unchanged: 0, blocking, warnings: 0, info: 0,
      risk: "low", risks: { low: 0, medium: 0, high: 0, critical: 0 }, safeguardsMissing: 0,
    },
    resources,
    risk: "low",
    order: [],
  };
}

describe("check's exit code", () => {
  it("without --fail-on: 1 on blocking findings only, whatever the risk", () => {
    assert.equal(checkExitCode(report(1, [resource({ risk: "medium" })]), undefined), 1);
    assert.equal(checkExitCode(report(0, [resource({ risk: "critical" })]), undefined), 0);
  });

  it("with --fail-on: an object at or above the level fails unless all its safeguards are declared done", () => {
    const high = resource({ risk: "high", safeguards: [{ id: "approval", done: false, reasons: ["r"] }] });
    assert.equal(blocksMerge(high, "high"), true);
    assert.equal(blocksMerge(high, "critical"), false);
    assert.equal(blocksMerge({ ...high, safeguards: [{ id: "approval", done: true, reasons: ["r"] }] }, "medium"), false);
    assert.equal(blocksMerge(resource({ risk: "medium" }), "medium"), true, "nothing can be declared for medium: it fails");
    assert.equal(blocksMerge(resource({ risk: "low" }), "medium"), false);
    assert.equal(checkExitCode(report(5, [resource({ risk: "medium" })]), "high"), 0, "blocking findings below the threshold pass");
  });
});
