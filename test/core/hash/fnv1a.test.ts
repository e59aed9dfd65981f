import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalJson, fnv1a64 } from "../../../src/core/hash/fnv1a.ts";

describe("fnv1a64", () => {
  // Published FNV-1a 64-bit test vectors (Landon Curt Noll's reference test suite, fnv_test.c).
  const vectors: [string, string][] = [
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["b", "af63df4c8601f1a5"],
    ["foo", "dcb27518fed9d577"],
    ["foobar", "85944171f73967e8"],
  ];
  for (const [text, hash] of vectors) {
    it(`${JSON.stringify(text)} → ${hash}`, () => {
      assert.equal(fnv1a64(text), hash);
    });
  }

  it("always answers 16 lowercase hex digits", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        assert.match(fnv1a64(text), /^[0-9a-f]{16}$/);
      }),
    );
  });

  it("is a function of the text alone", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        assert.equal(fnv1a64(text), fnv1a64(`${text}`));
      }),
    );
  });

  it("tells apart texts that differ in one character", () => {
    assert.notEqual(fnv1a64("spec.selector"), fnv1a64("spec.selectoR"));
    assert.notEqual(fnv1a64('{"a":1}'), fnv1a64('{"a":2}'));
  });
});

describe("canonicalJson", () => {
  it("sorts object keys at every depth, keeps list order", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }), '{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it("drops undefined object values and writes a bare undefined as null", () => {
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
    assert.equal(canonicalJson(undefined), "null");
    assert.equal(canonicalJson([1, "x", true, null]), '[1,"x",true,null]');
  });

  it("escapes keys and strings as JSON does", () => {
    assert.equal(canonicalJson({ 'a"b': "line\nbreak" }), '{"a\\"b":"line\\nbreak"}');
  });

  it("parses back to the same value, and is the same whatever the key order", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = canonicalJson(value);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        const reordered = JSON.parse(JSON.stringify(value, (_key, v: unknown) =>
          typeof v === "object" && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
        assert.equal(canonicalJson(reordered), text);
      }),
    );
  });
});
