import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HELM_REMEDIATION_DEFAULTED, helmRemediationDefault } from "../../../src/core/decide/helm-remediation-default.ts";
import { groupOf, versionOf } from "../../../src/core/k8s/kube-object.ts";
import { HELM_REMEDIATION_DEFAULT_RETRIES } from "../../../src/core/policy/recovery-schema.ts";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { loadObject } from "../../support/load-yaml.ts";

const ON = { enabled: true, retries: 3 };
const HEADER = { apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" } as const;

function subjectOf(object: JsonObject): Parameters<typeof helmRemediationDefault>[0] {
  const apiVersion = String(object["apiVersion"]);
  return { group: groupOf(apiVersion), version: versionOf(apiVersion), kind: String(object["kind"]), object };
}

const fixture = (name: string): JsonObject => loadObject(`recovery/helm-remediation/${name}.yaml`);

describe("helmRemediationDefault", () => {
  it("is off by default, with 3 retries when turned on (named, documented default)", () => {
    const policy = policySchema.parse(HEADER);
    assert.deepEqual(policy.recovery.helmRemediationDefault, { enabled: false, retries: HELM_REMEDIATION_DEFAULT_RETRIES });
    assert.equal(HELM_REMEDIATION_DEFAULT_RETRIES, 3);
    assert.equal(helmRemediationDefault(subjectOf(fixture("absent")), policy.recovery.helmRemediationDefault), undefined);
  });

  it("refuses retries outside 1–10 (a negative value is infinite to helm-controller) and unknown keys, naming the key", () => {
    for (const bad of [{ retries: -1 }, { retries: 0 }, { retries: 11 }, { retries: 2.5 }, { strategy: "uninstall" }]) {
      const r = policySchema.safeParse({ ...HEADER, recovery: { helmRemediationDefault: bad } });
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.deepEqual(r.error?.issues[0]?.path.slice(0, 2), ["recovery", "helmRemediationDefault"]);
    }
  });

  it("defaults an absent upgrade.remediation of a v2 HelmRelease to {retries, strategy: rollback}, with its own reason", () => {
    for (const name of ["absent", "upgrade-without-remediation"]) {
      const d = helmRemediationDefault(subjectOf(fixture(name)), { enabled: true, retries: 4 });
      assert.ok(d, name);
      assert.deepEqual(d.fields, [{ path: ["spec", "upgrade", "remediation"], value: { retries: 4, strategy: "rollback" } }]);
      assert.match(d.reason, new RegExp(`^${HELM_REMEDIATION_DEFAULTED}: `));
      assert.match(d.reason, /retries 4, strategy rollback/);
    }
  });

  it("never touches a remediation the user wrote, even a partial one, nor one RetryOnFailure would ignore", () => {
    for (const name of ["partial", "present", "retry-on-failure"]) {
      assert.equal(helmRemediationDefault(subjectOf(fixture(name)), ON), undefined, name);
    }
    const explicitNull = fixture("absent");
    (explicitNull["spec"] as JsonObject)["upgrade"] = { remediation: null };
    assert.equal(helmRemediationDefault(subjectOf(explicitNull), ON), undefined, "remediation: null is written too");
  });

  it("leaves the deprecated v2beta1 and v2beta2 versions, other groups and other kinds alone", () => {
    for (const name of ["v2beta1", "v2beta2"]) assert.equal(helmRemediationDefault(subjectOf(fixture(name)), ON), undefined, name);
    const absent = fixture("absent");
    assert.equal(helmRemediationDefault({ ...subjectOf(absent), group: "example.com" }, ON), undefined);
    assert.equal(helmRemediationDefault({ ...subjectOf(absent), kind: "HelmChart" }, ON), undefined);
    assert.equal(helmRemediationDefault({ ...subjectOf(absent), object: undefined }, ON), undefined);
  });

  it("leaves a spec or upgrade that is not an object to the API server's validation", () => {
    for (const spec of [undefined, "x", ["a"]] as const) {
      const object = fixture("absent");
      if (spec === undefined) delete object["spec"];
      else object["spec"] = spec as unknown as JsonObject;
      assert.equal(helmRemediationDefault(subjectOf(object), ON), undefined, JSON.stringify(spec));
    }
    const upgradeNull = fixture("absent");
    (upgradeNull["spec"] as JsonObject)["upgrade"] = null;
    assert.equal(helmRemediationDefault(subjectOf(upgradeNull), ON), undefined);
  });

  it("reads __proto__ and constructor keys as data: present ones are not remediation, inherited members are not keys", () => {
    assert.ok(helmRemediationDefault(subjectOf(fixture("prototype-keys")), ON), "upgrade has constructor and __proto__ keys, no remediation");
    assert.ok(helmRemediationDefault(subjectOf(fixture("prototype-keys-no-upgrade")), ON), "spec.__proto__.upgrade is not spec.upgrade");
  });
});
