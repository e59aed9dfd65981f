import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { declaredRulesFromCrd } from "../../../src/core/crd/declared-rules-from-crd.ts";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { findCreationFindings, findFindings } from "../../../src/core/rules/find-findings.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";
import { loadObject } from "../../support/load-yaml.ts";

function rulesOf(file: string): readonly Rule[] {
  const result = declaredRulesFromCrd(loadObject(`crds/${file}`));
  assert.ok(result.ok);
  return result.rules;
}

function widget(spec: JsonObject, apiVersion = "example.io/v1"): JsonObject {
  return { apiVersion, kind: "Widget", metadata: { name: "w", namespace: "default" }, spec };
}

function pathsFor(rules: readonly Rule[], old: JsonObject, next: JsonObject): string[] {
  return findFindings(createCatalogue(rules), { old, new: next }).filter((f) => f.severity === "blocking").map((f) => `${f.path}: ${f.message}`);
}

describe("declaredRulesFromCrd", () => {
  it("turns Gateway API's `self == oldSelf` on controllerName into a declared rule with the CRD's message", () => {
    const rules = rulesOf("gatewayclasses.gateway.networking.k8s.io.yaml");
    assert.equal(rules.length, 1);
    const gc = (controllerName: string, description: string): JsonObject => ({
      apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "internal" }, spec: { controllerName, description },
    });
    assert.deepEqual(pathsFor(rules, gc("example.net/gateway", "a"), gc("example.net/other", "a")), ["spec.controllerName: Value is immutable"]);
    assert.deepEqual(pathsFor(rules, gc("example.net/gateway", "a"), gc("example.net/gateway", "b")), []);
  });

  it("understands set-once, required-once-set and child-pinned forms, and ignores other rules", () => {
    const rules = rulesOf("widgets.example.io.yaml");
    const base = { engine: "postgres", minReplicas: 1, maxReplicas: 3 };
    // region may be set once...
    assert.deepEqual(pathsFor(rules, widget(base), widget({ ...base, region: "eu-west-1" })), []);
    // ...then never changed
    assert.deepEqual(pathsFor(rules, widget({ ...base, region: "eu-west-1" }), widget({ ...base, region: "us-east-1" })), ["spec.region: region is immutable once set"]);
    // storageClass may not be removed once set, but may change
    assert.deepEqual(pathsFor(rules, widget({ ...base, storageClass: "gp3" }), widget(base)), ["spec.storageClass: storageClass is required once set"]);
    assert.deepEqual(pathsFor(rules, widget({ ...base, storageClass: "gp3" }), widget({ ...base, storageClass: "io2" })), []);
    // engine pinned from the parent
    assert.deepEqual(pathsFor(rules, widget(base), widget({ ...base, engine: "mysql" })), ["spec.engine: the database engine cannot be changed"]);
    // a non-transition rule is not an immutability rule
    assert.deepEqual(pathsFor(rules, widget(base), widget({ ...base, minReplicas: 2, maxReplicas: 5 })), []);
  });

  it("applies a rule inside a list item to each item present on both sides", () => {
    const rules = rulesOf("widgets.example.io.yaml");
    const spec = (protocol: string, extra: JsonObject[] = []): JsonObject => ({ engine: "pg", listeners: [{ name: "a", protocol }, ...extra] });
    assert.deepEqual(pathsFor(rules, widget(spec("TCP")), widget(spec("UDP"))), ["spec.listeners[0].protocol: listener protocol is immutable"]);
    assert.deepEqual(pathsFor(rules, widget(spec("TCP")), widget(spec("TCP", [{ name: "b", protocol: "UDP" }]))), []);
  });

  it("applies rules only to the version that declares them", () => {
    const rules = rulesOf("widgets.example.io.yaml");
    assert.deepEqual(pathsFor(rules, widget({ engine: "pg" }, "example.io/v1beta1"), widget({ engine: "mysql" }, "example.io/v1beta1")), []);
  });

  it("reports a CRD whose x-kubernetes-validations holds an entry that is not a rule, by version", () => {
    const crd = loadObject("crds/widgets.example.io.yaml");
    const spec = crd["spec"] as JsonObject;
    const schema = ((spec["versions"] as JsonObject[])[0]!["schema"] as JsonObject)["openAPIV3Schema"] as JsonObject;
    ((schema["properties"] as JsonObject)["spec"] as JsonObject)["x-kubernetes-validations"] = [{ rule: "self == oldSelf" }, { message: "no rule" }, { rule: 42 }];
    const result = declaredRulesFromCrd(crd);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /^spec\.versions\[v1\]\.schema: 2 x-kubernetes-validations entries are not a rule/);
  });

  it("reports a document that is not a CRD", () => {
    const result = declaredRulesFromCrd({ apiVersion: "v1", kind: "ConfigMap", data: {} });
    assert.equal(result.ok, false);
  });
});

