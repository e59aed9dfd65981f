import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareObjects, SERVER_MANAGED_PATHS, type FieldChange } from "../../../src/core/compare/compare-objects.ts";
import { cloneJson, semanticEqual, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import { parsePathPattern, pathLeadsTo, patternCovers } from "../../../src/core/k8s/field-path.ts";
import { pathScope } from "../../../src/core/compare/path-scope.ts";
import { loadPair } from "../../support/load-yaml.ts";

/** The changes as plain tuples, for deepEqual. */
function plain(changes: readonly FieldChange[]): [readonly (string | number)[], JsonValue | undefined, JsonValue | undefined][] {
  return changes.map((c) => [c.path, c.from, c.to]);
}

/**
 * Applies changes to a copy of `a`: removals first, in reverse report order (highest index first,
 * so splicing one list item never shifts another still to remove), then writes in report order
 * (lowest index first, so a list grows without holes).
 */
function applyChanges(a: JsonObject, changes: readonly FieldChange[]): JsonObject {
  const out = cloneJson(a);
  for (const c of [...changes].reverse()) if (c.to === undefined) setAt(out, c.path, undefined);
  for (const c of changes) if (c.to !== undefined) setAt(out, c.path, cloneJson(c.to));
  return out;
}

function withoutServerManaged(obj: JsonObject): JsonObject {
  const out = cloneJson(obj);
  for (const path of SERVER_MANAGED_PATHS) setAt(out, path, undefined);
  return out;
}

/**
 * Mostly a few shared keys, so that a and b often hold the same paths with different values. Keys
 * stay under 9 characters: a "__proto__" key is set-at's concern (set-at.test.ts), not compare's.
 */
const KEY = fc.oneof(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 6 }));
const JSON_VALUE: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 1, "", "x"), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 4 }),
    fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(KEY, tie("value"), { maxKeys: 4 })),
})).value;

