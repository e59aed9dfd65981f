import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CelBudgetExceeded, CelMeter, CEL_OBJECT_STEP_LIMIT, CEL_RULE_STEP_LIMIT, DEFAULT_CEL_LIMITS, TIME_CHECK_INTERVAL } from "../../../../src/core/crd/cel/cel-budget.ts";
import { createCelCompiler } from "../../../../src/core/crd/cel/cel-compiler.ts";
import { declaredRulesFromCrd } from "../../../../src/core/crd/declared-rules-from-crd.ts";
import type { JsonObject, JsonValue } from "../../../../src/core/k8s/json.ts";
import { createCatalogue } from "../../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../../src/core/rules/find-findings.ts";

function crd(rules: readonly string[], items: JsonObject = { type: "integer" }, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "hostiles.example.io" },
    spec: {
      group: "example.io", names: { kind: "Hostile", plural: "hostiles" }, scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: {
        spec: { type: "object", "x-kubernetes-validations": rules.map((rule) => ({ rule })), properties: { xs: { type: "array", items }, s: { type: "string" }, ...extra } },
      } } } }],
    },
  };
}

function cr(spec: JsonValue): JsonObject {
  return { apiVersion: "example.io/v1", kind: "Hostile", metadata: { name: "h", namespace: "default" }, spec };
}

describe("CelMeter", () => {
  it("names its bounds after kube-apiserver's PerCallLimit and RuntimeCELCostBudget", () => {
    assert.equal(CEL_RULE_STEP_LIMIT, 1_000_000);
    assert.equal(CEL_OBJECT_STEP_LIMIT, 10_000_000);
    assert.deepEqual(DEFAULT_CEL_LIMITS, { ruleSteps: 1_000_000, objectSteps: 10_000_000, ruleMs: 100, objectMs: 1_000 });
  });

  it("throws past the rule bound, stays spent, and starts afresh for the next rule", () => {
    const meter = new CelMeter({ ruleSteps: 10, objectSteps: 100, ruleMs: 1, objectMs: 1 });
    meter.startRule();
    meter.charge(10);
    assert.throws(() => meter.charge(1), CelBudgetExceeded);
    assert.throws(() => meter.charge(1), /rule steps/);
    meter.startRule();
    meter.charge(5);
    assert.equal(meter.spent, undefined);
  });

  it("keeps the object bound across rules", () => {
    const meter = new CelMeter({ ruleSteps: 60, objectSteps: 100, ruleMs: 1, objectMs: 1 });
    meter.startRule();
    meter.charge(60);
    meter.startRule();
    assert.throws(() => meter.charge(50), /object steps/);
    meter.startRule();
    assert.throws(() => meter.charge(1), /object steps/);
  });

  it("reads the clock every TIME_CHECK_INTERVAL steps and stops past the time cap", () => {
    let now = 0;
    let reads = 0;
    const meter = new CelMeter({ ruleSteps: 1e9, objectSteps: 1e9, ruleMs: 100, objectMs: 1_000 }, () => (reads++, now));
    meter.startRule();
    for (let i = 0; i < TIME_CHECK_INTERVAL * 3; i++) meter.charge(1);
    assert.equal(reads, 2 + 3, "the constructor, startRule, then once per interval");
    now = 101;
    assert.throws(() => {
      for (let i = 0; i < TIME_CHECK_INTERVAL; i++) meter.charge(1);
    }, /rule time/);
  });
});

describe("a hostile rule or object stays within the budget", () => {
  const big = Array.from({ length: 5_000 }, (_, i) => i);

  it("a nested comprehension over a 5,000-item list stops at the rule bound and is reported as not evaluated", () => {
    const result = declaredRulesFromCrd(crd(["self.xs.all(x, self.xs.all(y, x + y >= 0)) && self == oldSelf"]));
    assert.ok(result.ok);
    const started = performance.now();
    const findings = findFindings(createCatalogue(result.rules), { old: cr({ xs: big, s: "a" }), new: cr({ xs: big, s: "b" }) });
    const elapsed = performance.now() - started;
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, "info");
    assert.match(findings[0]!.message, /not evaluated \(the rule steps budget is spent\)/);
    // 1,000,000 steps: about 0.1 s here; 25,000,000 iterations would take seconds.
    assert.ok(elapsed < 2_000, `took ${elapsed} ms`);
  });

  it("the per-object budget stops the rules after it is spent, each reported", () => {
    const rule = "self.xs.all(x, self.xs.exists(y, y == x)) || self == oldSelf";
    const result = declaredRulesFromCrd(crd([rule, rule, rule]), { limits: { ruleSteps: 1e9, objectSteps: 2_000_000, ruleMs: 1e9, objectMs: 1e9 } });
    assert.ok(result.ok);
    const findings = findFindings(createCatalogue(result.rules), { old: cr({ xs: big, s: "a" }), new: cr({ xs: big, s: "b" }) });
    assert.ok(findings.length >= 1 && findings.every((f) => f.severity === "info" && /object steps/.test(f.message)), JSON.stringify(findings));
  });

  it("a catastrophic-backtracking pattern runs in linear time (RE2, not RegExp)", () => {
    const compiler = createCelCompiler();
    const program = compiler.compile("self.matches('^(a+)+$')", false);
    assert.ok(program.ok);
    const started = performance.now();
    const meter = new CelMeter(DEFAULT_CEL_LIMITS);
    meter.startRule();
    assert.equal(program.evaluate({ self: `${"a".repeat(5_000)}!` }, meter), false);
    assert.ok(performance.now() - started < 1_000);
  });

  it("a pattern RE2 refuses (a backreference) is a rule error naming the rule, not a crash", () => {
    const result = declaredRulesFromCrd(crd(["self.s.matches('(a)\\\\1') || self == oldSelf"]));
    assert.ok(result.ok);
    const findings = findFindings(createCatalogue(result.rules), { old: cr({ s: "a" }), new: cr({ s: "b" }) });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /evaluating rule: self\.s\.matches/);
  });

  it("an object nested past the judged depth under a preserve-unknown-fields node is not evaluated, not walked", () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    const result = declaredRulesFromCrd(crd(["self == oldSelf"], { type: "object", "x-kubernetes-preserve-unknown-fields": true }));
    assert.ok(result.ok);
    const findings = findFindings(createCatalogue(result.rules), { old: cr({ xs: [deep] }), new: cr({ xs: [deep, 2] }) }, "all");
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, "info");
    assert.match(findings[0]!.message, /nests deeper than 100/);
  });

  it("keys named after Object.prototype members are data", () => {
    const result = declaredRulesFromCrd(crd(["self.m['__proto__'] == oldSelf.m['__proto__']", "!('toString' in self.m) || self.m.toString == 'x'"], undefined, { m: { type: "object", additionalProperties: { type: "string" } } }));
    assert.ok(result.ok);
    const protoMap = (v: string): JsonObject => cr({ m: JSON.parse(`{"__proto__": "${v}", "constructor": "c"}`) as JsonObject });
    const catalogue = createCatalogue(result.rules);
    const findings = findFindings(catalogue, { old: protoMap("a"), new: protoMap("b") }, "all");
    assert.deepEqual(findings.map((f) => [f.path, f.severity]), [["spec.m", "blocking"]]);
    assert.deepEqual(findFindings(catalogue, { old: protoMap("a"), new: protoMap("a") }, "all"), []);
  });
});
