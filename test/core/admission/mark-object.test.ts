import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasMark, markObject, REPLACE_LABEL, TOOL_MARKER_ANNOTATION, unmarkObject } from "../../../src/core/admission/mark-object.ts";
import { changeDigest } from "../../../src/core/decide/decide.ts";
import type { Mark } from "../../../src/core/decide/decision.ts";
import {
  ARGOCD_SYNC_OPTIONS_ANNOTATION, FLUX_FORCE_ANNOTATION, MARK_ANNOTATIONS, MAX_DESIRED_ANNOTATION_BYTES,
} from "../../../src/core/decide/mark-annotations.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import { cloneJson, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaMap } from "../../../src/core/k8s/kube-object.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { findingsFor } from "../../support/rule-case.ts";

const SELECTOR = "rules/apps/deployment-selector-common-labels.yaml";
const DEPLOYMENT = { group: "apps", kind: "Deployment" };

function conflicts(fixture: string): Finding[] {
  return findingsFor(fixture).filter((f) => f.severity === "blocking");
}

function mark(toolMarker: Mark["toolMarker"], findings: readonly Finding[], strategy: Mark["strategy"] = "recreate"): Mark {
  return { strategy, digest: changeDigest(findings), toolMarker };
}

/** The fixture's new object with the given annotations (a fresh copy). */
function object(fixture: string, annotations?: Record<string, string>): JsonObject {
  const obj = cloneJson(loadPair(fixture).new);
  if (annotations) (obj["metadata"] as JsonObject)["annotations"] = { ...annotations };
  return obj;
}

describe("markObject", () => {
  it("writes strategy, fields, digest and desired values, and Flux's force marker for a Flux object", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR);
    markObject(target, mark("flux", findings), findings, DEPLOYMENT);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), {
      [MARK_ANNOTATIONS.replace]: "recreate",
      [MARK_ANNOTATIONS.fields]: "spec.selector.matchLabels.tier",
      [MARK_ANNOTATIONS.digest]: changeDigest(findings),
      [MARK_ANNOTATIONS.desired]: '{"spec.selector.matchLabels.tier":"frontend"}',
      [FLUX_FORCE_ANNOTATION]: "enabled",
      [TOOL_MARKER_ANNOTATION]: "flux",
    });
    assert.equal(hasMark(target), true);
  });

  it("adds Replace=true,Force=true to Argo CD's sync options, keeping the options already there", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Prune=false, ServerSideApply=true" });
    markObject(target, mark("argocd", findings), findings, DEPLOYMENT);
    const annotations = Object.fromEntries(metaMap(target, "annotations"));
    assert.equal(annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION], "Prune=false,ServerSideApply=true,Replace=true,Force=true");
    assert.equal(annotations[TOOL_MARKER_ANNOTATION], "argocd:Replace=true,Force=true", "records exactly the options gitops-guard added");
    assert.equal(annotations[FLUX_FORCE_ANNOTATION], undefined);
  });

  it("does not repeat Argo CD options that are already set", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Force=true" });
    markObject(target, mark("argocd", findings), findings, DEPLOYMENT);
    assert.equal(Object.fromEntries(metaMap(target, "annotations"))[ARGOCD_SYNC_OPTIONS_ANNOTATION], "Force=true,Replace=true");
  });

  it("adds no tool marker when there is none to add (orphan-recreate, other tools)", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR);
    markObject(target, mark(undefined, findings, "orphan-recreate"), findings, DEPLOYMENT);
    const annotations = Object.fromEntries(metaMap(target, "annotations"));
    assert.equal(annotations[MARK_ANNOTATIONS.replace], "orphan-recreate");
    for (const key of [FLUX_FORCE_ANNOTATION, ARGOCD_SYNC_OPTIONS_ANNOTATION, TOOL_MARKER_ANNOTATION]) assert.equal(annotations[key], undefined, key);
  });

  it("labels an orphan-recreate mark gitops-guard.io/replace so watch finds it by label selector; a recreate mark or an unmark takes the label away", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR);
    markObject(target, mark(undefined, findings, "orphan-recreate"), findings, DEPLOYMENT);
    assert.equal(metaMap(target, "labels").get(REPLACE_LABEL), "orphan-recreate");
    markObject(target, mark(undefined, findings, "recreate"), findings, DEPLOYMENT);
    assert.equal(metaMap(target, "labels").has(REPLACE_LABEL), false);
    markObject(target, mark(undefined, findings, "orphan-recreate"), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.equal(metaMap(target, "labels").has(REPLACE_LABEL), false);
  });

  it("creates metadata and annotations when the object has none, and keeps other annotations", () => {
    const findings = conflicts(SELECTOR);
    const bare: JsonObject = { apiVersion: "apps/v1", kind: "Deployment" };
    markObject(bare, mark(undefined, findings), findings, DEPLOYMENT);
    assert.equal(hasMark(bare), true);
    const annotated = object(SELECTOR, { "example.com/team": "payments" });
    markObject(annotated, mark(undefined, findings), findings, DEPLOYMENT);
    assert.equal(Object.fromEntries(metaMap(annotated, "annotations"))["example.com/team"], "payments");
  });

  it("writes null as the desired value of a removed field and lists every field", () => {
    const findings = conflicts("rules/apps/statefulset-servicename-podmanagement.yaml");
    const removed = findings.map((f, i) => (i === 0 ? { ...f, to: undefined } : f));
    const target = object("rules/apps/statefulset-servicename-podmanagement.yaml");
    markObject(target, mark(undefined, removed), removed, { group: "apps", kind: "StatefulSet" });
    const annotations = Object.fromEntries(metaMap(target, "annotations"));
    assert.equal(annotations[MARK_ANNOTATIONS.fields], "spec.serviceName,spec.podManagementPolicy");
    assert.deepEqual(JSON.parse(annotations[MARK_ANNOTATIONS.desired]!), { "spec.serviceName": null, "spec.podManagementPolicy": "Parallel" });
  });

  it("never writes Secret values, and drops a desired annotation left from before", () => {
    const fixture = "rules/core/secret-immutable-data-change.yaml";
    const findings = conflicts(fixture);
    const target = object(fixture, { [MARK_ANNOTATIONS.desired]: '{"data.password":"old"}' });
    markObject(target, mark(undefined, findings), findings, { group: "", kind: "Secret" });
    const annotations = Object.fromEntries(metaMap(target, "annotations"));
    assert.equal(annotations[MARK_ANNOTATIONS.desired], undefined);
    assert.equal(annotations[MARK_ANNOTATIONS.fields], "data.password");
    assert.ok(!JSON.stringify(annotations).includes("cm90YXRlZA=="));
  });

  it("leaves out desired values larger than the annotation budget", () => {
    const base = conflicts(SELECTOR)[0]!;
    const big = { ...base, to: "x".repeat(MAX_DESIRED_ANNOTATION_BYTES) };
    const target = object(SELECTOR);
    markObject(target, mark(undefined, [big]), [big], DEPLOYMENT);
    const annotations = Object.fromEntries(metaMap(target, "annotations"));
    assert.equal(annotations[MARK_ANNOTATIONS.desired], undefined);
    assert.equal(annotations[MARK_ANNOTATIONS.digest], changeDigest([big]));
  });
});

