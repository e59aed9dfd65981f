import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import type { JsonObject, JsonValue } from "../../../src/core/k8s/json.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { loadPair } from "../../support/load-yaml.ts";

describe("setAt", () => {
  it("writes into a real object at a nested list index", () => {
    const { old: deployment } = loadPair("rules/apps/deployment-image-update.yaml");
    assert.equal(setAt(deployment, ["spec", "template", "spec", "containers", 0, "image"], "nginx:1.27"), true);
    assert.equal(getAt(deployment, ["spec", "template", "spec", "containers", 0, "image"]), "nginx:1.27");
  });

  it("creates missing parents: objects for keys, lists for indexes", () => {
    const target: JsonObject = {};
    assert.equal(setAt(target, ["spec", "ports", 0, "port"], 80), true);
    assert.deepEqual(target, { spec: { ports: [{ port: 80 }] } });
  });

  it("replaces a null parent", () => {
    const target: JsonObject = { metadata: { labels: null } };
    assert.equal(setAt(target, ["metadata", "labels", "app"], "api"), true);
    assert.deepEqual(target, { metadata: { labels: { app: "api" } } });
  });

  it("appends at the index just past the end of a list", () => {
    const target: JsonObject = { items: [1, 2] };
    assert.equal(setAt(target, ["items", 2], 3), true);
    assert.deepEqual(target, { items: [1, 2, 3] });
  });

  it("refuses an index beyond the end of a list (no holes)", () => {
    const target: JsonObject = { items: [1] };
    assert.equal(setAt(target, ["items", 3], 4), false);
    assert.deepEqual(target, { items: [1] });
  });

  it("refuses to step through a scalar, and to mix up keys and indexes", () => {
    const target: JsonObject = { a: 1, list: [1], map: {} };
    assert.equal(setAt(target, ["a", "b"], 2), false);
    assert.equal(setAt(target, ["list", "x"], 2), false);
    assert.equal(setAt(target, ["map", 0], 2), false);
    assert.deepEqual(target, { a: 1, list: [1], map: {} });
  });

  it("refuses the empty path (the root cannot be replaced in place)", () => {
    const target: JsonObject = { a: 1 };
    assert.equal(setAt(target, [], { b: 2 }), false);
    assert.deepEqual(target, { a: 1 });
  });

  it("deletes a key when the value is undefined", () => {
    const target: JsonObject = { metadata: { labels: { a: "1", b: "2" } } };
    assert.equal(setAt(target, ["metadata", "labels", "a"], undefined), true);
    assert.deepEqual(target, { metadata: { labels: { b: "2" } } });
  });

  it("splices a list item out when the value is undefined", () => {
    const target: JsonObject = { items: ["a", "b", "c"] };
    assert.equal(setAt(target, ["items", 1], undefined), true);
    assert.deepEqual(target, { items: ["a", "c"] });
    assert.equal(setAt(target, ["items", 5], undefined), true, "deleting past the end: already absent");
    assert.deepEqual(target, { items: ["a", "c"] });
  });

  it("deleting below a missing parent creates nothing", () => {
    const target: JsonObject = { spec: {} };
    assert.equal(setAt(target, ["spec", "selector", "matchLabels", "app"], undefined), true);
    assert.deepEqual(target, { spec: {} });
  });

  it("writes null as a value (null is not a deletion)", () => {
    const target: JsonObject = { a: 1 };
    assert.equal(setAt(target, ["a"], null), true);
    assert.deepEqual(target, { a: null });
  });

  it("writes a key named __proto__ as an own key, never as the object's prototype", () => {
    // A CRD map may hold any key; JSON.parse makes "__proto__" an ordinary own property.
    const target: JsonObject = { spec: {} };
    const value: JsonValue = { injected: true };
    setAt(target, ["spec", "__proto__"], value);
    const spec = target["spec"] as JsonObject;
    assert.equal(Object.getPrototypeOf(spec), Object.prototype, "the prototype must stay Object.prototype");
    assert.ok(Object.hasOwn(spec, "__proto__"), "__proto__ must be an own key");
    assert.deepEqual(JSON.parse(JSON.stringify(target)), JSON.parse('{"spec":{"__proto__":{"injected":true}}}'));
  });

  it("updates an existing own __proto__ key", () => {
    const target = JSON.parse('{"spec":{"__proto__":1}}') as JsonObject;
    setAt(target, ["spec", "__proto__"], 2);
    assert.equal(JSON.stringify(target), '{"spec":{"__proto__":2}}');
  });
});
