import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvModule from "ajv-draft-04";
import { analyzeImpact } from "../../../src/core/impact/analyze-impact.ts";
import { formatImpactSarif, SARIF_MAX_RESULTS } from "../../../src/core/impact/format-sarif.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { FIXTURES } from "../../support/load-yaml.ts";
import { loadManifestObjects } from "../../support/manifest-objects.ts";

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: { primaryLocationLineHash: string };
}

interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string; help: { text: string }; helpUri: string }[] } }; automationDetails: { id: string }; results: SarifResult[] }[];
}

const schema: unknown = JSON.parse(readFileSync(join(FIXTURES, "check", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8"));
// unicodeRegExp off: the schema's language pattern `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$` has a
// stray "]" that only non-unicode regular expressions accept (as the schema's authors' validators did).
// A CommonJS module whose exports are the class itself (and .default): TypeScript sees the module.
const Ajv = AjvModule.default;
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema as object);

function cascadeReport(): ImpactReport {
  const result = analyzeImpact({
    before: loadManifestObjects("check/cascade/before.yaml"),
    after: loadManifestObjects("check/cascade/after.yaml"),
    catalogue: builtinCatalogue(),
  });
  assert.ok(result.ok);
  return result.report;
}

/** Lines as the adapter would resolve them: the selector line for the selector finding, else the object's. */
const lineOf = (_location: unknown, path: string): number => (path === "spec.selector.matchLabels.tier" ? 20 : path === "spec.template.metadata.labels.tier" ? 25 : 10);

describe("formatImpactSarif", () => {
  const report = cascadeReport();
  const text = formatImpactSarif(report, { lineOf, toolVersion: "0.1.0", category: "gitops-guard/check/apps/", docsUrl: "https://example.org/docs/check.md" });
  const log = JSON.parse(text) as SarifLog;
  const run = log.runs[0]!;

  it("is valid SARIF 2.1.0 (the OASIS JSON schema, with ajv)", () => {
    const ok = validate(log);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // The validator does reject what GitHub would: no region line below 1, no unknown result keys.
    const broken = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    broken.runs[0]!.results[0]!["locations"] = [{ physicalLocation: { artifactLocation: { uri: "a.yaml" }, region: { startLine: 0 } } }];
    assert.equal(validate(broken), false);
  });

  it("pins each finding to the changed field's line, not line 1", () => {
    const selector = run.results.find((r) => r.ruleId === "apps.Deployment.selector");
    assert.equal(selector?.locations[0]?.physicalLocation.region.startLine, 20);
    assert.equal(selector?.locations[0]?.physicalLocation.artifactLocation.uri, "check/cascade/after.yaml");
    assert.equal(selector?.level, "error");
    const dangling = run.results.find((r) => r.ruleId === "cascade.dangling");
    assert.equal(dangling?.locations[0]?.physicalLocation.region.startLine, 20, "cascade results sit on the change that causes them");
  });

  it("has one rule per rule id with help and link, referenced by index, a category and fingerprints", () => {
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes("cascade.missing-reference") && ids.includes("cascade.permissions-removed"), ids.join(", "));
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
      assert.match(result.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:1$/);
    }
    assert.ok(run.tool.driver.rules.every((r) => r.help.text.length > 0 && r.helpUri.startsWith("https://example.org/docs/check.md#")));
    assert.equal(run.automationDetails.id, "gitops-guard/check/apps/");
    const hashes = run.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    assert.equal(new Set(hashes).size, hashes.length, "every alert has its own fingerprint");
  });

  it("keeps fingerprints when lines move", () => {
    const moved = JSON.parse(formatImpactSarif(report, { lineOf: () => 99, toolVersion: "0.1.0", category: "c/", docsUrl: "https://example.org" })) as SarifLog;
    assert.deepEqual(
      moved.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash),
      run.results.map((r) => r.partialFingerprints.primaryLocationLineHash),
    );
  });

  it("keeps at most GitHub's 5,000 shown results, errors first", () => {
    const many: ImpactReport = { ...report, resources: Array.from({ length: 3000 }, (_, i) => ({ ...report.resources[0]!, name: `api-${i}` })) };
    const big = JSON.parse(formatImpactSarif(many, { toolVersion: "0.1.0", category: "c/", docsUrl: "https://example.org" })) as SarifLog;
    assert.equal(big.runs[0]!.results.length, SARIF_MAX_RESULTS);
    assert.equal(big.runs[0]!.results[0]?.level, "error");
    assert.ok(validate(big));
  });
});