describe("hasMark", () => {
  it("is true only when the replace annotation is there", () => {
    assert.equal(hasMark(object(SELECTOR)), false);
    assert.equal(hasMark({ apiVersion: "v1", kind: "ConfigMap" }), false);
    assert.equal(hasMark(object(SELECTOR, { [MARK_ANNOTATIONS.digest]: "abc" })), false);
    assert.equal(hasMark(object(SELECTOR, { [MARK_ANNOTATIONS.replace]: "recreate" })), true);
  });
});

describe("unmarkObject", () => {
  it("takes back everything markObject added for Flux", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { "example.com/team": "payments" });
    markObject(target, mark("flux", findings), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { "example.com/team": "payments" });
    assert.equal(hasMark(target), false);
  });

  it("takes back the Argo CD options it added and keeps the others", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Prune=false" });
    markObject(target, mark("argocd", findings), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Prune=false" });
  });

  it("removes the Argo CD annotation when only its own options were in it", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR);
    markObject(target, mark("argocd", findings), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), {});
  });

  it("leaves a person's own Flux force marker alone when gitops-guard did not add it", () => {
    const target = object(SELECTOR, { [MARK_ANNOTATIONS.replace]: "recreate", [FLUX_FORCE_ANNOTATION]: "enabled" });
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { [FLUX_FORCE_ANNOTATION]: "enabled" });
  });

  it("leaves a person's own Argo CD Replace/Force options alone when gitops-guard did not add them", () => {
    const target = object(SELECTOR, { [MARK_ANNOTATIONS.replace]: "recreate", [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Replace=true" });
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Replace=true" });
  });

  it("keeps a Flux force marker the person had set before the object was marked", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { [FLUX_FORCE_ANNOTATION]: "enabled" });
    markObject(target, mark("flux", findings), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { [FLUX_FORCE_ANNOTATION]: "enabled" });
  });

  it("keeps an Argo CD Replace=true the person had set before the object was marked", () => {
    const findings = conflicts(SELECTOR);
    const target = object(SELECTOR, { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Replace=true" });
    markObject(target, mark("argocd", findings), findings, DEPLOYMENT);
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Replace=true" });
  });

  it("does nothing harmful on an object that was never marked", () => {
    const target = object(SELECTOR, { "example.com/team": "payments" });
    unmarkObject(target);
    assert.deepEqual(Object.fromEntries(metaMap(target, "annotations")), { "example.com/team": "payments" });
  });
});

describe("markObject and the annotation size limit", () => {
  it("leaves out the desired values when the object's annotations are near kube-apiserver's 256 KiB limit", () => {
    const findings = conflicts(SELECTOR);
    const big = object(SELECTOR, { "kubectl.kubernetes.io/last-applied-configuration": "x".repeat(210 * 1024) });
    markObject(big, mark("flux", findings), findings, DEPLOYMENT);
    const annotations = Object.fromEntries(metaMap(big, "annotations"));
    assert.equal(annotations["gitops-guard.io/replace-desired"], undefined);
    assert.equal(annotations["gitops-guard.io/replace"], "recreate", "the mark itself is still written");
    const small = object(SELECTOR, {});
    markObject(small, mark("flux", findings), findings, DEPLOYMENT);
    assert.notEqual(Object.fromEntries(metaMap(small, "annotations"))["gitops-guard.io/replace-desired"], undefined);
  });
});
