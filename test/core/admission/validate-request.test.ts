import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readdirSync } from "node:fs";
import { validateRequest } from "../../../src/core/admission/validate-request.ts";
import type { AdmissionContext } from "../../../src/core/admission/mutate-request.ts";
import { admissionReviewSchema } from "../../../src/core/admission/admission-review.ts";
import { answerReview } from "../../../src/core/admission/admission-response.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { customRulesToRules } from "../../../src/core/policy/custom-rules.ts";
import { policySchema, type Policy } from "../../../src/core/policy/policy-schema.ts";
import { catalogueFor } from "../../../src/core/rules/catalogue-for.ts";
import { resolveKubeTarget } from "../../../src/core/kube/resolve-kube-target.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { revertOf } from "../../../src/core/decide/decision.ts";
import { EXAMPLE_REVIEWS, rawReview } from "../../support/load-review.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";

const FLUX_IMMUTABLE = [/is\simmutable/, /immutable\sfield/];

const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
if (!loaded.ok) throw new Error("default policy invalid");
const DEFAULT_POLICY = loaded.value.policy;

function policyWith(changes: Record<string, unknown>): Policy {
  return policySchema.parse({ ...JSON.parse(JSON.stringify(DEFAULT_POLICY)), ...changes });
}

/** The catalogue serve builds: built-in rules plus the policy's custom rules. */
function context(policy: Policy = DEFAULT_POLICY): AdmissionContext {
  const catalogue = policy.customRules.length > 0 ? catalogueFor(resolveKubeTarget({}), customRulesToRules(policy.customRules)) : builtinCatalogue();
  return { catalogue, policy, guardNamespace: "gitops-guard" };
}

type Raw = ReturnType<typeof rawReview>;

/** Runs /validate's core on a raw review and checks the answer as kube-apiserver would. */
function run(raw: Raw, policy?: Policy): ReturnType<typeof acceptAnswer> & { outcome: ReturnType<typeof validateRequest> } {
  const review = admissionReviewSchema.parse(raw);
  const outcome = validateRequest(review.request, context(policy));
  const body = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: false })));
  return { ...acceptAnswer(raw, body, "validating"), outcome };
}

function annotate(raw: Raw, annotations: Record<string, string>): Raw {
  const metadata = (raw.request.oldObject as JsonObject)["metadata"] as JsonObject;
  metadata["annotations"] = annotations;
  return raw;
}

const PINNED_IMAGES = {
  customRules: [{
    id: "platform.Deployment.image", kind: "Deployment.apps", path: "spec.template.spec.containers[*].image", class: "declared",
    message: "images are promoted by the release pipeline, not edited in place",
  }],
};

function unowned(raw: Raw): Raw {
  for (const obj of [raw.request.object, raw.request.oldObject] as JsonObject[]) {
    const labels = (obj["metadata"] as JsonObject)["labels"] as JsonObject;
    for (const key of Object.keys(labels)) if (key.startsWith("kustomize.toolkit.fluxcd.io/")) delete labels[key];
  }
  delete raw.request["options"];
  return raw;
}

describe("validateRequest: deletion protection", () => {
  it("allows deleting an unprotected ConfigMap", () => {
    const answer = run(rawReview("configmap-delete.json"));
    assert.equal(answer.allowed, true);
    assert.equal(answer.outcome.decision.reason, "deletion allowed");
  });

  it("denies with 403 deleting a ConfigMap whose kind is protected", () => {
    const answer = run(rawReview("configmap-delete.json"), policyWith({ deletionProtection: { kinds: ["ConfigMap"] } }));
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 403);
    assert.match(answer.message ?? "", /ConfigMap web\/api-config is protected from deletion/);
  });

  it("lets an object opt out of kind protection with the annotation set to \"false\"", () => {
    const raw = annotate(rawReview("configmap-delete.json"), { "gitops-guard.io/protect": "false" });
    assert.equal(run(raw, policyWith({ deletionProtection: { kinds: ["ConfigMap"] } })).allowed, true);
  });

  it("protects an object annotated \"true\" whatever its kind", () => {
    const answer = run(annotate(rawReview("configmap-delete.json"), { "gitops-guard.io/protect": "true" }));
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 403);
  });

  it("audit mode: allows a protected deletion and says what enforce would do in the audit annotations", () => {
    const answer = run(rawReview("configmap-delete.json"), policyWith({ mode: "audit", deletionProtection: { kinds: ["ConfigMap"] } }));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.outcome.verdict.auditAnnotations, { action: "deny", mode: "audit" });
  });
});

