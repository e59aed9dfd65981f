import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { admissionReviewSchema, fieldManagerOf } from "../../../src/core/admission/admission-review.ts";
import { EXAMPLE_REVIEWS, parsedReview, rawReview } from "../../support/load-review.ts";

const EXAMPLES = readdirSync(EXAMPLE_REVIEWS).filter((f) => f.endsWith(".json")).sort();

function issuePaths(value: unknown): string[] {
  const result = admissionReviewSchema.safeParse(value);
  assert.equal(result.success, false, "expected the review to be rejected");
  return result.error!.issues.map((i) => i.path.join("."));
}

describe("admissionReviewSchema", () => {
  it("has example reviews to check", () => {
    assert.ok(EXAMPLES.length >= 8, EXAMPLES.join(", "));
  });

  for (const file of EXAMPLES) {
    it(`accepts examples/admission/${file} and keeps its objects exactly`, () => {
      const raw = rawReview(file);
      const review = parsedReview(file);
      assert.equal(review.apiVersion, raw.apiVersion);
      assert.equal(review.request.uid, raw.request.uid);
      assert.deepEqual(review.request.object ?? null, raw.request.object ?? null);
      assert.deepEqual(review.request.oldObject ?? null, raw.request.oldObject ?? null);
    });
  }

  it("accepts both admission.k8s.io/v1 and v1beta1", () => {
    const versions = new Set(EXAMPLES.map((f) => parsedReview(f).apiVersion));
    assert.deepEqual([...versions].sort(), ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]);
  });

  it("accepts a DELETE with a null object and a CREATE without oldObject", () => {
    assert.equal(parsedReview("configmap-delete.json").request.object, null);
    const create = rawReview("deployment-image-update.json");
    create.request["operation"] = "CREATE";
    delete create.request.oldObject;
    assert.equal(admissionReviewSchema.parse(create).request.oldObject, undefined);
  });

  it("defaults a missing userInfo to {} and accepts fields it does not name, leaving them out", () => {
    const raw = rawReview("deployment-image-update.json");
    delete raw.request["userInfo"];
    raw.request["futureField"] = { x: 1 };
    const review = admissionReviewSchema.parse(raw);
    assert.deepEqual(review.request.userInfo, {});
    assert.equal(Object.hasOwn(review.request, "futureField"), false);
    // The objects are the ones that arrived, not copies: patches are diffed against them.
    assert.equal(review.request.object, raw.request["object"]);
  });

  it("rejects malformed reviews, naming the path of each problem", () => {
    const cases: [string, (raw: ReturnType<typeof rawReview>) => unknown, string[]][] = [
      ["unknown apiVersion", (raw) => ({ ...raw, apiVersion: "admission.k8s.io/v2" }), ["apiVersion"]],
      ["wrong kind", (raw) => ({ ...raw, kind: "AdmissionRequest" }), ["kind"]],
      ["no request", (raw) => ({ apiVersion: raw.apiVersion, kind: raw.kind }), ["request"]],
      ["no uid", (raw) => ({ ...raw, request: { ...raw.request, uid: undefined } }), ["request.uid"]],
      ["empty uid", (raw) => ({ ...raw, request: { ...raw.request, uid: "" } }), ["request.uid"]],
      ["unknown operation", (raw) => ({ ...raw, request: { ...raw.request, operation: "PATCH" } }), ["request.operation"]],
      ["empty kind.kind", (raw) => ({ ...raw, request: { ...raw.request, kind: { group: "apps", version: "v1", kind: "" } } }), ["request.kind.kind"]],
      ["no resource", (raw) => ({ ...raw, request: { ...raw.request, resource: undefined } }), ["request.resource"]],
      ["object is a list", (raw) => ({ ...raw, request: { ...raw.request, object: [1, 2] } }), ["request.object"]],
      ["oldObject is a string", (raw) => ({ ...raw, request: { ...raw.request, oldObject: "{}" } }), ["request.oldObject"]],
      ["groups is not a list", (raw) => ({ ...raw, request: { ...raw.request, userInfo: { username: "a", groups: "admins" } } }), ["request.userInfo.groups"]],
      ["dryRun is a string", (raw) => ({ ...raw, request: { ...raw.request, dryRun: "true" } }), ["request.dryRun"]],
    ];
    for (const [name, mutate, paths] of cases) {
      assert.deepEqual(issuePaths(mutate(rawReview("deployment-image-update.json"))), paths, name);
    }
  });

  it("rejects what is not an object at all", () => {
    for (const value of [null, "AdmissionReview", [], 42]) assert.equal(admissionReviewSchema.safeParse(value).success, false);
  });
});

describe("fieldManagerOf", () => {
  it("reads options.fieldManager when it is a string", () => {
    const raw = rawReview("deployment-image-update.json");
    raw.request["options"] = { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: "kustomize-controller" };
    assert.equal(fieldManagerOf(admissionReviewSchema.parse(raw).request), "kustomize-controller");
  });

  it("is undefined without options, or with a fieldManager that is not a string", () => {
    const raw = rawReview("deployment-image-update.json");
    delete raw.request["options"];
    assert.equal(fieldManagerOf(admissionReviewSchema.parse(raw).request), undefined);
    raw.request["options"] = { fieldManager: 7 };
    assert.equal(fieldManagerOf(admissionReviewSchema.parse(raw).request), undefined);
  });
});
