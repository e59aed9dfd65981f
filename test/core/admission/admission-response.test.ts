import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Operation } from "fast-json-patch";
import { allowed, answerReview, denied, patched, type Verdict } from "../../../src/core/admission/admission-response.ts";
import { ADMISSION_API_VERSIONS } from "../../../src/core/admission/admission-review.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { rawReview } from "../../support/load-review.ts";

function decodePatch(patch: string): unknown {
  return JSON.parse(Buffer.from(patch, "base64").toString("utf8"));
}

const LABEL_PATCH: Operation[] = [{ op: "add", path: "/metadata/labels/team", value: "payments" }];

describe("verdict constructors", () => {
  it("allowed and patched allow; patched carries the patch", () => {
    assert.deepEqual(allowed(), { allowed: true, patch: [], warnings: [], auditAnnotations: {} });
    assert.deepEqual(patched(LABEL_PATCH, ["w"], { a: "b" }), { allowed: true, patch: LABEL_PATCH, warnings: ["w"], auditAnnotations: { a: "b" } });
  });

  it("denied derives the reason from the code, as kube-apiserver classifies it", () => {
    const cases: [number, number, string][] = [
      [422, 422, "Invalid"], [403, 403, "Forbidden"], [409, 409, "Conflict"], [400, 400, "BadRequest"],
      // failureDecision's fail-closed denial: metav1.StatusReasonInternalError is the reason of a 500.
      [500, 500, "InternalError"],
      // kube-apiserver forces a denial's code to ≥ 400 (400 when unset).
      [200, 400, "BadRequest"], [0, 400, "BadRequest"],
    ];
    for (const [code, expectedCode, reason] of cases) {
      const verdict = denied(code, "no");
      assert.equal(verdict.allowed, false);
      assert.deepEqual(verdict.status, { code: expectedCode, message: "no", reason }, String(code));
      assert.deepEqual(verdict.patch, []);
    }
  });
});

describe("answerReview", () => {
  for (const apiVersion of ADMISSION_API_VERSIONS) {
    it(`answers ${apiVersion} with the same apiVersion and the request's uid`, () => {
      const answer = answerReview({ apiVersion, uid: "7d3c9e2a" }, allowed(), { mayPatch: true });
      assert.deepEqual(answer, { apiVersion, kind: "AdmissionReview", response: { uid: "7d3c9e2a", allowed: true, auditAnnotations: { "decision-id": "7d3c9e2a" } } });
    });
  }

  it("sends the patch as base64 JSON with patchType JSONPatch from /mutate", () => {
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, patched(LABEL_PATCH), { mayPatch: true });
    assert.equal(answer.response.patchType, "JSONPatch");
    assert.deepEqual(decodePatch(answer.response.patch!), LABEL_PATCH);
  });

  it("never sends a patch from /validate", () => {
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, patched(LABEL_PATCH), { mayPatch: false });
    assert.equal(answer.response.patch, undefined);
    assert.equal(answer.response.patchType, undefined);
    assert.equal(answer.response.allowed, true);
  });

  it("never sends a patch with a denial, nor an empty patch", () => {
    const denial: Verdict = { ...denied(422, "field is immutable"), patch: LABEL_PATCH };
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, denial, { mayPatch: true });
    assert.equal(answer.response.patch, undefined);
    assert.equal(answer.response.patchType, undefined);
    assert.deepEqual(answer.response.status, { code: 422, message: "field is immutable", reason: "Invalid" });
    const empty = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, patched([]), { mayPatch: true });
    assert.equal("patch" in empty.response, false);
    assert.equal("patchType" in empty.response, false);
  });

  it("leaves out warnings and status when there are none; audit annotations hold at least the decision id", () => {
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, allowed(), { mayPatch: true });
    assert.deepEqual(Object.keys(answer.response).sort(), ["allowed", "auditAnnotations", "uid"]);
    assert.deepEqual(answer.response.auditAnnotations, { "decision-id": "u" });
    const odd = answerReview({ apiVersion: "admission.k8s.io/v1", uid: `a b ${"x".repeat(200)}` }, allowed(), { mayPatch: true });
    assert.deepEqual(Object.keys(odd.response).sort(), ["allowed", "uid"], "a uid that is not a plain token is not copied into the audit log");
    const full = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, allowed(["careful"], { action: "warn" }), { mayPatch: true });
    assert.deepEqual(full.response.warnings, ["careful"]);
    assert.deepEqual(full.response.auditAnnotations, { action: "warn", "decision-id": "u" });
  });

  it("encodes non-ASCII values as UTF-8 base64 that decodes back", () => {
    const patch: Operation[] = [
      { op: "add", path: "/metadata/annotations/owner", value: "Zoë Bäcker — 日本語 😀" },
      { op: "replace", path: "/metadata/labels/café", value: "ünïcödé" },
    ];
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, patched(patch), { mayPatch: true });
    assert.equal(answer.response.patch, Buffer.from(JSON.stringify(patch), "utf8").toString("base64"));
    assert.deepEqual(decodePatch(answer.response.patch!), patch);
  });

  it("encodes a patch of more than 1 MiB", () => {
    const value = "ä".repeat(600_000);
    const patch: Operation[] = [{ op: "add", path: "/data/big", value }];
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: "u" }, patched(patch), { mayPatch: true });
    assert.equal(answer.response.patch, Buffer.from(JSON.stringify(patch), "utf8").toString("base64"));
  });

  it("is accepted by kube-apiserver's checks and applies to the object sent", () => {
    const raw = rawReview("deployment-image-update.json");
    const answer = answerReview({ apiVersion: "admission.k8s.io/v1", uid: raw.request.uid }, patched(LABEL_PATCH, ["w"]), { mayPatch: true });
    const accepted = acceptAnswer(raw, JSON.parse(JSON.stringify(answer)), "mutating");
    assert.equal(accepted.allowed, true);
    assert.equal((accepted.patchedObject?.["metadata"] as Record<string, Record<string, string>>)["labels"]?.["team"], "payments");
    const forValidate = answerReview({ apiVersion: "admission.k8s.io/v1", uid: raw.request.uid }, patched(LABEL_PATCH), { mayPatch: false });
    acceptAnswer(raw, JSON.parse(JSON.stringify(forValidate)), "validating");
  });

  it("property: patch and patchType travel together, only when patching is allowed, and decode to the patch", () => {
    const op = fc.record({
      op: fc.constantFrom("add" as const, "replace" as const),
      path: fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    const verdict = fc.oneof(
      fc.array(op, { maxLength: 4 }).map((p) => patched(p as Operation[])),
      fc.array(op, { maxLength: 4 }).map((p): Verdict => ({ ...denied(422, "no"), patch: p as Operation[] })),
      fc.constant(allowed()),
    );
    fc.assert(
      fc.property(verdict, fc.boolean(), fc.constantFrom(...ADMISSION_API_VERSIONS), fc.uuid(), (v, mayPatch, apiVersion, uid) => {
        const { response, ...envelope } = answerReview({ apiVersion, uid }, v, { mayPatch });
        assert.deepEqual(envelope, { apiVersion, kind: "AdmissionReview" });
        assert.equal(response.uid, uid);
        assert.equal(response.allowed, v.allowed);
        assert.equal("patch" in response, "patchType" in response);
        const expectPatch = mayPatch && v.allowed && v.patch.length > 0;
        assert.equal(response.patch !== undefined, expectPatch);
        if (response.patch !== undefined) {
          assert.equal(response.patchType, "JSONPatch");
          assert.deepEqual(decodePatch(response.patch), JSON.parse(JSON.stringify(v.patch)));
        }
      }),
    );
  });
});
