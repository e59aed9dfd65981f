import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cloneJson, isEmptyValue, isJsonObject, semanticEqual, type JsonValue } from "../../../src/core/k8s/json.ts";
import { loadPair } from "../../support/load-yaml.ts";

describe("isJsonObject", () => {
  it("is true for plain objects only", () => {
    assert.equal(isJsonObject({}), true);
    assert.equal(isJsonObject({ a: 1 }), true);
    for (const value of [null, undefined, [], [1], "x", 0, true]) assert.equal(isJsonObject(value), false, JSON.stringify(value));
  });
});

describe("isEmptyValue", () => {
  it("treats absent, null, [] and {} as empty (apimachinery semantic DeepEqual)", () => {
    for (const value of [undefined, null, [], {}]) assert.equal(isEmptyValue(value), true, JSON.stringify(value));
  });
  it("treats zero values of scalars and non-empty containers as values", () => {
    for (const value of [0, "", false, [null], [{}], { a: null }]) assert.equal(isEmptyValue(value), false, JSON.stringify(value));
  });
});

describe("semanticEqual", () => {
  const equal: [JsonValue | undefined, JsonValue | undefined][] = [
    [undefined, null],
    [null, []],
    [[], {}],
    [{ a: [] }, {}],
    [{ a: { b: null } }, { a: {} }],
    [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2, d: null }], a: 1 }],
    [[null], [{}]],
    ["x", "x"],
    [0, 0],
  ];
  for (const [a, b] of equal) {
    it(`${JSON.stringify(a)} equals ${JSON.stringify(b)}`, () => {
      assert.equal(semanticEqual(a, b), true);
      assert.equal(semanticEqual(b, a), true);
    });
  }

  const different: [JsonValue | undefined, JsonValue | undefined][] = [
    [{ a: "" }, {}],
    [{ a: 0 }, {}],
    [{ a: false }, { a: null }],
    [[1, 2], [2, 1]],
    [[null], []],
    [[{}], []],
    [[1], [1, 1]],
    ["1", 1],
    [0, false],
    [{ a: [1] }, { a: { 0: 1 } }],
    // Only one level: a map holding an empty map is not itself empty (as in apimachinery).
    [{ a: { b: {} } }, {}],
  ];
  for (const [a, b] of different) {
    it(`${JSON.stringify(a)} differs from ${JSON.stringify(b)}`, () => {
      assert.equal(semanticEqual(a, b), false);
      assert.equal(semanticEqual(b, a), false);
    });
  }

  it("equates a real object with its deep copy", () => {
    const { old, new: incoming } = loadPair("rules/apps/statefulset-mutable-fields.yaml");
    assert.equal(semanticEqual(old, cloneJson(old)), true);
    assert.equal(semanticEqual(old, incoming), false);
  });

  it("is reflexive and symmetric for any JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        const x = a as JsonValue;
        const y = b as JsonValue;
        assert.equal(semanticEqual(x, structuredClone(x)), true);
        assert.equal(semanticEqual(x, y), semanticEqual(y, x));
      }),
    );
  });
});

describe("cloneJson", () => {
  it("copies deeply: changing the copy leaves the original alone", () => {
    const { old } = loadPair("rules/apps/deployment-image-update.yaml");
    const before = JSON.stringify(old);
    const copy = cloneJson(old);
    assert.deepEqual(copy, old);
    (copy["spec"] as { replicas?: number }).replicas = 99;
    assert.equal(JSON.stringify(old), before);
  });

  it("property: a copy is deep-equal and shares no object or array with the original", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copy = cloneJson(value as JsonValue);
      assert.deepEqual(copy, value);
      const shared = (a: unknown, b: unknown): boolean =>
        typeof a === "object" && a !== null && (a === b || Object.keys(a).some((k) => shared((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])));
      assert.equal(shared(copy, value), false);
    }));
  });

  it("keeps a __proto__ key as an own property and never changes the copy's prototype", () => {
    const value = JSON.parse('{"a":{"__proto__":{"polluted":"yes"},"b":1}}') as JsonValue;
    const copy = cloneJson(value) as { a: Record<string, unknown> };
    assert.equal(Object.getPrototypeOf(copy.a), Object.prototype);
    assert.equal(copy.a["polluted"], undefined);
    assert.deepEqual(Object.keys(copy.a), ["__proto__", "b"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy.a, "__proto__")?.value, { polluted: "yes" });
  });
});
