import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { desiredSelector, desiredWorkload } from "../../../src/core/recovery/desired-selector.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";

const REFUSED = 'Deployment/shop/web dry-run failed (Invalid): Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "team":"shop"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable';

describe("the desired selector of a refused change", () => {
  it("is read from kube-apiserver's %#v of the LabelSelector", () => {
    assert.deepEqual(desiredSelector(REFUSED), { app: "web", team: "shop" });
  });

  it("is not guessed: matchExpressions, other fields or garbage give undefined", () => {
    assert.equal(desiredSelector(REFUSED.replace("[]v1.LabelSelectorRequirement(nil)", '[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"a"}}}')), undefined);
    assert.equal(desiredSelector('Job.batch "x" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable'), undefined);
    assert.equal(desiredSelector("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"), undefined);
  });

  it("keeps escaped characters and hostile keys as data", () => {
    const s = desiredSelector('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"__proto__":"x", "a\\"b":"c"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
    assert.ok(s !== undefined);
    assert.equal(Object.getPrototypeOf(s), Object.prototype);
    assert.deepEqual(Object.keys(s), ["__proto__", 'a"b']);
  });

  it("gives the workload with the new selector in its selector and pod template, without status and server metadata", () => {
    const live = loadDocuments("kube-controllers/web.yaml").filter(isJsonObject)[0]!;
    const withServer: JsonObject = { ...live, metadata: { ...(live["metadata"] as JsonObject), uid: "u", resourceVersion: "9", generation: 2 }, status: { replicas: 3 } };
    const desired = desiredWorkload(withServer, { app: "web", team: "shop" });
    assert.equal(desired["status"], undefined);
    assert.deepEqual(Object.keys(desired["metadata"] as JsonObject).sort(), ["labels", "name", "namespace"]);
    const spec = desired["spec"] as JsonObject;
    assert.deepEqual(spec["selector"], { matchLabels: { app: "web", team: "shop" } });
    assert.deepEqual(((spec["template"] as JsonObject)["metadata"] as JsonObject)["labels"], { app: "web", team: "shop" });
    assert.deepEqual((withServer["spec"] as JsonObject)["selector"], { matchLabels: { app: "web" } }, "the live object is not changed");
  });
});
