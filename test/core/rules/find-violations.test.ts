import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compareObjects } from "../../../src/core/compare/compare-objects.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { compileRule } from "../../../src/core/rules/catalogue.ts";
import {
  changesUnder, findViolations, frozenViolations, setOnceViolations,
} from "../../../src/core/rules/find-violations.ts";
import type { Rule, RuleInput, Violation } from "../../../src/core/rules/rule.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { parsePathPattern } from "../../../src/core/k8s/field-path.ts";

function input(old: JsonObject, incoming: JsonObject): RuleInput {
  return { old, new: incoming, changes: compareObjects(old, incoming), cluster: {} };
}

const WIDGET = loadPair("rules/engine/widget.yaml");
const widget = input(WIDGET.old, WIDGET.new);

function rule(path: string, check: Rule["check"], extra: Partial<Rule> = {}): Rule {
  return { id: `example.Widget.${path}`, group: "example.io", kind: "Widget", path, class: "immutable", check, why: "test", source: "test", ...extra };
}

function violations(r: Rule, on: RuleInput = widget): [string, unknown, unknown][] {
  return findViolations(compileRule(r), on).map((v: Violation) => [v.path.join("."), v.from, v.to]);
}

describe("findViolations: frozen", () => {
  it("reports a change of the field", () => {
    assert.deepEqual(violations(rule("spec.engine", { type: "frozen" })), [["spec.engine", "v8", "v9"]]);
  });

  it("reports every change inside a frozen subtree, and nothing outside it", () => {
    assert.deepEqual(violations(rule("spec.replicas", { type: "frozen" })), [["spec.replicas.1.size", 2, 3]]);
    assert.deepEqual(violations(rule("spec.missing", { type: "frozen" })), []);
  });

  it("reports each list item through a wildcard", () => {
    assert.deepEqual(violations(rule("spec.replicas[*].size", { type: "frozen" })), [["spec.replicas.1.size", 2, 3]]);
    assert.deepEqual(violations(rule("spec.replicas[*].name", { type: "frozen" })), []);
  });

  it("narrows a change reported above the field to the field (the whole parent appeared)", () => {
    const on = input({ apiVersion: "example.io/v1", kind: "Widget" }, { apiVersion: "example.io/v1", kind: "Widget", spec: { engine: "v9", other: 1 } });
    assert.deepEqual(violations(rule("spec.engine", { type: "frozen" }), on), [["spec.engine", undefined, "v9"]]);
    const unrelated = input({ kind: "Widget" }, { kind: "Widget", spec: { other: 1 } });
    assert.deepEqual(violations(rule("spec.engine", { type: "frozen" }), unrelated), []);
  });

  it("compares an absent value as its default", () => {
    const withDefault = rule("spec.mode", { type: "frozen" }, { defaultValue: "Cluster" });
    const absent = { kind: "Widget", spec: {} };
    assert.deepEqual(violations(withDefault, input(absent, { kind: "Widget", spec: { mode: "Cluster" } })), []);
    assert.deepEqual(violations(withDefault, input({ kind: "Widget", spec: { mode: "Cluster" } }, absent)), []);
    assert.deepEqual(violations(withDefault, input(absent, { kind: "Widget", spec: { mode: "Local" } })), [["spec.mode", undefined, "Local"]]);
    assert.deepEqual(violations(withDefault, input({ kind: "Widget", spec: { mode: "Local" } }, absent)), [["spec.mode", "Local", undefined]]);
    assert.deepEqual(frozenViolations(input(absent, absent), parsePathPattern("spec.mode"), "Cluster"), []);
  });
});

describe("findViolations: set-once", () => {
  it("allows going from unset to a value", () => {
    assert.deepEqual(violations(rule("spec.zone", { type: "set-once" })), []);
    assert.deepEqual(setOnceViolations(input({ spec: { zone: null } }, { spec: { zone: "a" } }), ["spec", "zone"]), []);
  });

  it("counts an empty string as set (pointer fields: \"\" is a value; rules opt out with `when`)", () => {
    assert.equal(setOnceViolations(input({ spec: { zone: "" } }, { spec: { zone: "a" } }), ["spec", "zone"]).length, 1);
  });

  it("refuses changing or removing a value once set", () => {
    assert.deepEqual(violations(rule("spec.region", { type: "set-once" })), [["spec.region", "eu-west-1", "eu-west-2"]]);
    assert.deepEqual(violations(rule("spec.allocatedId", { type: "set-once" })), [["spec.allocatedId", "w-123", undefined]]);
  });

  it("judges list items one by one through a wildcard", () => {
    const on = input({ spec: { items: [{ name: "first" }, { id: "a" }] } }, { spec: { items: [{ name: "first", id: "x" }, { id: "b" }] } });
    assert.deepEqual(setOnceViolations(on, parsePathPattern("spec.items[*].id")).map((v) => [v.path.join("."), v.from, v.to]), [["spec.items.1.id", "a", "b"]]);
  });
});

describe("findViolations: custom and when", () => {
  it("runs a custom check with the input and the compiled rule", () => {
    const custom = rule("spec.engine", { type: "custom", evaluate: (on, compiled) => [{ path: compiled.root, from: "x", to: on.changes.length, detail: "custom" }] });
    const [only] = findViolations(compileRule(custom), widget);
    assert.deepEqual(only, { path: ["spec", "engine"], from: "x", to: widget.changes.length, detail: "custom" });
  });

  it("checks nothing when the precondition does not hold", () => {
    const gated = rule("spec.engine", { type: "frozen" }, { when: (on) => on.old["kind"] === "Gadget" });
    assert.deepEqual(violations(gated), []);
    const open = rule("spec.engine", { type: "frozen" }, { when: (on) => on.old["kind"] === "Widget" });
    assert.equal(violations(open).length, 1);
  });
});

describe("changesUnder", () => {
  it("keeps only changes inside the subtree", () => {
    assert.deepEqual(changesUnder(widget, ["spec", "tuning"]).map((v) => v.path.join(".")), ["spec.tuning.knobs.x"]);
    assert.deepEqual(changesUnder(widget, ["metadata"]).map((v) => v.path.join(".")), ["metadata.labels.app.kubernetes.io/name"]);
  });
});
