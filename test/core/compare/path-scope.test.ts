import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { childScope, pathScope, WHOLE_DOCUMENT, type PathScope } from "../../../src/core/compare/path-scope.ts";
import { parsePathPattern, type PathSegment } from "../../../src/core/k8s/field-path.ts";

function scopeOf(...patterns: string[]): PathScope {
  return pathScope(patterns.map(parsePathPattern));
}

/** Where a path stands in a scope: "out", "on the way" (a prefix of a pattern) or "all" (under one). */
function standing(scope: PathScope, path: readonly PathSegment[]): "out" | "on the way" | "all" {
  let current: PathScope | undefined = scope;
  for (const segment of path) {
    current = current ? childScope(current, segment) : undefined;
    if (!current) return "out";
  }
  return current.all ? "all" : "on the way";
}

describe("pathScope", () => {
  it("puts a pattern's subtree and the way to it in scope, and nothing else", () => {
    const scope = scopeOf("spec.selector", "metadata.name");
    assert.equal(standing(scope, ["spec"]), "on the way");
    assert.equal(standing(scope, ["spec", "selector"]), "all");
    assert.equal(standing(scope, ["spec", "selector", "matchLabels", "app"]), "all");
    assert.equal(standing(scope, ["metadata", "name"]), "all");
    assert.equal(standing(scope, ["spec", "template"]), "out");
    assert.equal(standing(scope, ["metadata", "labels"]), "out");
    assert.equal(standing(scope, ["status"]), "out");
  });

  it("lets a wildcard match any key or index, and merges it with named siblings", () => {
    const scope = scopeOf("spec.containers[*].image", "spec.containers[0].name");
    assert.equal(standing(scope, ["spec", "containers", 3, "image"]), "all");
    assert.equal(standing(scope, ["spec", "containers", 3, "name"]), "out");
    assert.equal(standing(scope, ["spec", "containers", 0, "name"]), "all");
    assert.equal(standing(scope, ["spec", "containers", 0, "image"]), "all", "index 0 also gets what [*] says");
  });

  it("is the whole document for an empty pattern, and nothing for no pattern", () => {
    assert.equal(pathScope([[]]), WHOLE_DOCUMENT);
    assert.equal(standing(pathScope([]), ["spec"]), "out");
  });

  it("keeps a wider pattern when a narrower one is under it", () => {
    const scope = scopeOf("spec", "spec.selector.matchLabels");
    assert.equal(standing(scope, ["spec", "template", "spec"]), "all");
    assert.equal(standing(scope, ["spec", "selector", "matchExpressions"]), "all");
  });
});
