import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { failureReview, reviewDecision, type ReviewDecision } from "../../../src/core/admission/review-decision.ts";
import { activePolicy, type ActivePolicy } from "../../../src/core/policy/active-policy.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { rawReview } from "../../support/load-review.ts";

function active(changes: Record<string, unknown> = {}): ActivePolicy {
  const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
  if (!loaded.ok) throw new Error("default policy invalid");
  return activePolicy({ ...loaded.value, policy: { ...loaded.value.policy, ...changes } }, "test", []);
}

const SELECTOR = JSON.stringify(rawReview("deployment-selector-change.json"));

function decided(result: ReviewDecision): Extract<ReviewDecision, { kind: "decided" }> {
  assert.equal(result.kind, "decided");
  return result as Extract<ReviewDecision, { kind: "decided" }>;
}

describe("reviewDecision", () => {
  it("answers a review with the decision behind it, the uid echoed", () => {
    const review = rawReview("deployment-selector-change.json");
    const result = decided(reviewDecision("mutate", SELECTOR, active(), "gitops-guard"));
    assert.equal(result.answer.response.uid, review.request.uid);
    assert.equal(result.request.uid, review.request.uid);
    assert.notEqual(result.outcome.decision.findings.length, 0);
    assert.equal(result.error, undefined);
  });

  it("names why a body is not JSON, or not an AdmissionReview, and never quotes it", () => {
    assert.deepEqual(reviewDecision("mutate", "", active(), "gitops-guard"), { kind: "invalid", message: "body is empty: expected an AdmissionReview" });
    const notJson = reviewDecision("mutate", '{"secret-value": ', active(), "gitops-guard");
    assert.equal(notJson.kind, "invalid");
    assert.doesNotMatch(notJson.kind === "invalid" ? notJson.message : "", /secret-value/);
    const notReview = reviewDecision("validate", '{"kind":"Pod"}', active(), "gitops-guard");
    assert.equal(notReview.kind, "invalid");
    assert.match(notReview.kind === "invalid" ? notReview.message : "", /^not an AdmissionReview/);
  });

  it("fails open under ERR_POLICY_NOT_LOADED until a policy is there", () => {
    const result = decided(reviewDecision("mutate", SELECTOR, undefined, "gitops-guard"));
    assert.equal(result.error?.code, "ERR_POLICY_NOT_LOADED");
    assert.equal(result.answer.response.allowed, true);
  });

  it("answers an object nested deeper than it judges by the failure mode (ERR_REVIEW_TOO_DEEP)", () => {
    const review = rawReview("deployment-selector-change.json");
    let deep: unknown = "leaf";
    for (let i = 0; i < 150; i++) deep = { d: deep };
    (review.request.object as { metadata: Record<string, unknown> }).metadata["annotations"] = { deep } as unknown as Record<string, string>;
    const result = decided(reviewDecision("mutate", JSON.stringify(review), active({ failureMode: "closed" }), "gitops-guard"));
    assert.equal(result.error?.code, "ERR_REVIEW_TOO_DEEP");
    assert.equal(result.answer.response.allowed, false);
    assert.equal(result.answer.response.status?.code, 500);
  });
});

describe("failureReview", () => {
  it("answers by the policy's failure mode without deciding, under the error given", () => {
    const stalled = { code: "ERR_DECISION_STALLED", message: "the decision thread stopped answering" } as const;
    const open = decided(failureReview("mutate", SELECTOR, active(), stalled));
    assert.equal(open.answer.response.allowed, true);
    assert.deepEqual(open.outcome.decision.findings, []);
    assert.match(open.answer.response.warnings?.join(" ") ?? "", /failed open \(ERR_DECISION_STALLED\)/);
    assert.deepEqual(open.error, stalled);
    const closed = decided(failureReview("validate", SELECTOR, active({ failureMode: "closed" }), stalled));
    assert.equal(closed.answer.response.allowed, false);
    assert.equal(closed.outcome.decision.kind, "deny");
    assert.equal(failureReview("mutate", "[", active(), stalled).kind, "invalid");
  });
});
