import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { displayValue, isSecretValue, REDACTED } from "../../../src/core/findings/display-value.ts";
import type { JsonValue } from "../../../src/core/k8s/json.ts";

describe("isSecretValue", () => {
  const cases: [string, string, (string | number)[], boolean][] = [
    ["", "Secret", ["data", "password"], true],
    ["", "Secret", ["stringData", "token"], true],
    ["", "Secret", ["data"], true],
    ["", "Secret", ["type"], false],
    ["", "Secret", ["metadata", "labels", "data"], false],
    // The whole object, and the paths above data, hold the data: secret too.
    ["", "Secret", [], true],
    ["", "Secret", ["metadata"], true],
    ["", "Secret", ["metadata", "annotations"], true],
    ["", "Secret", ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"], true],
    ["", "Secret", ["metadata", "annotations", "team"], false],
    ["", "ConfigMap", ["data", "password"], false],
    ["example.io", "Secret", ["data", "password"], false],
  ];
  for (const [group, kind, path, expected] of cases) {
    it(`${group || "core"} ${kind} ${JSON.stringify(path)} → ${expected}`, () => {
      assert.equal(isSecretValue(group, kind, path), expected);
    });
  }

  it("names a placeholder that is never a base64 value", () => {
    assert.equal(REDACTED, "<redacted>");
  });
});

describe("displayValue", () => {
  it("shows values as JSON and absence as (absent)", () => {
    assert.equal(displayValue(undefined), "(absent)");
    assert.equal(displayValue(null), "null");
    assert.equal(displayValue("fe"), '"fe"');
    assert.equal(displayValue(3), "3");
    assert.equal(displayValue({ app: "api" }), '{"app":"api"}');
  });

  it("keeps a value that fits exactly and cuts a longer one with an ellipsis", () => {
    const fits = "x".repeat(38); // 40 characters with the quotes
    assert.equal(displayValue(fits), `"${fits}"`);
    const long = "y".repeat(100);
    const shown = displayValue(long);
    assert.equal(shown.length, 40);
    assert.ok(shown.startsWith('"yyy'));
    assert.ok(shown.endsWith("…"));
    assert.equal(displayValue(long, 10), '"yyyyyyyy…');
  });

  it("never exceeds maxChars for maxChars ≥ 2", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 2, max: 80 }), (value, max) => {
        assert.ok(displayValue(value as JsonValue, max).length <= max);
      }),
    );
  });

  it("does not cut a character in half (no lone UTF-16 surrogate before the ellipsis)", () => {
    // '"x' then emoji: the cut at 39 UTF-16 code units falls inside a surrogate pair.
    const shown = displayValue(`x${"😀".repeat(40)}`);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    assert.doesNotMatch(shown, loneSurrogate);
  });
});
