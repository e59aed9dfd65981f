import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  describeSelector,
  EVERYTHING,
  labelsOf,
  parseLabelSelector,
  parseMapSelector,
  requiredPairs,
  selectorMatches,
} from "../../../../src/core/impact/cascade/label-selector.ts";
import type { JsonValue } from "../../../../src/core/k8s/json.ts";

const labels = (obj: Record<string, string>): Map<string, string> => new Map(Object.entries(obj));

describe("label selectors", () => {
  it("ANDs matchLabels and matchExpressions", () => {
    const s = parseLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["fe", "frontend"] }] });
    assert.equal(selectorMatches(s, labels({ app: "web", tier: "fe" })), true);
    assert.equal(selectorMatches(s, labels({ app: "web", tier: "be" })), false);
    assert.equal(selectorMatches(s, labels({ app: "api", tier: "fe" })), false);
  });

  it("NotIn and DoesNotExist match objects that lack the key; In and Exists do not (apimachinery Requirement.Matches)", () => {
    const notIn = parseLabelSelector({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["be"] }] });
    assert.equal(selectorMatches(notIn, labels({})), true);
    assert.equal(selectorMatches(notIn, labels({ tier: "be" })), false);
    const absent = parseLabelSelector({ matchExpressions: [{ key: "legacy", operator: "DoesNotExist" }] });
    assert.equal(selectorMatches(absent, labels({ app: "x" })), true);
    assert.equal(selectorMatches(absent, labels({ legacy: "" })), false);
    const inOp = parseLabelSelector({ matchExpressions: [{ key: "tier", operator: "In", values: ["be"] }] });
    assert.equal(selectorMatches(inOp, labels({})), false);
    const exists = parseLabelSelector({ matchExpressions: [{ key: "tier", operator: "Exists" }] });
    assert.equal(selectorMatches(exists, labels({ tier: "" })), true);
    assert.equal(selectorMatches(exists, labels({})), false);
  });

  it("an empty LabelSelector selects everything, a null one nothing (unless the API defaults it)", () => {
    assert.equal(selectorMatches(parseLabelSelector({}), labels({ any: "thing" })), true);
    assert.equal(selectorMatches(parseLabelSelector(null), labels({ any: "thing" })), false);
    assert.equal(selectorMatches(parseLabelSelector(undefined), labels({})), false);
    assert.equal(selectorMatches(parseLabelSelector(undefined, EVERYTHING), labels({})), true);
  });

  it("a Service's empty or absent selector selects nothing (endpoints managed outside Kubernetes)", () => {
    assert.deepEqual(parseMapSelector({}), { type: "none", reason: "no-selector" });
    assert.deepEqual(parseMapSelector(undefined), { type: "none", reason: "no-selector" });
    assert.equal(selectorMatches(parseMapSelector({ app: "web" }), labels({ app: "web", x: "y" })), true);
  });

  it("a selector the API server would refuse selects nothing", () => {
    const bads: JsonValue[] = [
      { matchExpressions: [{ key: "a", operator: "Like", values: ["x"] }] },
      { matchExpressions: [{ key: "a", operator: "In", values: [] }] },
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      { matchLabels: { a: 1 } },
      "app=web",
    ];
    for (const bad of bads) {
      assert.deepEqual(parseLabelSelector(bad), { type: "none", reason: "invalid" }, JSON.stringify(bad));
    }
  });

  it("treats __proto__ and constructor as label keys like any other", () => {
    const hostile = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    const l = labelsOf(hostile);
    assert.equal(l.get("__proto__"), "x");
    const s = parseMapSelector(JSON.parse('{"__proto__": "x"}') as Record<string, string>);
    assert.equal(selectorMatches(s, l), true);
    assert.equal(selectorMatches(s, labels({ constructor: "y" })), false);
  });

  it("exposes the pairs an index can look a selector up by, and prints kubectl's notation", () => {
    const s = parseLabelSelector({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["fe"] },
        { key: "zone", operator: "NotIn", values: ["a", "b"] },
        { key: "legacy", operator: "DoesNotExist" },
      ],
    });
    assert.deepEqual(requiredPairs(s), [["app", "web"], ["tier", "fe"]]);
    assert.equal(describeSelector(s), "app=web, tier in (fe), zone notin (a,b), !legacy");
    assert.equal(describeSelector(EVERYTHING), "<everything>");
  });
});
