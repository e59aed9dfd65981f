import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { mutateRequest, type AdmissionContext } from "../../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../../src/core/admission/admission-review.ts";
import { defaultsOf } from "../../../src/core/decide/decision.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { createReview } from "../../support/create-review.ts";
import { updateReview } from "../../support/update-review.ts";
import { loadObject } from "../../support/load-yaml.ts";

let base: Policy;
before(async () => {
  base = (await readPolicyFile(defaultPolicyPath())).policy;
});

/** The default policy with the Helm remediation default turned on (and `changes` on top). */
function policyWith(changes: Partial<Policy> = {}, retries = 3): Policy {
  return { ...base, recovery: { ...base.recovery, helmRemediationDefault: { enabled: true, retries } }, ...changes };
}

function context(policy: Policy): AdmissionContext {
  return { catalogue: builtinCatalogue(), policy, guardNamespace: "gitops-guard" };
}

const fixture = (name: string): JsonObject => loadObject(`recovery/helm-remediation/${name}.yaml`);

type Raw = ReturnType<typeof createReview> | ReturnType<typeof updateReview>;

/** /mutate's core on a raw review, its answer checked and applied as kube-apiserver would. */
function run(raw: Raw, policy: Policy): ReturnType<typeof acceptAnswer> & { outcome: ReturnType<typeof mutateRequest> } {
  const review = admissionReviewSchema.parse(raw);
  const outcome = mutateRequest(review.request, context(policy));
  const body = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })));
  return { ...acceptAnswer(raw, body, "mutating"), outcome };
}

const REMEDIATION = ["spec", "upgrade", "remediation"];

