import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { matchesOnLabels, mutateRequest, type AdmissionContext } from "../../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../../src/core/admission/admission-review.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { metaMap } from "../../../src/core/k8s/kube-object.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { rawReview } from "../../support/load-review.ts";

/** Flux's IsImmutableError message test (fluxcd/pkg ssa/errors/immutable.go). */
const FLUX_IMMUTABLE = [/.*is\simmutable.*/, /.*immutable\sfield.*/];

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

function context(overrides: Partial<Policy> = {}): AdmissionContext {
  return { catalogue: builtinCatalogue(), policy: { ...policy, ...overrides }, guardNamespace: "gitops-guard" };
}

type Raw = ReturnType<typeof rawReview>;

/** Runs /mutate's core on a raw review and checks the answer as kube-apiserver would. */
function run(raw: Raw, ctx = context()): ReturnType<typeof acceptAnswer> & { outcome: ReturnType<typeof mutateRequest> } {
  const review = admissionReviewSchema.parse(raw);
  const outcome = mutateRequest(review.request, ctx);
  const body = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })));
  return { ...acceptAnswer(raw, body, "mutating"), outcome };
}

/** The object the API server would then validate must pass built-in validation. */
function assertApiServerAccepts(live: JsonObject, patched: JsonObject | undefined): void {
  assert.ok(patched);
  const blocking = findFindings(builtinCatalogue(), { old: live, new: patched }).filter((f) => f.severity === "blocking");
  assert.deepEqual(blocking.map((f) => f.path), []);
}

describe("mutateRequest", () => {
  it("marks a Flux-owned Deployment whose selector changed: live values kept, object annotated, warning", () => {
    const raw = rawReview("deployment-selector-change.json");
    const answer = run(raw);
    assert.equal(answer.allowed, true);
    assert.equal(answer.outcome.decision.action, "mark");
    const live = raw.request.oldObject as JsonObject;
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), getAt(live, ["spec", "selector"]));
    assert.equal(getAt(answer.patchedObject, ["spec", "template", "metadata", "labels", "tier"]), "fe");
    assertApiServerAccepts(live, answer.patchedObject);
    const annotations = Object.fromEntries(metaMap(answer.patchedObject, "annotations"));
    assert.equal(annotations["gitops-guard.io/replace"], "recreate");
    assert.equal(annotations["kustomize.toolkit.fluxcd.io/force"], "enabled");
    assert.match(annotations["gitops-guard.io/replace-fields"] ?? "", /spec\.selector\.matchLabels\.tier/);
    assert.deepEqual(JSON.parse(annotations["gitops-guard.io/replace-desired"] ?? "{}")["spec.selector.matchLabels.tier"], "frontend");
    assert.ok(answer.warnings.length > 0 && answer.warnings.every((w) => w.length <= 120));
    // Only metadata and the reverted paths are touched.
    assert.ok(answer.patch.every((op) => /^\/(metadata\/annotations|spec\/selector|spec\/template\/metadata\/labels)/.test(op.path)), JSON.stringify(answer.patch));
  });

  it("answers the same dry-run and the real request alike, and a reinvocation with no further patch", () => {
    const dry = rawReview("deployment-selector-change.json");
    const real = rawReview("deployment-selector-change.json");
    real.request["dryRun"] = false;
    const a = run(dry);
    const b = run(real);
    assert.deepEqual(a.patch, b.patch);
    const again = rawReview("deployment-selector-change.json");
    again.request.object = a.patchedObject;
    const c = run(again);
    assert.equal(c.allowed, true);
    assert.deepEqual(c.patch, []);
  });

  it("denies with 422 'field is immutable' when the same change comes back to an object marked for recreate", () => {
    const first = run(rawReview("deployment-selector-change.json"));
    const second = rawReview("deployment-selector-change.json");
    // The live object now carries the marks; Flux re-applies the desired object from Git.
    second.request.oldObject = first.patchedObject;
    const answer = run(second);
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 422);
    assert.ok(FLUX_IMMUTABLE.some((re) => re.test(answer.message ?? "")), String(answer.message));
    assert.match(answer.message ?? "", /Deployment web\/api/);
  });

  it("marks a Flux-owned Job whose template changed and keeps the live template", () => {
    const raw = rawReview("job-template-change.json");
    const answer = run(raw);
    assert.equal(answer.outcome.decision.action, "mark");
    const live = raw.request.oldObject as JsonObject;
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "template"]), getAt(live, ["spec", "template"]));
    assertApiServerAccepts(live, answer.patchedObject);
  });

  it("denies an immutable change to an object no GitOps tool owns, naming the field, the values and the ways out", () => {
    const raw = rawReview("deployment-selector-change.json");
    for (const obj of [raw.request.object, raw.request.oldObject] as JsonObject[]) {
      const labels = (obj["metadata"] as JsonObject)["labels"] as JsonObject;
      delete labels["kustomize.toolkit.fluxcd.io/name"];
      delete labels["kustomize.toolkit.fluxcd.io/namespace"];
    }
    raw.request["options"] = { fieldManager: "kubectl-client-side-apply" };
    const answer = run(raw);
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 422);
    const message = answer.message ?? "";
    for (const part of ["Deployment web/api", "spec.selector.matchLabels.tier", '"fe" → "frontend"', "blue-green", "recreate", "revert", "includeSelectors: false"]) {
      assert.ok(message.includes(part), `message should name ${part}: ${message}`);
    }
  });

  it("denies a PVC shrink with 403 and wording Flux does not read as immutable (no automatic recreation of data)", () => {
    const answer = run(rawReview("pvc-shrink.json"));
    assert.equal(answer.allowed, false);
    assert.equal(answer.code, 403);
    assert.ok(!FLUX_IMMUTABLE.some((re) => re.test(answer.message ?? "")), String(answer.message));
    assert.match(answer.message ?? "", /spec\.resources\.requests\.storage "20Gi" → "10Gi"/);
  });

  it("allows a plain image update without a patch", () => {
    const answer = run(rawReview("deployment-image-update.json"));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
    assert.equal(answer.outcome.decision.action, "allow");
  });

  it("allows DELETE and subresource requests without looking at the main resource", () => {
    const del = run(rawReview("configmap-delete.json"));
    assert.equal(del.allowed, true);
    assert.deepEqual(del.patch, []);
    const scale = run(rawReview("deployment-scale-v1beta1.json"));
    assert.equal(scale.allowed, true);
    assert.equal(scale.outcome.decision.findings.length, 0);
  });

  it("in audit mode changes nothing but knows what enforce would do", () => {
    const answer = run(rawReview("deployment-selector-change.json"), context({ mode: "audit" }));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
    assert.equal(answer.outcome.decision.enforcedAction, "mark");
    assert.equal(answer.outcome.decision.mode, "audit");
  });

  it("leaves kube-system and the guard's own namespace alone", () => {
    for (const ns of ["kube-system", "gitops-guard"]) {
      const raw = rawReview("deployment-selector-change.json");
      raw.request["namespace"] = ns;
      const answer = run(raw);
      assert.equal(answer.allowed, true);
      assert.deepEqual(answer.patch, []);
      assert.match(answer.outcome.decision.reason, /exempt/);
    }
  });

  it("removes a stale mark once the conflict is gone", () => {
    const first = run(rawReview("deployment-selector-change.json"));
    const raw = rawReview("deployment-image-update.json");
    raw.request.object = first.patchedObject;
    raw.request.oldObject = first.patchedObject;
    const answer = run(raw);
    const annotations = Object.fromEntries(metaMap(answer.patchedObject, "annotations"));
    assert.equal(annotations["gitops-guard.io/replace"], undefined);
    assert.equal(annotations["kustomize.toolkit.fluxcd.io/force"], undefined);
    assert.equal(annotations["deployment.kubernetes.io/revision"], "3");
  });
});

