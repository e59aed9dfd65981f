import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createScopeLookup } from "../../../src/core/impact/object-scope.ts";
import { pairObjects, type ObjectPair } from "../../../src/core/impact/pair-objects.ts";
import { identityKey } from "../../../src/core/k8s/kube-object.ts";
import { loadManifestObjects, toManifestObjects } from "../../support/manifest-objects.ts";

function pairsOf(beforeFixture: string, afterFixture: string): readonly ObjectPair[] {
  const before = loadManifestObjects(beforeFixture);
  const after = loadManifestObjects(afterFixture);
  const result = pairObjects(before, after, createScopeLookup(before, after));
  assert.ok(result.ok, "expected no duplicates");
  return result.pairs;
}

describe("pairObjects", () => {
  const pairs = pairsOf("check/pairing/before.yaml", "check/pairing/after.yaml");
  const byName = new Map(pairs.map((p) => [p.identity.name, p]));

  it("lists the after set's order, then the objects removed", () => {
    assert.deepEqual(
      pairs.map((p) => [identityKey(p.identity), p.before !== undefined, p.after !== undefined]),
      [
        ["/ConfigMap/shop/added-cm", false, true],
        ["apps/Deployment/default/api", true, true],
        ["rbac.authorization.k8s.io/ClusterRole//reader", true, true],
        ["apiextensions.k8s.io/CustomResourceDefinition//widgets.example.com", true, true],
        ["example.com/Widget//big", true, true],
        ["example.com/Gadget/default/thing", true, true],
        ["/ConfigMap/shop/removed-cm", true, false],
      ],
    );
  });

  it("pairs a namespaced object without metadata.namespace within default, and says so", () => {
    const api = byName.get("api");
    assert.equal(api?.identity.namespace, "default");
    assert.equal(api?.notes.length, 1);
    assert.match(api?.notes[0] ?? "", /^metadata\.namespace is not set in the before manifest: paired within namespace default/);
  });

  it("ignores metadata.namespace on built-in cluster-scoped kinds", () => {
    assert.deepEqual(byName.get("reader")?.notes, []);
    assert.equal(byName.get("reader")?.identity.namespace, "");
  });

  it("takes the scope of a custom kind from its CRD among the manifests", () => {
    assert.equal(byName.get("big")?.identity.namespace, "");
    assert.deepEqual(byName.get("big")?.notes, []);
  });

  it("treats an unknown kind as namespaced and says that it is an assumption", () => {
    const notes = byName.get("thing")?.notes ?? [];
    assert.match(notes[0] ?? "", /is not set on either side: paired within namespace default/);
    assert.equal(notes[1], "Gadget.example.com is not a built-in kind and its CustomResourceDefinition is not among the manifests: treated as namespaced");
  });

  it("returns every duplicate identity on one side, with the locations of all its documents", () => {
    const before = loadManifestObjects("check/invalid/duplicate-identity.yaml");
    const result = pairObjects(before, [], createScopeLookup(before, []));
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.deepEqual(result.duplicates, [
      {
        side: "before",
        identity: { group: "apps", kind: "Deployment", namespace: "default", name: "api" },
        locations: [
          { source: "check/invalid/duplicate-identity.yaml", document: 1 },
          { source: "check/invalid/duplicate-identity.yaml", document: 2 },
        ],
      },
    ]);
  });

  it("does not pair objects of different API groups that share a kind and name", () => {
    const before = toManifestObjects([{ apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "web", namespace: "a" } }]);
    const after = toManifestObjects([{ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "a" } }]);
    const result = pairObjects(before, after, createScopeLookup(before, after));
    assert.ok(result.ok);
    assert.deepEqual(result.pairs.map((p) => [p.before?.apiVersion, p.after?.apiVersion]), [
      [undefined, "networking.k8s.io/v1"],
      ["extensions/v1beta1", undefined],
    ]);
  });
});
