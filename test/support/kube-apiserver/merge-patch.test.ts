import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mergePatch } from "./merge-patch.ts";

describe("mergePatch (RFC 7386)", () => {
  it("merges objects, removes keys patched to null, and replaces arrays whole", () => {
    const target = { a: "b", c: { d: "e", f: "g" }, list: [1, 2, 3] };
    const patched = mergePatch(target, { a: "z", c: { f: null }, list: [9] });
    assert.deepEqual(patched, { a: "z", c: { d: "e" }, list: [9] });
    assert.deepEqual(target, { a: "b", c: { d: "e", f: "g" }, list: [1, 2, 3] }, "the target is not changed");
  });

  it("replaces a non-object target and ignores null for absent keys (RFC 7386 appendix A)", () => {
    assert.deepEqual(mergePatch(["a"], { a: "b" }), { a: "b" });
    assert.deepEqual(mergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
    assert.deepEqual(mergePatch({ a: "b" }, ["c"]), ["c"]);
  });
});
