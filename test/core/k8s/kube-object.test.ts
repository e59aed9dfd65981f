import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  describeObject, groupOf, identityKey, kubeObjectSchema, metaMap, metaValue, versionOf,
} from "../../../src/core/k8s/kube-object.ts";
import { loadPair } from "../../support/load-yaml.ts";

describe("kubeObjectSchema", () => {
  it("accepts a real object and keeps every field it does not name", () => {
    const { old } = loadPair("rules/apps/deployment-image-update.yaml");
    const parsed = kubeObjectSchema.parse(old);
    assert.deepEqual(parsed, old);
  });

  it("accepts an object without metadata, and null labels/annotations", () => {
    assert.ok(kubeObjectSchema.safeParse({ apiVersion: "v1", kind: "Namespace" }).success);
    assert.ok(kubeObjectSchema.safeParse({ apiVersion: "v1", kind: "Pod", metadata: { labels: null, annotations: null } }).success);
  });

  it("rejects objects without apiVersion or kind, naming the field", () => {
    const cases: [unknown, string][] = [
      [{ kind: "Pod" }, "apiVersion"],
      [{ apiVersion: "", kind: "Pod" }, "apiVersion"],
      [{ apiVersion: "v1" }, "kind"],
      [{ apiVersion: "v1", kind: "" }, "kind"],
    ];
    for (const [value, field] of cases) {
      const result = kubeObjectSchema.safeParse(value);
      assert.equal(result.success, false, JSON.stringify(value));
      assert.deepEqual(result.error?.issues.map((i) => i.path.join(".")), [field]);
    }
  });

  it("rejects label values that are not strings (kubectl would too)", () => {
    const result = kubeObjectSchema.safeParse({ apiVersion: "v1", kind: "Pod", metadata: { labels: { replicas: 3 } } });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues.map((i) => i.path.join(".")), ["metadata.labels.replicas"]);
  });

  it("rejects a non-string name", () => {
    const result = kubeObjectSchema.safeParse({ apiVersion: "v1", kind: "Pod", metadata: { name: 7 } });
    assert.equal(result.success, false);
  });
});

describe("groupOf and versionOf", () => {
  const cases: [string, string, string][] = [
    ["v1", "", "v1"],
    ["apps/v1", "apps", "v1"],
    ["batch/v1", "batch", "v1"],
    ["apiextensions.k8s.io/v1", "apiextensions.k8s.io", "v1"],
    ["kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io", "v1"],
  ];
  for (const [apiVersion, group, version] of cases) {
    it(`${apiVersion} → group ${JSON.stringify(group)}, version ${version}`, () => {
      assert.equal(groupOf(apiVersion), group);
      assert.equal(versionOf(apiVersion), version);
    });
  }
});

describe("identityKey", () => {
  it("names group, kind, namespace and name, and leaves the version out", () => {
    assert.equal(identityKey({ group: "apps", kind: "Deployment", namespace: "web", name: "api" }), "apps/Deployment/web/api");
    assert.equal(identityKey({ group: "", kind: "Namespace", namespace: "", name: "web" }), "/Namespace//web");
  });

  it("tells apart objects that differ in any one part", () => {
    const base = { group: "apps", kind: "Deployment", namespace: "web", name: "api" };
    const keys = new Set([
      identityKey(base),
      identityKey({ ...base, group: "" }),
      identityKey({ ...base, kind: "StatefulSet" }),
      identityKey({ ...base, namespace: "shop" }),
      identityKey({ ...base, name: "worker" }),
    ]);
    assert.equal(keys.size, 5);
  });
});

describe("describeObject", () => {
  it("names namespaced objects as Kind namespace/name and cluster-scoped ones as Kind name", () => {
    assert.equal(describeObject("Deployment", "web", "api"), "Deployment web/api");
    assert.equal(describeObject("ClusterRole", undefined, "admin"), "ClusterRole admin");
    assert.equal(describeObject("ClusterRole", "", "admin"), "ClusterRole admin");
  });

  it("names a Namespace once, though kube-apiserver sends its own name as request.namespace", () => {
    assert.equal(describeObject("Namespace", "team-a", "team-a"), "Namespace team-a");
    assert.equal(describeObject("Namespace", undefined, "team-a"), "Namespace team-a");
  });

  it("says <unnamed> when there is no name (CREATE with generateName)", () => {
    assert.equal(describeObject("Pod", "web", undefined), "Pod web/<unnamed>");
    assert.equal(describeObject("Pod", "web", ""), "Pod web/<unnamed>");
  });
});

describe("metaMap", () => {
  it("reads labels and annotations of a real object", () => {
    const { old } = loadPair("rules/apps/deployment-selector-common-labels.yaml");
    const labels = Object.fromEntries(metaMap(old, "labels"));
    assert.ok(Object.keys(labels).length > 0);
    assert.ok(Object.values(labels).every((v) => typeof v === "string"));
  });

  it("is empty when the object, metadata or map is missing or not an object", () => {
    assert.deepEqual(Object.fromEntries(metaMap(undefined, "labels")), {});
    assert.deepEqual(Object.fromEntries(metaMap({ apiVersion: "v1", kind: "Pod" }, "labels")), {});
    assert.deepEqual(Object.fromEntries(metaMap({ metadata: null }, "labels")), {});
    assert.deepEqual(Object.fromEntries(metaMap({ metadata: [] }, "labels")), {});
    assert.deepEqual(Object.fromEntries(metaMap({ metadata: { labels: ["a"] } }, "labels")), {});
    assert.deepEqual(Object.fromEntries(metaMap({ metadata: { annotations: null } }, "annotations")), {});
  });

  it("skips values that are not strings", () => {
    assert.deepEqual(Object.fromEntries(metaMap({ metadata: { annotations: { a: "1", b: 2, c: null, d: { e: "f" } } } }, "annotations")), { a: "1" });
  });
});

describe("metaValue", () => {
  it("reads one label or annotation of a real object, as metaMap has it", () => {
    const { old } = loadPair("rules/apps/deployment-selector-common-labels.yaml");
    for (const [key, value] of Object.entries(Object.fromEntries(metaMap(old, "labels")))) assert.equal(metaValue(old, "labels", key), value);
  });

  it("is undefined for a missing object, map or key, a value that is not a string, and inherited names", () => {
    assert.equal(metaValue(undefined, "labels", "app"), undefined);
    assert.equal(metaValue({ metadata: null }, "labels", "app"), undefined);
    assert.equal(metaValue({ metadata: { labels: ["app"] } }, "labels", "0"), undefined);
    assert.equal(metaValue({ metadata: { annotations: { a: 2, b: null } } }, "annotations", "a"), undefined);
    assert.equal(metaValue({ metadata: { annotations: {} } }, "annotations", "toString"), undefined);
    assert.equal(metaValue({ metadata: { annotations: { x: "1" } } }, "annotations", "x"), "1");
  });
});
