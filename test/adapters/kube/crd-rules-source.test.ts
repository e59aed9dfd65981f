import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { watchCrdRules } from "../../../src/adapters/kube/crd-rules-source.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { declaredRulesFromCrd } from "../../../src/core/crd/declared-rules-from-crd.ts";
import { cloneJson, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { waitFor } from "../../support/wait-for.ts";

function ruleIds(crd: JsonObject): string[] {
  const result = declaredRulesFromCrd(crd);
  assert.ok(result.ok);
  return result.rules.map((r) => r.id).sort();
}

const WIDGETS = loadObject("crds/widgets.example.io.yaml");
const GATEWAY_CLASSES = loadObject("crds/gatewayclasses.gateway.networking.k8s.io.yaml");
const CRD = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition" };

describe("watchCrdRules", () => {
  let server: SimulatedApiServer;
  let kc: KubeConfig;
  before(async () => {
    server = await startKubeApiServer();
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
  });
  after(() => server.stop());

  it("publishes the declared rules of every CRD after the list and after each change", async () => {
    assert.ok(ruleIds(WIDGETS).length > 0 && ruleIds(GATEWAY_CLASSES).length > 0, "both fixtures declare rules");
    server.store.put(WIDGETS);
    const published: { ids: string[]; count: number }[] = [];
    const invalid: [string, string][] = [];
    const errors: Error[] = [];
    const source = watchCrdRules({
      kc, http: createKubeHttp(kc), backoff: { initialMs: 20, maxMs: 100 },
      onRules: (rules: readonly Rule[], crds) => published.push({ ids: rules.map((r) => r.id).sort(), count: crds.length }),
      onInvalid: (name, error) => invalid.push([name, error]),
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor("the first publication", () => published.length === 1);
      assert.deepEqual(published[0], { ids: ruleIds(WIDGETS), count: 1 });
      await waitFor("the watch", () => server.requests.some((r) => r.path.endsWith("/customresourcedefinitions") && r.query["watch"] !== undefined));

      server.store.put(GATEWAY_CLASSES);
      await waitFor("the second publication", () => published.length === 2);
      assert.deepEqual(published[1], { ids: [...ruleIds(WIDGETS), ...ruleIds(GATEWAY_CLASSES)].sort(), count: 2 });

      // A CRD that loses its transition rules publishes fewer rules.
      const plain = cloneJson(WIDGETS);
      const schema = (((plain["spec"] as JsonObject)["versions"] as JsonObject[])[0]!["schema"] as JsonObject);
      schema["openAPIV3Schema"] = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
      server.store.put(plain);
      await waitFor("the third publication", () => published.length === 3);
      // count: the CRDs that declare rules (the ones a decision thread gets a copy of).
      assert.deepEqual(published[2], { ids: ruleIds(GATEWAY_CLASSES), count: 1 });

      server.store.delete({ ...CRD, name: "gatewayclasses.gateway.networking.k8s.io" });
      await waitFor("the fourth publication", () => published.length === 4);
      assert.deepEqual(published[3], { ids: [], count: 0 });
      assert.deepEqual(invalid, []);
      assert.deepEqual(errors, []);
    } finally {
      source.stop();
      server.store.delete({ ...CRD, name: "widgets.example.io" });
    }
  });

  it("reports a CRD it cannot read by name and keeps publishing the others", async () => {
    server.store.put(WIDGETS);
    const broken = cloneJson(WIDGETS);
    (broken["metadata"] as JsonObject)["name"] = "gadgets.example.io";
    const spec = broken["spec"] as JsonObject;
    spec["names"] = { kind: "Gadget", plural: "gadgets", singular: "gadget", listKind: "GadgetList" };
    ((spec["versions"] as JsonObject[])[0]!)["schema"] = "not a schema";
    const published: number[] = [];
    const invalid: [string, string][] = [];
    const source = watchCrdRules({
      kc, http: createKubeHttp(kc),
      onRules: (rules) => published.push(rules.length),
      onInvalid: (name, error) => invalid.push([name, error]),
      onError: () => undefined,
    });
    try {
      await waitFor("the first publication", () => published.length === 1);
      await waitFor("the watch", () => server.requests.filter((r) => r.path.endsWith("/customresourcedefinitions") && r.query["watch"] !== undefined).length >= 2);
      server.store.put(broken);
      await waitFor("the invalid report", () => invalid.length === 1);
      assert.equal(invalid[0]![0], "gadgets.example.io");
      assert.match(invalid[0]![1], /spec\.versions\.0\.schema/);
      await waitFor("a publication", () => published.length === 2);
      assert.equal(published[1], ruleIds(WIDGETS).length);
    } finally {
      source.stop();
      server.store.delete({ ...CRD, name: "widgets.example.io" });
      server.store.delete({ ...CRD, name: "gadgets.example.io" });
    }
  });

  it("starts from an empty set when there are no CRDs", async () => {
    const published: number[] = [];
    const source = watchCrdRules({ kc, http: createKubeHttp(kc), onRules: (_rules, crds) => published.push(crds.length), onInvalid: () => undefined, onError: () => undefined });
    try {
      await waitFor("the first publication", () => published.length === 1);
      assert.deepEqual(published, [0]);
    } finally {
      source.stop();
    }
  });
});