describe("mutateRequest: server-assigned values", () => {
  it("puts a Job's generated selector and controller-uid labels back when a full replace dropped them", () => {
    const raw = rawReview("job-replace-drops-selector.json");
    const answer = run(raw);
    assert.equal(answer.allowed, true);
    assert.equal(answer.outcome.decision.action, "restore");
    const live = raw.request.oldObject as JsonObject;
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), getAt(live, ["spec", "selector"]));
    assert.equal(getAt(answer.patchedObject, ["spec", "template", "metadata", "labels", "batch.kubernetes.io/controller-uid"]), "5a1c9e7d-2b3f-4c8a-9e6d-1f0a2b3c4d5e");
    assertApiServerAccepts(live, answer.patchedObject);
  });

  it("records but does not patch a Service clusterIP the API server re-fills itself", () => {
    const answer = run(rawReview("service-drops-clusterip.json"));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
    assert.ok(answer.outcome.decision.findings.some((f) => f.class === "server-assigned" && f.path === "spec.clusterIP"));
  });

  it("does not restore when the policy switches restore off", () => {
    const answer = run(rawReview("job-replace-drops-selector.json"), context({ restore: false }));
    assert.deepEqual(answer.patch, []);
  });
});

describe("mutateRequest: overrides that match on labels", () => {
  const override = (labels: Record<string, string>): Policy["overrides"][number] => ({
    name: "payments-deny", match: { kinds: [], namespaces: [], labels, owners: [] }, action: "deny", strategy: "recreate", acceptDataLoss: false,
  });

  it("applies an override matching a label of the new object (the labels are read only for such policies)", () => {
    const raw = rawReview("deployment-selector-change.json");
    const tier = Object.fromEntries(metaMap(raw.request.object as JsonObject, "labels"));
    const [key, value] = Object.entries(tier)[0] ?? [];
    assert.ok(key !== undefined && value !== undefined, "the fixture's object has labels");
    const ctx = context({ overrides: [override({ [key]: value })] });
    assert.equal(matchesOnLabels(ctx.policy), true);
    assert.equal(run(raw, ctx).outcome.decision.action, "deny");
    // Without the label the default (mark, for a Flux-owned object) holds.
    const other = context({ overrides: [override({ [key]: `${value}-not` })] });
    assert.equal(run(raw, other).outcome.decision.action, "mark");
  });

  it("says whether a policy matches on labels", () => {
    assert.equal(matchesOnLabels(policy), policy.overrides.some((o) => Object.keys(o.match.labels).length > 0));
    assert.equal(matchesOnLabels({ ...policy, overrides: [] }), false);
  });
});

describe("mutateRequest: the request stays as it arrived", () => {
  it("never modifies the incoming object or the live object (patches are computed from a copy-on-write draft)", () => {
    for (const file of ["deployment-selector-change.json", "job-template-change.json", "job-replace-drops-selector.json", "pvc-shrink.json", "service-drops-clusterip.json"]) {
      const raw = rawReview(file);
      const review = admissionReviewSchema.parse(raw);
      const before = JSON.stringify([review.request.object, review.request.oldObject]);
      const outcome = mutateRequest(review.request, context());
      assert.equal(JSON.stringify([review.request.object, review.request.oldObject]), before, file);
      if (outcome.patch.length > 0) assert.ok(outcome.patch.every((op) => op.path.startsWith("/")), file);
    }
  });
});
