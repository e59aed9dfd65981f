import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareQuantities, parseQuantity } from "../../../src/core/k8s/quantity.ts";

describe("parseQuantity", () => {
  const valid: [string | number, bigint, number][] = [
    ["0", 0n, 0],
    ["1", 1n, 0],
    ["10Gi", 10n * 2n ** 30n, 0],
    ["1Ki", 1024n, 0],
    ["2Ei", 2n * 2n ** 60n, 0],
    ["1.5Gi", 15n * 2n ** 30n, 1],
    ["100m", 100n, 3],
    ["250u", 250n, 6],
    ["3n", 3n, 9],
    ["500M", 500_000_000n, 0],
    ["1k", 1000n, 0],
    ["1.5", 15n, 1],
    [".5", 5n, 1],
    ["5.", 5n, 0],
    ["1e3", 1000n, 0],
    ["1E3", 1000n, 0],
    ["1e-3", 1n, 3],
    ["-1", -1n, 0],
    ["+2", 2n, 0],
    [" 1Gi ", 2n ** 30n, 0],
    [3, 3n, 0],
    [0.25, 25n, 2],
  ];
  for (const [text, numerator, scale] of valid) {
    it(`${JSON.stringify(text)} = ${numerator} / 10^${scale}`, () => {
      assert.deepEqual(parseQuantity(text), { numerator, scale });
    });
  }

  for (const text of ["", "abc", "Gi", "1.2.3", "1 Gi", "1gi", "1KiB", "--1", "1e", "0x10", "1,5"]) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parseQuantity(text), undefined);
    });
  }
});

describe("compareQuantities", () => {
  const cases: [string, string, number][] = [
    ["1Gi", "1024Mi", 0],
    ["1Gi", "1G", 1],
    ["10Gi", "20Gi", -1],
    ["20Gi", "10Gi", 1],
    ["500m", "0.5", 0],
    ["1", "1000m", 0],
    ["1k", "1000", 0],
    ["1e3", "1k", 0],
    ["1.5Gi", "1536Mi", 0],
    ["100Mi", "0.1Gi", -1],
    ["-1", "0", -1],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} vs ${b} → ${expected}`, () => {
      assert.equal(compareQuantities(a, b), expected);
    });
  }

  it("is undefined when either side is not a quantity", () => {
    assert.equal(compareQuantities("1Gi", "lots"), undefined);
    assert.equal(compareQuantities("", "1"), undefined);
  });

  it("compares numbers as quantities", () => {
    assert.equal(compareQuantities(2, "2000m"), 0);
    assert.equal(compareQuantities(1, 2), -1);
  });

  it("equates n·1024 of a binary suffix with n of the next one up", () => {
    const suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: suffixes.length - 2 }), (n, i) => {
        assert.equal(compareQuantities(`${n * 1024}${suffixes[i]}`, `${n}${suffixes[i + 1]}`), 0);
      }),
    );
  });

  it("equates n·1000 of a decimal suffix with n of the next one up", () => {
    const suffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: suffixes.length - 2 }), (n, i) => {
        assert.equal(compareQuantities(`${n * 1000}${suffixes[i]}`, `${n}${suffixes[i + 1]}`), 0);
      }),
    );
  });

  it("orders like the integers the quantities stand for, and is antisymmetric", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (a, b) => {
        const expected = Math.sign(a - b);
        assert.equal(compareQuantities(`${a}`, `${b}`), expected);
        assert.equal(compareQuantities(`${a * 1000}m`, `${b}`), expected);
        assert.equal(compareQuantities(`${b}`, `${a}`), -expected || 0);
      }),
    );
  });
});
