import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isRawNumber, parseJsonLossless } from "../../../src/core/k8s/lossless-json.ts";
import { cloneJson, isJsonObject, semanticEqual, type JsonValue } from "../../../src/core/k8s/json.ts";

describe("parseJsonLossless", () => {
  it("keeps numbers a double would change as their text, and writes them back byte for byte", () => {
    const text = '{"a":9223372036854775807,"b":1e23,"c":-9007199254740993,"d":1.5,"e":42,"f":"1e23 in a string","g":[18446744073709551615]}';
    const value = parseJsonLossless(text) as Record<string, JsonValue>;
    assert.equal(JSON.stringify(value), text);
    assert.ok(isRawNumber(value["a"]) && isRawNumber(value["b"]) && isRawNumber(value["c"]));
    assert.equal(value["d"], 1.5);
    assert.equal(value["e"], 42);
  });

  it("takes the native parser alone when no number is at risk, and keeps __proto__ as a key either way", () => {
    for (const text of ['{"__proto__":{"x":1},"n":1}', '{"__proto__":{"x":1},"n":1e23}']) {
      const value = parseJsonLossless(text) as Record<string, JsonValue>;
      assert.ok(Object.hasOwn(value, "__proto__"), text);
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
    }
    assert.throws(() => parseJsonLossless("{not json"), SyntaxError);
  });

  it("a kept number is a leaf: equal to its own text and to a double that writes as it, never an object", () => {
    const value = parseJsonLossless('{"a":9223372036854775807,"b":9223372036854775807,"c":9223372036854775806,"d":1e23}') as Record<string, JsonValue>;
    assert.equal(isJsonObject(value["a"]), false);
    assert.ok(semanticEqual(value["a"], value["b"]));
    assert.ok(!semanticEqual(value["a"], value["c"]));
    assert.ok(!semanticEqual(value["a"], Number("9223372036854775807")), "a double rounds it");
    assert.ok(!semanticEqual(value["d"], 1e23), "1e23 is not written as 1e+23");
    assert.equal(cloneJson(value["a"]!), value["a"]);
  });
});
