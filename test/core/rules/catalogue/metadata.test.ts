import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectFindings } from "../../../support/rule-case.ts";

describe("metadata rules (every kind)", () => {
  it("refuses a rename: a new name is a different object", () => {
    const findings = expectFindings("rules/meta/name-changed.yaml", {
      refused: { ruleId: "meta.ObjectMeta.name", paths: ["metadata.name"] },
    });
    const name = findings.find((f) => f.ruleId === "meta.ObjectMeta.name");
    assert.equal(name?.from, "app-config");
    assert.equal(name?.to, "prod-app-config");
  });

  it("accepts label, annotation, ownerReference, finalizer and data changes and server-managed field drift", () => {
    const findings = expectFindings("rules/meta/labels-annotations-owners.yaml", { accepted: true });
    assert.deepEqual(findings.filter((f) => f.ruleId.startsWith("meta.")), []);
  });

  it("refuses a move to another namespace", () => {
    expectFindings("rules/meta/namespace-changed.yaml", {
      refused: { ruleId: "meta.ObjectMeta.namespace", paths: ["metadata.namespace"] },
    });
  });

  it("accepts a manifest without namespace (the request's namespace fills it in)", () => {
    expectFindings("rules/meta/namespace-omitted.yaml", { accepted: true });
  });

  it("accepts a namespace sent for a cluster-scoped object (the API server clears it)", () => {
    expectFindings("rules/meta/namespace-on-cluster-scoped.yaml", { accepted: true });
  });

  it("refuses a uid exported from another cluster", () => {
    expectFindings("rules/meta/uid-foreign.yaml", {
      refused: { ruleId: "meta.ObjectMeta.uid", paths: ["metadata.uid"] },
    });
  });

  it("accepts an empty uid (keep the stored one)", () => {
    expectFindings("rules/meta/uid-omitted.yaml", { accepted: true });
  });

  it("refuses setting deletionTimestamp through an update", () => {
    expectFindings("rules/meta/deletion-timestamp-set.yaml", {
      refused: { ruleId: "meta.ObjectMeta.deletionTimestamp", paths: ["metadata.deletionTimestamp"] },
    });
  });

  it("accepts a manifest that omits the deletion fields of an object being deleted and removes a finalizer", () => {
    expectFindings("rules/meta/deletion-fields-dropped.yaml", { accepted: true });
  });

  it("refuses changing deletionGracePeriodSeconds", () => {
    expectFindings("rules/meta/deletion-grace-changed.yaml", {
      refused: { ruleId: "meta.ObjectMeta.deletionGracePeriodSeconds", paths: ["metadata.deletionGracePeriodSeconds"] },
    });
  });

  it("refuses adding a finalizer to an object being deleted", () => {
    const findings = expectFindings("rules/meta/finalizer-added-while-deleting.yaml", {
      refused: { ruleId: "meta.ObjectMeta.finalizers", paths: ["metadata.finalizers"] },
    });
    const added = findings.filter((f) => f.ruleId === "meta.ObjectMeta.finalizers");
    assert.deepEqual(added.map((f) => [f.path, f.to]), [["metadata.finalizers[1]", "example.com/audit"]]);
  });

  it("accepts adding a finalizer to an object that is not being deleted", () => {
    expectFindings("rules/meta/finalizer-added-not-deleting.yaml", { accepted: true });
  });
});