describe("declaredRulesFromCrd with the CEL evaluator", () => {
  // Every object satisfies the spec rules the test is not about (size set, endpoint unchanged).
  const gadget = (spec: JsonObject, name = "g"): JsonObject => ({ apiVersion: "example.io/v1", kind: "Gadget", metadata: { name, namespace: "default" }, spec: { size: 1, endpoint: "e", ...spec } });
  const all = ((): readonly Rule[] => {
    const result = declaredRulesFromCrd(loadObject("crds/gadgets.example.io.yaml"), { scope: "all" });
    assert.ok(result.ok);
    return result.rules;
  })();
  const findings = (old: JsonObject, next: JsonObject, severity = "blocking"): string[] =>
    findFindings(createCatalogue(all), { old, new: next }).filter((f) => f.severity === severity).map((f) => `${f.path}: ${f.message}`);

  it("serve's scope keeps the transition rules only; check's keeps every rule", () => {
    const transition = declaredRulesFromCrd(loadObject("crds/gadgets.example.io.yaml"));
    assert.ok(transition.ok);
    assert.deepEqual(transition.rules.map((r) => r.id), [
      "crd.example.io.Gadget.v1.spec#1", "crd.example.io.Gadget.v1.spec#2",
      "crd.example.io.Gadget.v1.spec.tags[*]#5", "crd.example.io.Gadget.v1.spec.ports[*]#6",
    ]);
    assert.equal(all.length, 7);
    // Only check judges created objects (serve sees the API server refuse them by itself).
    assert.ok(transition.rules.every((r) => r.create === undefined) && all.every((r) => r.create !== undefined));
    // A rule without oldSelf is fixed in the manifest: its strategy is revert.
    assert.deepEqual(all.filter((r) => r.strategy === "revert").map((r) => r.id), ["crd.example.io.Gadget.v1.root#0", "crd.example.io.Gadget.v1.spec#3", "crd.example.io.Gadget.v1.spec.limits#4"]);
  });

  it("uses messageExpression for the message and blames the field that broke an object rule", () => {
    assert.deepEqual(findings(gadget({}), gadget({ size: 2 })), ["spec.size: size is immutable: 1 to 2"]);
  });

  it("reports a runtime error as kube-apiserver does (the object is refused)", () => {
    assert.deepEqual(findings(gadget({}), gadget({ size: undefined as unknown as number })), ["spec: No such key: size evaluating rule: self.size == oldSelf.size"]);
  });

  it("reports at fieldPath and writes the API server's error for the reason", () => {
    assert.deepEqual(findings(gadget({ owner: "a" }), gadget({ owner: "b" })), ["spec.owner: owner cannot change"]);
    assert.equal(all.find((r) => r.id === "crd.example.io.Gadget.v1.spec#2")?.apiError, "spec: Forbidden: owner cannot change");
  });

  it("reports a rule calling a function outside the library as not evaluated (info), where its node changes", () => {
    assert.deepEqual(findings(gadget({ endpoint: "https://a" }), gadget({ endpoint: "https://a" }), "info"), []);
    const out = findings(gadget({ endpoint: "https://a" }), gadget({ endpoint: "https://b" }), "info");
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^spec: x-kubernetes-validations rule not evaluated \(uses what this evaluator does not support: .*isCIDR.*\); the API server still judges it: isCIDR\(self.endpoint\)$/);
  });

  it("reports a transition rule on atomic list items as not evaluated: kube-apiserver never correlates them", () => {
    assert.deepEqual(findings(gadget({ tags: ["a"] }), gadget({ tags: ["b"] })), []);
    const out = findings(gadget({ tags: ["a"] }), gadget({ tags: ["b"] }), "info").filter((f) => f.startsWith("spec.tags"));
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^spec.tags\[0\]: .*not x-kubernetes-list-type: map never sees oldSelf/);
  });

  it("correlates map-type list items by all their keys, not by index", () => {
    const ports = (...items: JsonObject[]): JsonObject => gadget({ ports: items });
    const http = { port: 80, protocol: "TCP", name: "http" };
    const dns = { port: 53, protocol: "UDP", name: "dns" };
    // Reordered: each item keeps its name.
    assert.deepEqual(findings(ports(http, dns), ports(dns, http)), []);
    // Renamed at the same keys: refused at the item's new index.
    assert.deepEqual(findings(ports(http, dns), ports(dns, { ...http, name: "web" })), ["spec.ports[1].name: a port's name is immutable"]);
    // Same port, other protocol: a new item, no old value to compare.
    assert.deepEqual(findings(ports(http), ports({ ...http, protocol: "UDP", name: "web" })), []);
  });

  it("judges a created object by its rules without oldSelf (transition rules have nothing to compare)", () => {
    const created = gadget({ size: 3, limits: { min: 5, max: 3 }, owner: "o", tags: ["a"] }, "a-name-longer-than-twenty");
    const out = findCreationFindings(createCatalogue(all), created).map((f) => `${f.severity} ${f.path}: ${f.message}`);
    assert.deepEqual(out.sort(), [
      "blocking : the name is at most 20 characters",
      "blocking spec.limits: min must not exceed max",
      "info spec: x-kubernetes-validations rule not evaluated (uses what this evaluator does not support: found no matching overload for 'isCIDR(dyn)'); the API server still judges it: isCIDR(self.endpoint)",
    ]);
  });

  it("judges a rule without oldSelf where its node changed, not where it is unchanged (ratcheting)", () => {
    const bad = { min: 5, max: 3 };
    assert.deepEqual(findings(gadget({ limits: bad }), gadget({ limits: bad, owner: "o" })), []);
    assert.deepEqual(findings(gadget({ limits: { min: 1, max: 3 } }), gadget({ limits: bad })), ["spec.limits: min must not exceed max"]);
    // A rule at the root sees metadata.name (and only name and generateName of the metadata).
    assert.deepEqual(findings(gadget({}, "g"), gadget({}, "a-name-longer-than-twenty")), [": the name is at most 20 characters"]);
  });
});
