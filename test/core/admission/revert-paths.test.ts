import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import jsonpatch from "fast-json-patch";
import { revertPaths } from "../../../src/core/admission/revert-paths.ts";
import { compareObjects, SERVER_MANAGED_PATHS } from "../../../src/core/compare/compare-objects.ts";
import { getAt, type PathSegment } from "../../../src/core/k8s/field-path.ts";
import { cloneJson, semanticEqual, type JsonObject } from "../../../src/core/k8s/json.ts";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import { loadPair } from "../../support/load-yaml.ts";

/** Reverts every changed path of `incoming` to `live` and returns the result. */
function revertAll(incoming: JsonObject, live: JsonObject): JsonObject {
  const target = cloneJson(incoming);
  revertPaths(target, live, compareObjects(live, incoming).map((c) => c.path));
  return target;
}

function withoutServerManaged(obj: JsonObject): JsonObject {
  const out = cloneJson(obj);
  for (const path of SERVER_MANAGED_PATHS) setAt(out, path, undefined);
  return out;
}

describe("revertPaths", () => {
  const cases: [string, JsonObject, JsonObject, (readonly PathSegment[])[], JsonObject][] = [
    ["a list item added is removed", { l: ["a"] }, { l: ["a", "b"] }, [["l", 1]], { l: ["a"] }],
    ["several list items added are all removed", { l: [1] }, { l: [1, 2, 3, 4] }, [["l", 1], ["l", 2], ["l", 3]], { l: [1] }],
    ["removals run highest index first whatever order they are given in", { l: [1] }, { l: [1, 2, 3, 4] }, [["l", 1], ["l", 3], ["l", 2]], { l: [1] }],
    ["a list item removed is put back", { l: ["a", "b", "c"] }, { l: ["a"] }, [["l", 1], ["l", 2]], { l: ["a", "b", "c"] }],
    ["list items put back in order whatever order they are given in", { l: ["a", "b", "c"] }, { l: ["a"] }, [["l", 2], ["l", 1]], { l: ["a", "b", "c"] }],
    ["a list item changed is restored", { l: ["a", "b"] }, { l: ["a", "x"] }, [["l", 1]], { l: ["a", "b"] }],
    ["a nested key added is removed", { spec: { x: {} } }, { spec: { x: { y: 1 } } }, [["spec", "x", "y"]], { spec: { x: {} } }],
    ["a nested key removed is put back, parents created", { spec: { selector: { app: "api" } } }, { spec: {} }, [["spec", "selector"]], { spec: { selector: { app: "api" } } }],
    ["a key inside a list item", { c: [{ name: "a", image: "1" }] }, { c: [{ name: "a", image: "2", extra: true }] }, [["c", 0, "image"], ["c", 0, "extra"]], { c: [{ name: "a", image: "1" }] }],
    ["only the listed paths are reverted", { a: 1, b: 1 }, { a: 2, b: 2 }, [["a"]], { a: 1, b: 2 }],
    ["a null live value is written back as null", { a: null }, { a: 1 }, [["a"]], { a: null }],
    ["a path absent on both sides changes nothing", { a: 1 }, { a: 1 }, [["b", "c"]], { a: 1 }],
    ["parents a removal leaves empty go too when live has none", { spec: {} }, { spec: { affinity: { podAntiAffinity: { preferred: [1] } } } }, [["spec", "affinity", "podAntiAffinity", "preferred"]], { spec: {} }],
    ["an emptied parent the live object has stays", { spec: { affinity: {} } }, { spec: { affinity: { podAntiAffinity: { preferred: [1] } } } }, [["spec", "affinity", "podAntiAffinity", "preferred"]], { spec: { affinity: {} } }],
    ["a parent with other keys stays", { spec: {} }, { spec: { affinity: { nodeAffinity: { x: 1 }, podAntiAffinity: { p: 1 } } } }, [["spec", "affinity", "podAntiAffinity"]], { spec: { affinity: { nodeAffinity: { x: 1 } } } }],
    ["a key inside a list item the live object lacks removes the whole item", { gates: [{ name: "a" }] }, { gates: [{ name: "a" }, { name: "b" }] }, [["gates", 1, "name"]], { gates: [{ name: "a" }] }],
    ["keys inside two new list items remove both items, highest first", { gates: [{ name: "a" }] }, { gates: [{ name: "a" }, { name: "b" }, { name: "c" }] }, [["gates", 1, "name"], ["gates", 2, "name"], ["gates", 1]], { gates: [{ name: "a" }] }],
    ["an emptied key of a list item the live object has stays an item (removing it would shift the list)", { c: [{ name: "a" }, {}] }, { c: [{ name: "a" }, { extra: { y: 1 } }] }, [["c", 1, "extra", "y"]], { c: [{ name: "a" }, {}] }],
  ];
  for (const [name, live, incoming, paths, expected] of cases) {
    it(name, () => {
      const target = cloneJson(incoming);
      revertPaths(target, live, paths);
      assert.deepEqual(target, expected);
    });
  }

  it("copies live values: changing the result later leaves the live object alone", () => {
    const live: JsonObject = { spec: { selector: { matchLabels: { app: "api" } } } };
    const target: JsonObject = { spec: {} };
    revertPaths(target, live, [["spec", "selector"]]);
    (getAt(target, ["spec", "selector", "matchLabels"]) as JsonObject)["app"] = "changed";
    assert.equal(getAt(live, ["spec", "selector", "matchLabels", "app"]), "api");
  });

  it("reverts a real Deployment selector change and the template labels that go with it", () => {
    const pair = loadPair("rules/apps/deployment-selector-common-labels.yaml");
    const target = cloneJson(pair.new);
    revertPaths(target, pair.old, [["spec", "selector", "matchLabels", "tier"], ["spec", "template", "metadata", "labels", "tier"]]);
    assert.deepEqual(getAt(target, ["spec", "selector"]), getAt(pair.old, ["spec", "selector"]));
    assert.deepEqual(getAt(target, ["spec", "template", "metadata", "labels"]), getAt(pair.old, ["spec", "template", "metadata", "labels"]));
  });

  it("reverting every change of a real pair gives back the live object", () => {
    for (const fixture of ["rules/apps/statefulset-mutable-fields.yaml", "rules/batch/job-dropped-generated-selector.yaml", "rules/core/service-cluster-ip-dropped.yaml"]) {
      const pair = loadPair(fixture);
      const reverted = revertAll(pair.new, pair.old);
      assert.ok(semanticEqual(withoutServerManaged(reverted), withoutServerManaged(pair.old)), fixture);
    }
  });

  it("reverting every change gives back a list whose dropped items were empty (null, {})", () => {
    const live: JsonObject = { spec: { args: ["--a", null], items: [{}] } };
    const reverted = revertAll({ spec: { args: ["--a"], items: [] } }, live);
    assert.ok(semanticEqual(reverted, live), `reverted to ${JSON.stringify(reverted)}`);
  });

  // fast-json-patch refuses "__proto__" in paths by design (banPrototypeModifications), so it cannot
  // be the oracle for such keys; set-at.test.ts covers writing them.
  // Mostly a few shared keys, so that old and new often have the same paths with different values.
  const key = fc.oneof(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__"));
  const value = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true },
      fc.constantFrom(null, true, false, 0, 1, "", "x"),
      // -0 becomes 0 on its way through JSON text (fast-json-patch clones that way): not a difference.
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
      fc.string({ maxLength: 4 }),
      fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(key, tie("value"), { maxKeys: 4 })),
  })).value;
  const object = fc.dictionary(key, value, { maxKeys: 5 });
  const metadata = fc.record(
    { name: fc.constantFrom("a", "b"), resourceVersion: fc.constantFrom("1", "2"), generation: fc.nat(3), labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("x", "y")) },
    { requiredKeys: [] },
  );
  const kubeLike = fc.record({ metadata, spec: object, status: value }, { requiredKeys: [] });

  for (const [name, arbitrary] of [["any JSON objects", object], ["Kubernetes-shaped objects", kubeLike]] as const) {
    it(`property (${name}): reverting compareObjects' paths gives the live object, and the diff is a JSON patch that applies`, () => {
      fc.assert(
        fc.property(arbitrary, arbitrary, (oldValue, newValue) => {
          const live = oldValue as JsonObject;
          const incoming = newValue as JsonObject;
          const reverted = revertAll(incoming, live);
          assert.ok(semanticEqual(withoutServerManaged(reverted), withoutServerManaged(live)), `reverted to ${JSON.stringify(reverted)}`);
          const patch = jsonpatch.compare(incoming, reverted);
          assert.equal(jsonpatch.validate(patch, cloneJson(incoming)), undefined);
          const applied = jsonpatch.applyPatch(cloneJson(incoming), patch, true, false).newDocument;
          assert.deepEqual(applied, reverted);
        }),
        { numRuns: 300 },
      );
    });
  }
});
