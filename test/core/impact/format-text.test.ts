import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatImpactText } from "../../../src/core/impact/format-text.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";

/** The escape that starts every ANSI colour code. */
const ESC = "\u001b[";

const NO_RISK = { risk: "low", cascade: [], cascadeOmitted: 0, safeguards: [] } as const;

const REPORT: ImpactReport = {
  version: 2,
  summary: {
    added: 1, removed: 1, modified: 1, unchanged: 7, blocking: 1, warnings: 1, info: 0,
    risk: "critical", risks: { low: 1, medium: 0, high: 1, critical: 1 }, safeguardsMissing: 3,
  },
  resources: [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "web",
      name: "api",
      change: "modified",
      findings: [
        {
          ruleId: "apps.Deployment.selector",
          path: "spec.selector.matchLabels.tier",
          class: "immutable",
          severity: "blocking",
          from: "fe",
          to: "frontend",
          strategy: "blue-green",
          message: "selectors are immutable",
        },
      ],
      notes: ["metadata.namespace is not set in the after manifest: paired within namespace default"],
      sources: { after: { source: "after.yaml", document: 2, line: 9 } },
      risk: "high",
      cascade: [
        {
          apiVersion: "v1", kind: "Service", namespace: "web", name: "api", relation: "selects", effect: "dangling",
          message: "after this change Service web/api selects no pods of any workload in the manifests", path: "spec.selector",
        },
      ],
      cascadeOmitted: 0,
      safeguards: [{ id: "approval", done: true, reasons: ["dangling: Service web/api"] }],
    },
    { apiVersion: "v1", kind: "Namespace", namespace: "", name: "web", change: "added", findings: [], notes: [], sources: {}, ...NO_RISK },
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      namespace: "web",
      name: "data",
      change: "removed",
      findings: [
        { ruleId: "deletion.data-bearing", path: "", class: "risky", severity: "warning", strategy: "review", message: "deleting it deletes its data" },
      ],
      notes: [],
      sources: { before: { source: "before.yaml", document: 5 } },
      risk: "critical",
      cascade: [],
      cascadeOmitted: 0,
      safeguards: [
        { id: "backup", done: false, reasons: ["PersistentVolumeClaim leaves the manifests: pruning deletes its data"] },
        { id: "migration-procedure", done: false, reasons: ["PersistentVolumeClaim leaves the manifests: pruning deletes its data"] },
        { id: "approval", done: false, reasons: ["PersistentVolumeClaim leaves the manifests: pruning deletes its data"] },
      ],
    },
  ],
  risk: "critical",
  order: [],
};

describe("formatImpactText", () => {
  const text = formatImpactText(REPORT);
  const blocks = text.trimEnd().split("\n\n");

  it("prints one block per changed object, then the summary", () => {
    assert.equal(blocks.length, 4);
    assert.match(blocks[0] ?? "", /^modified {2}Deployment web\/api \(apps\/v1\) {2}at after\.yaml document 2 \(1-based, line 9\)\n/);
    assert.match(blocks[0] ?? "", /blocking {2}immutable +spec\.selector\.matchLabels\.tier: "fe" → "frontend"/);
    assert.match(blocks[0] ?? "", /apps\.Deployment\.selector: selectors are immutable/);
    assert.match(blocks[0] ?? "", /strategy blue-green: deploy it under a new name/);
    assert.match(blocks[0] ?? "", /note: metadata\.namespace is not set/);
    assert.match(blocks[0] ?? "", /cascade {3}dangling +Service web\/api \(selects\): after this change Service web\/api selects no pods/);
    assert.match(blocks[0] ?? "", /risk high\n {2}safeguard approval: declared done \(dangling: Service web\/api\)/);
    assert.match(blocks[2] ?? "", /safeguard backup: missing/);
    assert.equal(blocks[1], "added     Namespace web (v1)");
    assert.match(blocks[2] ?? "", /^removed {3}PersistentVolumeClaim web\/data \(v1\) {2}at before\.yaml document 5 \(1-based\)\n {2}warning {3}risky +\(whole object\)\n/);
    assert.equal(
      blocks[3],
      "1 added, 1 removed, 1 modified, 7 unchanged; 1 blocking finding, 1 warning, 0 info; risk critical; 3 safeguards missing\n" +
        "blocking: the API server would refuse this change (or policy forbids it); see the strategies above",
    );
  });

  it("has no colour unless asked, and colours severities when asked", () => {
    assert.equal(text.includes(ESC), false);
    const coloured = formatImpactText(REPORT, { color: true });
    assert.ok(coloured.includes(`${ESC}31mblocking`));
    assert.ok(coloured.includes(`${ESC}33mwarning`));
  });

  it("says so when nothing changed", () => {
    const empty: ImpactReport = {
      version: 2,
      summary: {
        added: 0, removed: 0, modified: 0, unchanged: 3, blocking: 0, warnings: 0, info: 0,
        risk: "low", risks: { low: 0, medium: 0, high: 0, critical: 0 }, safeguardsMissing: 0,
      },
      resources: [],
      risk: "low",
      order: [],
    };
    assert.equal(formatImpactText(empty), "No changes.\n\n0 added, 0 removed, 0 modified, 3 unchanged; 0 blocking findings, 0 warnings, 0 info; risk low\nnothing blocking\n");
  });

  it("cuts long values on the line (the JSON output keeps them whole)", () => {
    const long = "x".repeat(200);
    const resource = { ...REPORT.resources[0]!, findings: [{ ...REPORT.resources[0]!.findings[0]!, from: long, to: undefined }] };
    const out = formatImpactText({ ...REPORT, resources: [resource] });
    assert.match(out, /: "x{58}… → \(absent\)/);
  });
});
