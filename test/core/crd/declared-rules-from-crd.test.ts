import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { declaredRulesFromCrd } from "../../../src/core/crd/declared-rules-from-crd.ts";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
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

  it("reports a document that is not a CRD", () => {
    const result = declaredRulesFromCrd({ apiVersion: "v1", kind: "ConfigMap", data: {} });
    assert.equal(result.ok, false);
  });
});
