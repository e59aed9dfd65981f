import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Operation } from "fast-json-patch";
import { verdictFor } from "../../../src/core/admission/verdict-for.ts";
import { skipDecision } from "../../../src/core/decide/decide.ts";
import { audited, deny, mark, warn, type Mark } from "../../../src/core/decide/decision.ts";
import { findingsFor } from "../../support/rule-case.ts";

const findings = findingsFor("rules/apps/deployment-selector-common-labels.yaml");
const PATCH: Operation[] = [{ op: "replace", path: "/spec/selector/matchLabels/tier", value: "fe" }];

const MARK: Mark = { strategy: "recreate", digest: "0123456789abcdef", toolMarker: undefined };

describe("verdictFor", () => {
  it("allows with no annotations when enforce mode found nothing", () => {
    assert.deepEqual(verdictFor(skipDecision("no findings", "enforce"), []), { allowed: true, patch: [], warnings: [], auditAnnotations: {} });
  });

  it("turns a denial into allowed:false with its code and message, and drops any patch", () => {
    const verdict = verdictFor(deny(findings, { code: 422, message: "field is immutable" }, "test"), PATCH);
    assert.equal(verdict.allowed, false);
    assert.deepEqual(verdict.status, { code: 422, message: "field is immutable", reason: "Invalid" });
    assert.deepEqual(verdict.patch, []);
  });

  it("carries the patch of an allowed decision, with its warnings", () => {
    const verdict = verdictFor(mark(findings, findings, MARK, ["kept live value"], "test"), PATCH);
    assert.equal(verdict.allowed, true);
    assert.deepEqual(verdict.patch, PATCH);
    assert.deepEqual(verdict.warnings, ["kept live value"]);
  });

  it("records action and the rules that fired as audit annotations", () => {
    const verdict = verdictFor(mark(findings, findings, MARK, [], "test"), PATCH);
    assert.deepEqual(verdict.auditAnnotations, { action: "mark", rules: "apps.Deployment.selector,apps.Deployment.template.metadata.labels" });
  });

  it("records the enforced action and the mode outside enforce mode, even without findings", () => {
    const audit = verdictFor(audited(deny([], { code: 422, message: "field is immutable" }, "test")), []);
    assert.equal(audit.allowed, true);
    assert.deepEqual(audit.auditAnnotations, { action: "deny", mode: "audit" });
    assert.deepEqual(verdictFor(skipDecision("policy mode is off", "off"), []).auditAnnotations, { action: "allow", mode: "off" });
  });

  it("names each rule once, ten at most", () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ ...findings[0]!, ruleId: `rule.${i % 12}` }));
    const verdict = verdictFor(warn(many, [], "test"), []);
    const rules = verdict.auditAnnotations["rules"]!.split(",");
    assert.equal(rules.length, 10);
    assert.equal(new Set(rules).size, 10);
    assert.deepEqual(rules, Array.from({ length: 10 }, (_, i) => `rule.${i}`));
  });
});