describe("validateRequest: updates", () => {
  it("warns about risky changes (pod-template labels) without denying", () => {
    const answer = run(rawReview("deployment-selector-change.json"));
    assert.equal(answer.allowed, true);
    assert.equal(answer.outcome.decision.action, "warn");
    assert.ok(answer.warnings.some((w) => w.startsWith("spec.template.metadata.labels.tier: ")), answer.warnings.join("\n"));
    assert.ok(answer.warnings.every((w) => w.length <= 120));
  });

  it("leaves immutable conflicts to /mutate (they never reach validation unchanged)", () => {
    const answer = run(rawReview("deployment-selector-change.json"));
    assert.ok(answer.outcome.decision.findings.every((f) => f.class === "risky" || f.class === "declared"));
    assert.equal(run(rawReview("pvc-shrink.json")).allowed, true);
    assert.equal(run(rawReview("job-template-change.json")).allowed, true);
  });

  it("denies a change to a field a policy custom rule declares immutable, on a Flux-owned object, with 422", () => {
    const answer = run(rawReview("deployment-image-update.json"), policyWith(PINNED_IMAGES));
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 422);
    assert.match(answer.message ?? "", /spec\.template\.spec\.containers\[0\]\.image/);
    assert.ok(FLUX_IMMUTABLE.some((re) => re.test(answer.message ?? "")), String(answer.message));
    assert.deepEqual(revertOf(answer.outcome.decision), []);
  });

  it("denies the same on an object no GitOps tool owns, naming the policy's message", () => {
    const answer = run(unowned(rawReview("deployment-image-update.json")), policyWith(PINNED_IMAGES));
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 422);
    assert.match(answer.message ?? "", /images are promoted by the release pipeline/);
  });

  it("warns for a risky custom rule", () => {
    const policy = policyWith({ customRules: [{ ...PINNED_IMAGES.customRules[0]!, class: "risky" }] });
    const answer = run(rawReview("deployment-image-update.json"), policy);
    assert.equal(answer.allowed, true);
    assert.ok(answer.warnings.some((w) => w.includes("images are promoted")), answer.warnings.join("\n"));
  });

  it("does not judge subresources, CREATE or CONNECT", () => {
    assert.match(run(rawReview("deployment-scale-v1beta1.json"), policyWith(PINNED_IMAGES)).outcome.decision.reason, /subresource scale/);
    for (const operation of ["CREATE", "CONNECT"]) {
      const raw = rawReview("deployment-image-update.json");
      raw.request["operation"] = operation;
      const answer = run(raw, policyWith(PINNED_IMAGES));
      assert.equal(answer.allowed, true, operation);
      assert.match(answer.outcome.decision.reason, new RegExp(`${operation} has nothing to validate`));
    }
  });

  it("does not judge exempt users", () => {
    const policy = policyWith({ ...PINNED_IMAGES, exemptions: { users: ["system:serviceaccount:flux-system:kustomize-controller"] } });
    const raw = rawReview("deployment-image-update.json");
    raw.request["userInfo"] = { username: "system:serviceaccount:flux-system:kustomize-controller", groups: [] };
    assert.equal(run(raw, policy).allowed, true);
  });
});

describe("validateRequest: never a patch", () => {
  const examples = readdirSync(EXAMPLE_REVIEWS).filter((f) => f.endsWith(".json"));
  const policies: [string, Policy][] = [
    ["default", DEFAULT_POLICY],
    ["custom rules", policyWith(PINNED_IMAGES)],
    ["protect everything", policyWith({ deletionProtection: { kinds: ["ConfigMap", "Deployment", "PersistentVolumeClaim"] } })],
    ["audit", policyWith({ mode: "audit", ...PINNED_IMAGES })],
  ];
  for (const [name, policy] of policies) {
    it(`returns no patch for any example review (${name} policy)`, () => {
      for (const file of examples) {
        const answer = run(rawReview(file), policy);
        assert.deepEqual(answer.outcome.patch, [], file);
        assert.deepEqual(answer.outcome.verdict.patch, [], file);
        assert.deepEqual(answer.patch, [], file);
      }
    });
  }
});
