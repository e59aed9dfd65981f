import assert from "node:assert/strict";
import { ApiException } from "@kubernetes/client-node";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";

/**
 * Awaits a client-node call that must fail with an HTTP error, asserts the code and the
 * metav1.Status body's code and reason, and returns that Status body.
 */
export async function rejectsWithStatus(call: Promise<unknown>, code: number, reason: string): Promise<JsonObject> {
  let failure: unknown;
  try {
    await call;
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof ApiException, `expected an ApiException ${code} ${reason}, got ${String(failure)}`);
  assert.equal(failure.code, code, `HTTP status (body: ${String(failure.body)})`);
  const body: unknown = typeof failure.body === "string" ? JSON.parse(failure.body) : failure.body;
  assert.ok(isJsonObject(body), "the error body is a JSON object");
  assert.equal(body["kind"], "Status");
  assert.equal(body["apiVersion"], "v1");
  assert.equal(body["status"], "Failure");
  assert.equal(body["code"], code);
  assert.equal(body["reason"], reason);
  return body;
}
