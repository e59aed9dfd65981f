import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { base64Utf8 } from "../../../src/core/k8s/base64-utf8.ts";

describe("base64Utf8", () => {
  it("is standard padded base64 of the UTF-8 bytes, for any text (Buffer as the reference)", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
      assert.equal(base64Utf8(text), Buffer.from(text, "utf8").toString("base64"));
    }));
  });

  it("encodes a 1 MiB patch in one piece", () => {
    const text = `[{"op":"replace","path":"/data/x","value":"${"é".repeat(512 * 1024)}"}]`;
    assert.equal(base64Utf8(text), Buffer.from(text, "utf8").toString("base64"));
  });

  it("gives the same answer without Uint8Array#toBase64 (Node 24)", () => {
    const native = Object.getOwnPropertyDescriptor(Uint8Array.prototype, "toBase64");
    assert.ok(native, "this Node has toBase64");
    try {
      Reflect.deleteProperty(Uint8Array.prototype, "toBase64");
      for (const text of ["", "a", "héllo wörld ✓", "€".repeat(70_000)]) assert.equal(base64Utf8(text), Buffer.from(text, "utf8").toString("base64"));
    } finally {
      Object.defineProperty(Uint8Array.prototype, "toBase64", native);
    }
  });
});
