import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonicalClaimSpec } from "../../../../src/core/rules/catalogue/canonical-claim-spec.ts";
import { semanticEqual, type JsonObject } from "../../../../src/core/k8s/json.ts";

describe("canonicalClaimSpec", () => {
  it("defaults volumeMode to Filesystem and spells every quantity one way per amount", () => {
    const git: JsonObject = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } };
    const live: JsonObject = { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: { requests: { storage: "10240Mi" }, limits: {} } };
    assert.ok(semanticEqual(canonicalClaimSpec(git), canonicalClaimSpec(live)));
    assert.equal(canonicalClaimSpec({ volumeMode: null }).volumeMode, "Filesystem");
    assert.equal(canonicalClaimSpec({ volumeMode: "Block" }).volumeMode, "Block");
  });

  it("keeps different amounts different and leaves its input unchanged", () => {
    const spec: JsonObject = { resources: { requests: { storage: "10Gi" } } };
    assert.ok(!semanticEqual(canonicalClaimSpec(spec), canonicalClaimSpec({ resources: { requests: { storage: "5Gi" } } })));
    assert.deepEqual(spec, { resources: { requests: { storage: "10Gi" } } });
  });
});
