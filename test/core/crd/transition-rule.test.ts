import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseTransitionRule } from "../../../src/core/crd/transition-rule.ts";

describe("parseTransitionRule", () => {
  const cases: [string, unknown[]][] = [
    ["self == oldSelf", [{ form: "frozen-self" }]],
    ["oldSelf == self", [{ form: "frozen-self" }]],
    ["(self == oldSelf)", [{ form: "frozen-self" }]],
    ["!oldSelf.hasValue() || self == oldSelf.value()", [{ form: "frozen-self" }]],
    ["self.engine == oldSelf.engine", [{ form: "frozen-child", child: "engine" }]],
    ["self.a == oldSelf.b", []],
    ["!has(oldSelf.region) || self.region == oldSelf.region", [{ form: "set-once-child", child: "region" }]],
    ["!has(oldSelf.region) || (has(self.region) && self.region == oldSelf.region)", [{ form: "set-once-child", child: "region" }]],
    ["has(self.x) == has(oldSelf.x)", [{ form: "presence-frozen-child", child: "x" }]],
    ["!has(oldSelf.x) || has(self.x)", [{ form: "required-once-set-child", child: "x" }]],
    ["self.a == oldSelf.a && self.b == oldSelf.b", [{ form: "frozen-child", child: "a" }, { form: "frozen-child", child: "b" }]],
    ["self.minReplicas <= self.maxReplicas", []],
    ["size(self) >= size(oldSelf)", []],
  ];
  for (const [rule, expected] of cases) {
    it(`reads ${rule}`, () => assert.deepEqual(parseTransitionRule(rule), expected));
  }
});
