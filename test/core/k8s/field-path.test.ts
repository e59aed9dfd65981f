import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatFieldPath, getAt, parsePathPattern, pathLeadsTo, patternCovers, toJsonPointer, type PathSegment,
} from "../../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { loadPair } from "../../support/load-yaml.ts";

describe("formatFieldPath", () => {
  const cases: [readonly PathSegment[], string][] = [
    [[], ""],
    [["spec"], "spec"],
    [["spec", "template", "spec", "containers", 0, "name"], "spec.template.spec.containers[0].name"],
    [["spec", "selector", "matchLabels", "tier"], "spec.selector.matchLabels.tier"],
    // Label keys print in brackets, as k8s.io/apimachinery field.Path.Key does.
    [["metadata", "labels", "app.kubernetes.io/name"], "metadata.labels[app.kubernetes.io/name]"],
    [["metadata", "annotations", "kustomize.toolkit.fluxcd.io/force"], "metadata.annotations[kustomize.toolkit.fluxcd.io/force]"],
    [["data", "my-key_1"], "data.my-key_1"],
    [[0, "name"], "[0].name"],
    [["has space"], "[has space]"],
    [["items", 3, 12], "items[3][12]"],
  ];
  for (const [segments, expected] of cases) {
    it(`${JSON.stringify(segments)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(formatFieldPath(segments), expected);
    });
  }
});

describe("parsePathPattern", () => {
  const cases: [string, PathSegment[]][] = [
    ["spec", ["spec"]],
    ["spec.selector", ["spec", "selector"]],
    ["spec.containers[*].image", ["spec", "containers", "*", "image"]],
    ["spec.containers.*.image", ["spec", "containers", "*", "image"]],
    ["spec.volumeClaimTemplates[0].spec", ["spec", "volumeClaimTemplates", 0, "spec"]],
    ["spec.ports[12].nodePort", ["spec", "ports", 12, "nodePort"]],
    ["metadata.labels[app.kubernetes.io/name]", ["metadata", "labels", "app.kubernetes.io/name"]],
    ["", []],
  ];
  for (const [pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parsePathPattern(pattern), expected);
    });
  }

  it("reads back what formatFieldPath writes (keys that are not all digits and hold no ']')", () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !k.includes("]") && !/^\d+$/.test(k));
    const segment = fc.oneof(key, fc.nat({ max: 1000 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        assert.deepEqual(parsePathPattern(formatFieldPath(segments)), segments);
      }),
    );
  });
});

describe("patternCovers", () => {
  const path: PathSegment[] = ["spec", "containers", 1, "image"];
  const cases: [PathSegment[], boolean][] = [
    [[], true],
    [["spec"], true],
    [["spec", "containers"], true],
    [["spec", "containers", "*"], true],
    [["spec", "containers", "*", "image"], true],
    [["spec", "containers", 1, "image"], true],
    [["spec", "containers", 0], false],
    [["spec", "containers", "*", "name"], false],
    [["spec", "containers", 1, "image", "tag"], false],
    [["status"], false],
  ];
  for (const [pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} covers ${JSON.stringify(path)}: ${expected}`, () => {
      assert.equal(patternCovers(pattern, path), expected);
    });
  }
});

describe("pathLeadsTo", () => {
  const pattern: PathSegment[] = ["spec", "containers", "*", "image"];
  const cases: [PathSegment[], boolean][] = [
    [[], true],
    [["spec"], true],
    [["spec", "containers"], true],
    [["spec", "containers", 4], true],
    [["spec", "containers", 4, "image"], true],
    [["spec", "containers", 4, "name"], false],
    [["spec", "containers", 4, "image", "x"], false],
    [["metadata"], false],
  ];
  for (const [path, expected] of cases) {
    it(`${JSON.stringify(path)} leads to ${JSON.stringify(pattern)}: ${expected}`, () => {
      assert.equal(pathLeadsTo(path, pattern), expected);
    });
  }
});

describe("getAt", () => {
  const { old: deployment } = loadPair("rules/apps/deployment-image-update.yaml");

  it("reads nested keys and list indexes of a real object", () => {
    assert.equal(getAt(deployment, ["kind"]), "Deployment");
    assert.equal(typeof getAt(deployment, ["spec", "template", "spec", "containers", 0, "image"]), "string");
    assert.deepEqual(getAt(deployment, []), deployment);
  });

  it("is undefined for missing keys, indexes past the end, and steps through scalars or null", () => {
    const doc: JsonObject = { a: { b: null, c: [1, 2], s: "text" } };
    assert.equal(getAt(doc, ["missing"]), undefined);
    assert.equal(getAt(doc, ["a", "c", 2]), undefined);
    assert.equal(getAt(doc, ["a", "b", "x"]), undefined);
    assert.equal(getAt(doc, ["a", "s", "length"]), undefined);
    assert.equal(getAt(doc, ["a", "c", "0"]), undefined, "a string key does not index a list");
    assert.equal(getAt(doc, ["a", 0]), undefined, "a number does not index an object");
    assert.equal(getAt(undefined, ["a"]), undefined);
  });

  it("keeps null values (null is not absent)", () => {
    assert.equal(getAt({ a: { b: null } }, ["a", "b"]), null);
  });

  it("reads own keys only, never inherited properties", () => {
    assert.equal(getAt({}, ["toString"]), undefined);
    assert.equal(getAt({}, ["constructor"]), undefined);
    assert.equal(getAt({ a: {} }, ["a", "__proto__"]), undefined);
  });
});

describe("toJsonPointer", () => {
  it("writes RFC 6901 pointers with ~ and / escaped", () => {
    assert.equal(toJsonPointer([]), "");
    assert.equal(toJsonPointer(["spec", "containers", 0, "image"]), "/spec/containers/0/image");
    assert.equal(toJsonPointer(["metadata", "annotations", "kustomize.toolkit.fluxcd.io/force"]), "/metadata/annotations/kustomize.toolkit.fluxcd.io~1force");
    assert.equal(toJsonPointer(["a~b/c"]), "/a~0b~1c");
    assert.equal(toJsonPointer(["~1"]), "/~01", "~ is escaped before /, so ~1 stays literal");
  });
});
