import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCelCompiler, MAX_RULE_LENGTH } from "../../../../src/core/crd/cel/cel-compiler.ts";
import { MAX_BLAME_PROBES, MAX_MESSAGE_EXPRESSION_BYTES } from "../../../../src/core/crd/cel/evaluate-rule-site.ts";
import { createRegexCache, MAX_CACHED_PATTERNS, MAX_PATTERN_LENGTH } from "../../../../src/core/crd/cel/regex-cache.ts";
import { MAX_UNORDERED_ITEMS } from "../../../../src/core/crd/cel/schema-equal.ts";
import { declaredRulesFromCrd } from "../../../../src/core/crd/declared-rules-from-crd.ts";
import type { JsonObject, JsonValue } from "../../../../src/core/k8s/json.ts";
import { createCatalogue } from "../../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../../src/core/rules/find-findings.ts";

function judge(specSchema: JsonObject, rule: JsonObject, old: JsonValue, next: JsonValue): { path: string; severity: string; message: string }[] {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "limits.example.io" },
    spec: {
      group: "example.io", names: { kind: "Limit", plural: "limits" }, scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { ...specSchema, "x-kubernetes-validations": [rule] } } } } }],
    },
  };
  const result = declaredRulesFromCrd(crd, { scope: "all" });
  assert.ok(result.ok);
  const cr = (spec: JsonValue): JsonObject => ({ apiVersion: "example.io/v1", kind: "Limit", metadata: { name: "l" }, spec });
  return findFindings(createCatalogue(result.rules), { old: cr(old), new: cr(next) }).map((f) => ({ path: f.path, severity: f.severity, message: f.message }));
}

const fields = (n: number, value: string): JsonObject => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, value]));
const openObject = { type: "object", additionalProperties: { type: "string" } };

describe("the evaluator's named limits", () => {
  it(`MAX_RULE_LENGTH (${MAX_RULE_LENGTH}): a longer rule is not compiled`, () => {
    const compiler = createCelCompiler();
    assert.equal(compiler.compile(`self == '${"a".repeat(MAX_RULE_LENGTH - 12)}'`, false).ok, true);
    const long = compiler.compile(`self == '${"a".repeat(MAX_RULE_LENGTH)}'`, false);
    assert.equal(long.ok, false);
    assert.match(long.ok ? "" : long.reason, /longer than 16384/);
  });

  it(`MAX_BLAME_PROBES (${MAX_BLAME_PROBES}): the breaking field is named among up to 16 changed fields, else the node`, () => {
    const rule = { rule: "self.f0 == oldSelf.f0", message: "f0 is immutable" };
    assert.deepEqual(judge(openObject, rule, fields(MAX_BLAME_PROBES, "a"), fields(MAX_BLAME_PROBES, "b")).map((f) => f.path), ["spec.f0"]);
    assert.deepEqual(judge(openObject, rule, fields(MAX_BLAME_PROBES + 1, "a"), fields(MAX_BLAME_PROBES + 1, "b")).map((f) => f.path), ["spec"]);
  });

  it(`MAX_MESSAGE_EXPRESSION_BYTES (${MAX_MESSAGE_EXPRESSION_BYTES}): a longer message falls back to message`, () => {
    const rule = (n: number): JsonObject => ({ rule: "self.f0 == oldSelf.f0", message: "fallback", messageExpression: `'${"m".repeat(n)}'` });
    assert.equal(judge(openObject, rule(MAX_MESSAGE_EXPRESSION_BYTES), { f0: "a" }, { f0: "b" })[0]?.message.length, MAX_MESSAGE_EXPRESSION_BYTES);
    assert.equal(judge(openObject, rule(MAX_MESSAGE_EXPRESSION_BYTES + 1), { f0: "a" }, { f0: "b" })[0]?.message, "fallback");
  });

  it(`MAX_UNORDERED_ITEMS (${MAX_UNORDERED_ITEMS}): a reordered set up to that size is unchanged, a longer one compares in order`, () => {
    const set = { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } };
    const items = (n: number): string[] => Array.from({ length: n }, (_, i) => `i${i}`);
    const rule = { rule: "self == oldSelf", message: "immutable" };
    assert.deepEqual(judge(set, rule, items(MAX_UNORDERED_ITEMS), items(MAX_UNORDERED_ITEMS).reverse()), []);
    assert.equal(judge(set, rule, items(MAX_UNORDERED_ITEMS + 1), items(MAX_UNORDERED_ITEMS + 1).reverse())[0]?.severity, "blocking");
  });

  it(`MAX_PATTERN_LENGTH (${MAX_PATTERN_LENGTH}) and MAX_CACHED_PATTERNS (${MAX_CACHED_PATTERNS})`, () => {
    const cache = createRegexCache();
    assert.throws(() => cache.compile("a".repeat(MAX_PATTERN_LENGTH + 1)), /longer than 4096/);
    const first = cache.compile("^first$");
    assert.equal(cache.compile("^first$"), first);
    for (let i = 0; i < MAX_CACHED_PATTERNS; i++) cache.compile(`^p${i}$`);
    assert.notEqual(cache.compile("^first$"), first, "the oldest pattern left the cache");
  });
});
