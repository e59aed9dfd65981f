import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatImpactJson } from "../../../src/core/impact/format-json.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";

const CASCADE = {
  apiVersion: "v1",
  kind: "Service",
  namespace: "web",
  name: "api",
  relation: "selects" as const,
  effect: "dangling" as const,
  message: "after this change Service web/api selects no pods of any workload in the manifests",
  path: "spec.selector",
};

const REPORT: ImpactReport = {
  version: 2,
  summary: {
    added: 1, removed: 0, modified: 1, unchanged: 4, blocking: 1, warnings: 0, info: 0,
    risk: "high", risks: { low: 1, medium: 0, high: 1, critical: 0 }, safeguardsMissing: 1,
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
      notes: [],
      sources: { before: { source: "before.yaml", document: 2, line: 9 }, after: { source: "after.yaml", document: 2, line: 9 } },
      risk: "high",
      cascade: [CASCADE],
      cascadeOmitted: 0,
      safeguards: [{ id: "approval", done: false, reasons: ["dangling: Service web/api"] }],
    },
    {
      apiVersion: "v1",
      kind: "Namespace",
      namespace: "",
      name: "web",
      change: "added",
      findings: [],
      notes: ["a note"],
      sources: { after: { source: "<stdin>", document: 1, item: 3 } },
      risk: "low",
      cascade: [],
      cascadeOmitted: 0,
      safeguards: [],
    },
  ],
  risk: "high",
  order: [
    { kind: "Namespace", namespace: "", name: "web", action: "apply" },
    { kind: "Deployment", namespace: "web", name: "api", action: "replace" },
  ],
};

describe("formatImpactJson", () => {
  const parsed: unknown = JSON.parse(formatImpactJson(REPORT));

  it("keeps the issue's keys first, in order, and adds later keys after them", () => {
    assert.deepEqual(Object.keys(parsed as object), ["version", "summary", "resources", "risk", "order"]);
    const { summary, resources } = parsed as { summary: object; resources: { findings: object[]; sources: object }[] };
    assert.deepEqual(Object.keys(summary), ["added", "removed", "modified", "unchanged", "blocking", "warnings", "info", "risk", "risks", "safeguardsMissing"]);
    assert.deepEqual(Object.keys(resources[0] ?? {}), [
      "apiVersion", "kind", "namespace", "name", "change", "findings", "notes", "sources", "risk", "cascade", "cascadeOmitted", "safeguards",
    ]);
    const cascade = (resources[0] as unknown as { cascade: object[] }).cascade[0] ?? {};
    assert.deepEqual(Object.keys(cascade), ["apiVersion", "kind", "namespace", "name", "relation", "effect", "message", "path"]);
    assert.deepEqual(Object.keys(resources[0]?.findings[0] ?? {}), ["ruleId", "path", "class", "severity", "from", "to", "strategy", "message"]);
  });

  it("prints the issue's example shape", () => {
    assert.deepEqual(parsed, {
      version: 2,
      summary: {
        added: 1, removed: 0, modified: 1, unchanged: 4, blocking: 1, warnings: 0, info: 0,
        risk: "high", risks: { low: 1, medium: 0, high: 1, critical: 0 }, safeguardsMissing: 1,
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
          notes: [],
          sources: { before: { file: "before.yaml", document: 2, line: 9 }, after: { file: "after.yaml", document: 2, line: 9 } },
          risk: "high",
          cascade: [CASCADE],
          cascadeOmitted: 0,
          safeguards: [{ id: "approval", done: false, reasons: ["dangling: Service web/api"] }],
        },
        {
          apiVersion: "v1",
          kind: "Namespace",
          namespace: "",
          name: "web",
          change: "added",
          findings: [],
          notes: ["a note"],
          sources: { after: { file: "<stdin>", document: 1, item: 3 } },
          risk: "low",
          cascade: [],
          cascadeOmitted: 0,
          safeguards: [],
        },
      ],
      risk: "high",
      order: [
        { action: "apply", kind: "Namespace", namespace: "", name: "web" },
        { action: "replace", kind: "Deployment", namespace: "web", name: "api" },
      ],
    });
  });

  it("omits from and to when the value is absent on that side, and keeps null", () => {
    const added = { ...REPORT.resources[0]!, findings: [{ ...REPORT.resources[0]!.findings[0]!, from: undefined, to: null }] };
    const text = formatImpactJson({ ...REPORT, resources: [added] });
    const finding = (JSON.parse(text) as { resources: { findings: Record<string, unknown>[] }[] }).resources[0]?.findings[0];
    assert.equal(Object.hasOwn(finding ?? {}, "from"), false);
    assert.equal(finding?.["to"], null);
  });

  it("ends with a newline", () => {
    assert.ok(formatImpactJson(REPORT).endsWith("}\n"));
  });
});