describe("compareObjects", () => {
  const cases: [string, JsonObject, JsonObject, ReturnType<typeof plain>][] = [
    ["identical objects", { spec: { a: 1, b: [1, 2] } }, { spec: { a: 1, b: [1, 2] } }, []],
    ["a nested leaf", { spec: { a: { b: 1, c: 2 } } }, { spec: { a: { b: 9, c: 2 } } }, [[["spec", "a", "b"], 1, 9]]],
    ["a subtree added, at its root", { spec: {} }, { spec: { selector: { app: "api" } } }, [[["spec", "selector"], undefined, { app: "api" }]]],
    ["a subtree removed, at its root", { spec: { selector: { app: "api" } } }, { spec: {} }, [[["spec", "selector"], { app: "api" }, undefined]]],
    ["a list item changed", { l: ["a", "b", "c"] }, { l: ["a", "x", "c"] }, [[["l", 1], "b", "x"]]],
    ["a list grown", { l: [1, 2] }, { l: [1, 2, 3, 4] }, [[["l", 2], undefined, 3], [["l", 3], undefined, 4]]],
    ["a list shrunk", { l: [1, 2, 3] }, { l: [1] }, [[["l", 1], 2, undefined], [["l", 2], 3, undefined]]],
    ["a list of objects, item by index", { c: [{ name: "a", image: "1" }] }, { c: [{ name: "a", image: "2" }] }, [[["c", 0, "image"], "1", "2"]]],
    ["a scalar turned into a map", { a: "x" }, { a: { b: 1 } }, [[["a"], "x", { b: 1 }]]],
    ["a list turned into a map", { a: [1] }, { a: { b: 1 } }, [[["a"], [1], { b: 1 }]]],
    ["empty list vs absent: no change", { a: [] }, {}, []],
    ["null vs absent: no change", { a: null }, {}, []],
    ["empty map vs null: no change", { a: {} }, { a: null }, []],
    ["empty list vs empty map: no change", { a: [] }, { a: {} }, []],
    ["empty string is a value", { a: "" }, {}, [[["a"], "", undefined]]],
    ["zero is a value", {}, { a: 0 }, [[["a"], undefined, 0]]],
    ["false is a value", { a: true }, { a: false }, [[["a"], true, false]]],
    ["null to a value keeps from: null", { a: null }, { a: 1 }, [[["a"], null, 1]]],
    ["a value to null keeps to: null", { a: 1 }, { a: null }, [[["a"], 1, null]]],
    ["a value to an empty list reports to: absent", { a: 1 }, { a: [] }, [[["a"], 1, undefined]]],
    ["string 1 vs number 1", { a: "1" }, { a: 1 }, [[["a"], "1", 1]]],
  ];
  for (const [name, a, b, expected] of cases) {
    it(name, () => {
      assert.deepEqual(plain(compareObjects(a, b)), expected);
    });
  }

  it("reports a list item removed even when the item is empty (null or {})", () => {
    // [{}] and [] are not semantically equal (a list of length 1 vs 0), so the removal is a change.
    assert.notDeepEqual(compareObjects({ l: [{}] }, { l: [] }), []);
    assert.notDeepEqual(compareObjects({ l: [1, null] }, { l: [1] }), []);
    assert.notDeepEqual(compareObjects({ l: [1] }, { l: [1, {}] }), []);
  });

  it("does not report a list item that is present but empty as absent", () => {
    // Absent and empty are alike for map keys, not for list items: [[]] has one item, [] none.
    const changes = compareObjects({ l: [{ a: 1 }] }, { l: [[]] });
    assert.deepEqual(changes.map((c) => c.path), [["l", 0]]);
    assert.notEqual(changes[0]?.to, undefined, "the item is still there: `to` must not say absent");
  });

  it("skips the fields the API server manages", () => {
    const a: JsonObject = {
      metadata: { name: "api", resourceVersion: "1", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z", selfLink: "/x", managedFields: [{ manager: "a" }] },
      status: { replicas: 1 },
    };
    const b: JsonObject = {
      metadata: { name: "api", resourceVersion: "2", generation: 2, creationTimestamp: "2026-02-02T00:00:00Z", selfLink: "/y", managedFields: [{ manager: "b" }] },
      status: { replicas: 3 },
    };
    assert.deepEqual(compareObjects(a, b), []);
  });

  it("still compares the rest of metadata: uid, labels, annotations", () => {
    const a: JsonObject = { metadata: { uid: "1", labels: { app: "a" }, resourceVersion: "1" } };
    const b: JsonObject = { metadata: { uid: "2", labels: { app: "b" }, resourceVersion: "2" } };
    assert.deepEqual(plain(compareObjects(a, b)), [[["metadata", "uid"], "1", "2"], [["metadata", "labels", "app"], "a", "b"]]);
  });

  it("ignores exactly the paths given (status compared when ignore is empty)", () => {
    const a: JsonObject = { spec: { replicas: 1, paused: false }, status: { ready: 1 } };
    const b: JsonObject = { spec: { replicas: 2, paused: true }, status: { ready: 2 } };
    assert.deepEqual(plain(compareObjects(a, b, { ignore: [] })), [
      [["spec", "replicas"], 1, 2], [["spec", "paused"], false, true], [["status", "ready"], 1, 2],
    ]);
    assert.deepEqual(plain(compareObjects(a, b, { ignore: [["spec", "replicas"], ["status"]] })), [[["spec", "paused"], false, true]]);
  });

  it("tells {} from absent and null only at the pointer-to-struct paths given", () => {
    const pointerStructs = [["spec", "affinity"], ["spec", "containers", "*", "securityContext"]];
    const a: JsonObject = { spec: { containers: [{ name: "a", securityContext: {} }], resources: {} } };
    const b: JsonObject = { spec: { affinity: {}, containers: [{ name: "a", securityContext: null }], tolerations: [] } };
    assert.deepEqual(plain(compareObjects(a, b, { pointerStructs })), [
      [["spec", "containers", 0, "securityContext"], {}, null],
      [["spec", "affinity"], undefined, {}],
    ]);
    // Without the option (and for maps, lists and value structs: resources, tolerations) they are equal.
    assert.deepEqual(compareObjects(a, b), []);
    // {} on both sides, or absent against null, is no change at a pointer path either.
    assert.deepEqual(compareObjects({ spec: { affinity: {} } }, { spec: { affinity: {} } }, { pointerStructs }), []);
    assert.deepEqual(compareObjects({ spec: { affinity: null } }, { spec: {} }, { pointerStructs }), []);
  });

  it("finds the changes of a real object pair", () => {
    const pair = loadPair("rules/apps/deployment-selector-common-labels.yaml");
    const paths = compareObjects(pair.old, pair.new).map((c) => c.path.join("."));
    assert.ok(paths.includes("spec.selector.matchLabels.tier"), paths.join(", "));
    assert.ok(paths.includes("spec.template.metadata.labels.tier"), paths.join(", "));
    assert.deepEqual(compareObjects(pair.old, pair.old), []);
  });

  it("reports nothing when comparing any object with itself", () => {
    fc.assert(
      fc.property(fc.dictionary(KEY, JSON_VALUE), (a) => {
        assert.deepEqual(compareObjects(a, cloneJson(a), { ignore: [] }), []);
      }),
    );
  });

  it("property: applying the changes to a copy of a gives an object semantically equal to b", () => {
    const object = fc.dictionary(KEY, JSON_VALUE, { maxKeys: 6 });
    fc.assert(
      fc.property(object, object, (a, b) => {
        const changes = compareObjects(a as JsonObject, b as JsonObject, { ignore: [] });
        const result = applyChanges(a as JsonObject, changes);
        assert.ok(semanticEqual(result, b as JsonObject), `got ${JSON.stringify(result)} from changes ${JSON.stringify(plain(changes))}`);
      }),
      { numRuns: 500 },
    );
  });

  it("property: the same holds with the default ignores, server-managed paths aside", () => {
    // Objects shaped like Kubernetes objects, so the server-managed paths are often present.
    const value = JSON_VALUE;
    const metadata = fc.record(
      { name: fc.constantFrom("a", "b"), resourceVersion: fc.constantFrom("1", "2"), generation: fc.nat(3), labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("x", "y")), managedFields: fc.array(value, { maxLength: 2 }) },
      { requiredKeys: [] },
    );
    const kubeLike = fc.record({ metadata, spec: fc.dictionary(fc.constantFrom("a", "b", "c"), value), status: value }, { requiredKeys: [] });
    fc.assert(
      fc.property(kubeLike, kubeLike, (a, b) => {
        const changes = compareObjects(a as JsonObject, b as JsonObject);
        const result = applyChanges(a as JsonObject, changes);
        assert.ok(semanticEqual(withoutServerManaged(result), withoutServerManaged(b as JsonObject)),
          `got ${JSON.stringify(result)} from changes ${JSON.stringify(plain(changes))}`);
      }),
      { numRuns: 300 },
    );
  });

  it("compares only inside a scope: the way to each pattern and everything under it", () => {
    const pair = loadPair("rules/apps/deployment-selector-common-labels.yaml");
    const scope = pathScope([parsePathPattern("spec.selector")]);
    const paths = compareObjects(pair.old, pair.new, { scope }).map((c) => c.path.join("."));
    assert.deepEqual(paths, ["spec.selector.matchLabels.tier"]);
    // A subtree missing on one side is reported where the sides diverge, as without a scope.
    assert.deepEqual(plain(compareObjects({ spec: { a: 1 } }, { spec: { a: 1, selector: { x: "1" } } }, { scope })), [[["spec", "selector"], undefined, { x: "1" }]]);
    assert.deepEqual(plain(compareObjects({ spec: { a: 1 } }, {}, { scope })), [[["spec"], { a: 1 }, undefined]]);
  });

  it("property: with a scope, the changes are exactly those of the whole compare that are in scope", () => {
    const patterns = fc.array(fc.array(fc.oneof(KEY, fc.constant("*"), fc.nat(2)), { minLength: 1, maxLength: 3 }), { maxLength: 3 });
    const object = fc.dictionary(KEY, JSON_VALUE, { maxKeys: 6 });
    fc.assert(
      fc.property(object, object, patterns, (a, b, list) => {
        const scope = pathScope(list);
        const inScope = (path: readonly (string | number)[]): boolean =>
          list.some((p) => patternCovers(p, path) || pathLeadsTo(path, p));
        const whole = compareObjects(a as JsonObject, b as JsonObject, { ignore: [] }).filter((c) => inScope(c.path));
        assert.deepEqual(plain(compareObjects(a as JsonObject, b as JsonObject, { ignore: [], scope })), plain(whole));
      }),
      { numRuns: 500 },
    );
  });
});
