import assert from "node:assert/strict";
import jsonpatch, { type Operation } from "fast-json-patch";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";

/** What kube-apiserver makes of a webhook answer. */
export interface AcceptedAnswer {
  readonly allowed: boolean;
  /** The object after the patch was applied (undefined when not allowed or no object). */
  readonly patchedObject: JsonObject | undefined;
  readonly patch: Operation[];
  readonly code: number | undefined;
  readonly message: string | undefined;
  readonly warnings: string[];
}

/**
 * Checks an AdmissionReview answer the way kube-apiserver does (webhook/request/admissionreview.go
 * VerifyAdmissionResponse; mutating/dispatcher.go): same apiVersion and kind, uid echoed,
 * patch and patchType together, JSONPatch only, no patch from a validating webhook, a base64 JSON
 * patch that applies cleanly to the object as sent. Fails the test otherwise.
 */
export function acceptAnswer(
  sent: { apiVersion: string; request: { uid: string; object?: unknown } },
  body: unknown,
  webhook: "mutating" | "validating",
): AcceptedAnswer {
  assert.ok(isJsonObject(body), "answer must be a JSON object");
  assert.equal(body["apiVersion"], sent.apiVersion, "answer apiVersion must equal the request's");
  assert.equal(body["kind"], "AdmissionReview");
  const response = body["response"];
  assert.ok(isJsonObject(response), "answer must have a response stanza");
  assert.equal(response["uid"], sent.request.uid, "response.uid must echo request.uid");
  assert.equal(typeof response["allowed"], "boolean", "response.allowed must be a boolean");
  const hasPatch = response["patch"] !== undefined;
  const hasType = response["patchType"] !== undefined;
  assert.equal(hasPatch, hasType, "patch and patchType must be present together");
  if (webhook === "validating") assert.ok(!hasPatch, "a validating webhook may not return a patch");
  let patch: Operation[] = [];
  let patchedObject: JsonObject | undefined;
  if (hasPatch) {
    assert.equal(response["patchType"], "JSONPatch");
    assert.equal(typeof response["patch"], "string");
    patch = JSON.parse(Buffer.from(String(response["patch"]), "base64").toString("utf8")) as Operation[];
    assert.ok(Array.isArray(patch), "patch must decode to a JSON array");
    assert.ok(isJsonObject(sent.request.object), "a patch needs an object to apply to");
    // Validated while applied (validateOperation: true). No ban on "__proto__" paths: kube-apiserver's
    // json-patch (evanphx/json-patch) treats every key as data, and so must an answer to it.
    try {
      patchedObject = jsonpatch.applyPatch(structuredClone(sent.request.object), patch, true, false, false).newDocument as JsonObject;
    } catch (err) {
      assert.fail(`patch must apply cleanly: ${String(err)}`);
    }
  } else if (isJsonObject(sent.request.object)) {
    patchedObject = sent.request.object;
  }
  const status = isJsonObject(response["status"]) ? response["status"] : undefined;
  const warnings = Array.isArray(response["warnings"]) ? response["warnings"].map(String) : [];
  const allowed = response["allowed"] === true;
  // ToStatusErr forces code ≥ 400 on denials (400 when unset).
  const code = allowed ? undefined : Math.max(400, typeof status?.["code"] === "number" ? status["code"] : 400);
  return {
    allowed,
    patchedObject: allowed ? patchedObject : undefined,
    patch,
    code,
    message: typeof status?.["message"] === "string" ? status["message"] : undefined,
    warnings,
  };
}