describe("mutateRequest: recovery.helmRemediationDefault", () => {
  it("off (the default policy): a HelmRelease CREATE is allowed unchanged", () => {
    const answer = run(createReview(fixture("absent"), "helmreleases"), base);
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
    assert.equal(answer.outcome.decision.kind, "allow");
  });

  it("on CREATE adds spec.upgrade.remediation {retries, strategy: rollback} and only that, recorded with its own reason", () => {
    const object = fixture("absent");
    const answer = run(createReview(object, "helmreleases"), policyWith({}, 5));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, [{ op: "add", path: "/spec/upgrade", value: { remediation: { retries: 5, strategy: "rollback" } } }]);
    const { decision } = answer.outcome;
    assert.equal(decision.kind, "restore");
    assert.equal(decision.enforcedAction, "restore");
    assert.match(decision.reason, /^helm-remediation-defaulted: /);
    assert.deepEqual(defaultsOf(decision), [{ path: REMEDIATION, value: { retries: 5, strategy: "rollback" } }]);
    assert.ok(decision.warnings.some((w) => /defaulted spec\.upgrade\.remediation/.test(w)), "the client is told");
    assert.deepEqual({ ...answer.patchedObject, spec: { ...(answer.patchedObject!["spec"] as JsonObject), upgrade: undefined } }, { ...object, spec: { ...(object["spec"] as JsonObject), upgrade: undefined } }, "nothing else changed");
  });

  it("keeps the rest of an upgrade stanza the user wrote, adding remediation beside it", () => {
    const answer = run(createReview(fixture("upgrade-without-remediation"), "helmreleases"), policyWith());
    assert.deepEqual(answer.patch, [{ op: "add", path: "/spec/upgrade/remediation", value: { retries: 3, strategy: "rollback" } }]);
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "upgrade"]), { cleanupOnFail: true, timeout: "10m", remediation: { retries: 3, strategy: "rollback" } });
  });

  it("on UPDATE defaults too (a HelmRelease created before the policy), and a reinvocation on the patched object adds nothing", () => {
    const live = fixture("absent");
    const incoming = fixture("absent");
    (incoming["spec"] as JsonObject)["interval"] = "10m";
    const answer = run(updateReview(live, incoming, 0, "flux"), policyWith());
    assert.deepEqual(answer.patch.map((op) => op.path), ["/spec/upgrade"]);
    assert.equal(answer.outcome.decision.kind, "restore");
    const again = run(updateReview(live, answer.patchedObject!, 1, "kubectl"), policyWith());
    assert.deepEqual(again.patch, [], "idempotent: the same request patched once gets nothing more");
    assert.equal(again.outcome.decision.kind, "allow");
  });

  it("never touches a remediation the user wrote (partial or full), RetryOnFailure, or v2beta1/v2beta2", () => {
    for (const name of ["partial", "present", "retry-on-failure", "v2beta1", "v2beta2"]) {
      for (const raw of [createReview(fixture(name), "helmreleases"), updateReview(fixture(name), fixture(name), 0, "flux")]) {
        const answer = run(raw, policyWith());
        assert.equal(answer.allowed, true, name);
        assert.deepEqual(answer.patch, [], `${name} ${String(raw.request["operation"])}`);
        assert.doesNotMatch(answer.outcome.decision.reason, /helm-remediation-defaulted/, name);
      }
    }
  });

  it("keeps __proto__ and constructor keys as data: only /spec/upgrade/remediation or /spec/upgrade is added", () => {
    const withKeys = run(createReview(fixture("prototype-keys"), "helmreleases"), policyWith());
    assert.deepEqual(withKeys.patch.map((op) => op.path), ["/spec/upgrade/remediation"]);
    const upgrade = getAt(withKeys.patchedObject, ["spec", "upgrade"]) as JsonObject;
    assert.deepEqual(Object.keys(upgrade).sort(), ["__proto__", "constructor", "remediation"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(upgrade, "__proto__")?.value, { remediation: { retries: 9 } });
    assert.equal(Object.getPrototypeOf(upgrade), Object.prototype);
    const noUpgrade = run(createReview(fixture("prototype-keys-no-upgrade"), "helmreleases"), policyWith());
    assert.deepEqual(noUpgrade.patch.map((op) => op.path), ["/spec/upgrade"]);
    const spec = getAt(noUpgrade.patchedObject, ["spec"]) as JsonObject;
    assert.ok(Object.hasOwn(spec, "__proto__"), "the __proto__ key is kept");
    assert.deepEqual(getAt(noUpgrade.patchedObject, REMEDIATION), { retries: 3, strategy: "rollback" });
  });

  it("in audit mode records what it would do and changes nothing", () => {
    const answer = run(createReview(fixture("absent"), "helmreleases"), policyWith({ mode: "audit" }));
    assert.deepEqual(answer.patch, []);
    const { decision } = answer.outcome;
    assert.equal(decision.kind, "allow");
    assert.equal(decision.mode, "audit");
    assert.equal(decision.enforcedAction, "restore");
    assert.match(decision.reason, /^audit: helm-remediation-defaulted: /);
  });

  it("with mode off, in an exempt namespace or for a subresource: nothing", () => {
    const off = run(createReview(fixture("absent"), "helmreleases"), policyWith({ mode: "off" }));
    assert.deepEqual(off.patch, []);
    const exempt = run(createReview(fixture("absent"), "helmreleases"), policyWith({ exemptions: { ...base.exemptions, namespaces: ["apps"] } }));
    assert.deepEqual(exempt.patch, []);
    assert.doesNotMatch(exempt.outcome.decision.reason, /helm-remediation-defaulted/);
    const status = updateReview(fixture("absent"), fixture("absent"), 0, "flux");
    status.request["subResource"] = "status";
    assert.deepEqual(run(status, policyWith()).patch, []);
  });

  it("leaves every other CREATE alone (the webhook only routes HelmRelease CREATE, but the core does not rely on it)", () => {
    const configMap: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "apps" }, data: { a: "b" } };
    const answer = run(createReview(configMap, "configmaps"), policyWith());
    assert.deepEqual(answer.patch, []);
    assert.equal(answer.outcome.decision.reason, "no live object to compare");
  });
});
