import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { draftOf } from "../../../src/core/k8s/own-path.ts";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";

describe("draftOf", () => {
  it("copies only the containers along owned paths; the original never changes", () => {
    const original: JsonObject = { spec: { selector: { matchLabels: { app: "a" } }, template: { spec: { containers: [{ image: "x" }] } } }, metadata: { name: "n" } };
    const before = JSON.stringify(original);
    const { draft, own } = draftOf(original);
    own(["spec", "selector", "matchLabels"]);
    setAt(draft, ["spec", "selector", "matchLabels", "app"], "b");
    own(["spec", "template", "spec", "containers", 0]);
    setAt(draft, ["spec", "template", "spec", "containers", 0, "image"], "y");
    assert.equal(JSON.stringify(original), before);
    assert.equal(JSON.stringify(draft), '{"spec":{"selector":{"matchLabels":{"app":"b"}},"template":{"spec":{"containers":[{"image":"y"}]}}},"metadata":{"name":"n"}}');
    assert.equal(draft["metadata"], original["metadata"], "untouched subtrees are shared, not copied");
  });

  it("stops at a missing step (the writer creates it fresh) and ignores scalars", () => {
    const original: JsonObject = { spec: { replicas: 1 } };
    const { draft, own } = draftOf(original);
    own(["spec", "selector", "matchLabels"]);
    own(["spec", "replicas", "x"]);
    setAt(draft, ["spec", "selector"], { matchLabels: { app: "a" } });
    assert.deepEqual(original, { spec: { replicas: 1 } });
    assert.deepEqual(draft, { spec: { replicas: 1, selector: { matchLabels: { app: "a" } } } });
  });

  it("property: writing anywhere along owned paths never changes the original", () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 4 }), fc.array(fc.array(fc.constantFrom("a", "b", "c", 0, 1), { maxLength: 4 }), { maxLength: 5 }), (object, paths) => {
        const original = object as JsonObject;
        const before = JSON.stringify(original);
        const { draft, own } = draftOf(original);
        for (const path of paths) {
          own(path);
          setAt(draft, path, "written");
        }
        assert.equal(JSON.stringify(original), before);
      }),
    );
  });
});
