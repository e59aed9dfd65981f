import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { patchBetween } from "../../../src/core/admission/patch-between.ts";
import { parseJsonLossless } from "../../../src/core/k8s/lossless-json.ts";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import { cloneJson, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";

const parse = (text: string): JsonObject => parseJsonLossless(text) as JsonObject;

describe("patchBetween", () => {
  it("writes a kept number back as its text, whatever the other side holds (a double, another kept number, nothing)", () => {
    const live = parse('{"spec":{"n":9223372036854775807,"e":1e23}}');
    for (const incoming of ['{"spec":{"n":30,"e":5}}', '{"spec":{"n":9223372036854775806,"e":2e23}}', '{"spec":{}}']) {
      const original = parse(incoming);
      const modified = cloneJson(original);
      for (const key of ["n", "e"]) setAt(modified, ["spec", key], (live["spec"] as Record<string, JsonValue>)[key]);
      const text = JSON.stringify(patchBetween(original, modified));
      assert.match(text, /"path":"\/spec\/n","value":9223372036854775807\}/, `${incoming}: ${text}`);
      assert.match(text, /"path":"\/spec\/e","value":1e23\}/, `${incoming}: ${text}`);
      assert.doesNotMatch(text, /rawJSON|9223372036854776000|1e\+23/);
    }
  });

  it("is fast-json-patch's diff for everything else", () => {
    const original = parse('{"a":1,"b":{"c":[1,2]},"d":"x"}');
    const modified = parse('{"a":2,"b":{"c":[1]},"e":{"f":true}}');
    assert.deepEqual(patchBetween(original, modified), [
      { op: "remove", path: "/d" },
      { op: "remove", path: "/b/c/1" },
      { op: "replace", path: "/a", value: 2 },
      { op: "add", path: "/e", value: { f: true } },
    ]);
  });
});
