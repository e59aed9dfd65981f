import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import { after, before, beforeEach, describe, it } from "node:test";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { rawRequest, type RawResponse } from "../kube-apiserver/raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";
import { testTls } from "../webhook-server.ts";
import { webhookAdmissionPlugins, type WebhookAdmission } from "./webhook-admission-plugin.ts";
import type { WebhookSpec } from "./webhook-configurations.ts";

// The webhook-calling admission plugin against a scripted webhook: each rule of kube-apiserver's
// dispatcher it claims to follow (request shape, ToStatusErr, failurePolicy, patch handling,
// sideEffects on dry-run, reinvocation is covered by the e2e stories) is checked here.

type Script = (review: JsonObject) => { status?: number; body?: unknown; delayMs?: number };

const USER = { username: "system:serviceaccount:flux-system:kustomize-controller", groups: ["system:authenticated"] };

function spec(name: string, changes: Partial<WebhookSpec> = {}): WebhookSpec {
  return {
    name,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Ignore",
    timeoutSeconds: 1,
    reinvocationPolicy: "Never",
    clientConfig: { service: { path: "/hook" } },
    rules: [{ operations: ["*"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"], scope: "*" }],
    ...changes,
  };
}

function uidOf(review: JsonObject): string {
  const request = review["request"];
  return isJsonObject(request) ? String(request["uid"]) : "";
}

function answer(review: JsonObject, response: JsonObject): { body: unknown } {
  return { body: { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: uidOf(review), ...response } } };
}

function statusOf(response: RawResponse): JsonObject {
  const body: unknown = JSON.parse(response.text);
  assert.ok(isJsonObject(body));
  return body;
}

describe("webhook admission plugin (simulated kube-apiserver → real HTTPS webhook)", () => {
  let api: SimulatedApiServer;
  let hook: Server;
  let hookUrl = "";
  let ca = "";
  let script: Script = (review) => answer(review, { allowed: true });
  const received: JsonObject[] = [];

  const install = (mutating: WebhookSpec[], validating: WebhookSpec[] = []): WebhookAdmission => {
    const admission = webhookAdmissionPlugins({
      configurations: { mutating, validating },
      endpoint: () => ({ baseUrl: hookUrl, ca }),
      userInfo: USER,
      requests: api.requests,
      namespaceLabels: () => ({}),
    });
    api.setAdmission(admission.plugins);
    return admission;
  };

  const send = (method: string, path: string, body?: JsonObject): Promise<RawResponse> => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    return rawRequest(api, {
      method, path, token: api.token,
      ...(text !== undefined ? { body: text, headers: { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) } } : {}),
    });
  };

  before(async () => {
    api = await startKubeApiServer();
    const tls = await testTls();
    ca = tls.ca;
    hook = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const review: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        assert.ok(isJsonObject(review));
        received.push(review);
        const { status = 200, body, delayMs = 0 } = script(review);
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body ?? {}));
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const address = hook.address();
    hookUrl = `https://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    await send("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "app" }, data: { level: "info" } });
  });
  after(async () => {
    await api.stop();
    hook.closeAllConnections();
    await new Promise((resolve) => hook.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
    script = (review) => answer(review, { allowed: true });
    api.setAdmission({ mutating: [], validating: [] });
  });

  it("sends an AdmissionReview v1 as kube-apiserver builds it: fresh uid, options with dryRun and fieldManager", async () => {
    install([spec("m.example.com")], [spec("v.example.com")]);
    const live = api.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "app" })!;
    const answered = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All&fieldManager=kustomize-controller", { data: { level: "debug" } });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(received.length, 2, "the mutating, then the validating webhook");
    const [mutating, validating] = received.map((r) => r["request"]);
    assert.ok(isJsonObject(mutating) && isJsonObject(validating));
    assert.match(String(mutating["uid"]), /^[0-9a-f-]{36}$/);
    assert.notEqual(mutating["uid"], validating["uid"], "a fresh uid per call");
    assert.deepEqual(received[0]!["apiVersion"], "admission.k8s.io/v1");
    const { uid: _uid, object, oldObject, ...rest } = mutating;
    assert.deepEqual(rest, {
      kind: { group: "", version: "v1", kind: "ConfigMap" },
      resource: { group: "", version: "v1", resource: "configmaps" },
      requestKind: { group: "", version: "v1", kind: "ConfigMap" },
      requestResource: { group: "", version: "v1", resource: "configmaps" },
      name: "app",
      namespace: "default",
      operation: "UPDATE",
      userInfo: USER,
      dryRun: true,
      options: { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1", dryRun: ["All"], fieldManager: "kustomize-controller" },
    });
    assert.deepEqual(oldObject, live);
    assert.ok(isJsonObject(object));
    assert.deepEqual(object["data"], { level: "debug" });

    received.length = 0;
    const deleted = await send("DELETE", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    assert.equal(deleted.status, 200, deleted.text);
    const deletion = received[0]!["request"];
    assert.ok(isJsonObject(deletion));
    assert.equal(received.length, 1, "DELETE reaches validating webhooks only here (kube-apiserver also runs mutating admission, which may not patch)");
    assert.equal(deletion["object"], null);
    assert.deepEqual(deletion["options"], { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1", dryRun: ["All"], propagationPolicy: "Background" });
  });

  it("turns allowed:false into the client's error as ToStatusErr does", async () => {
    const admission = install([spec("m.example.com")]);
    const cases: { status: JsonObject | undefined; code: number; reason: string | undefined; message: string }[] = [
      { status: { code: 422, reason: "Invalid", message: "field is immutable" }, code: 422, reason: "Invalid", message: 'admission webhook "m.example.com" denied the request: field is immutable' },
      { status: { message: "no" }, code: 400, reason: undefined, message: 'admission webhook "m.example.com" denied the request: no' },
      { status: { code: 200, reason: "Forbidden" }, code: 400, reason: "Forbidden", message: 'admission webhook "m.example.com" denied the request: Forbidden' },
      { status: undefined, code: 400, reason: undefined, message: 'admission webhook "m.example.com" denied the request without explanation' },
    ];
    for (const c of cases) {
      script = (review) => answer(review, { allowed: false, ...(c.status ? { status: c.status } : {}) });
      const response = await send("PATCH", "/api/v1/namespaces/default/configmaps/app", { data: { level: "warn" } });
      assert.equal(response.status, c.code);
      const body = statusOf(response);
      assert.equal(body["code"], c.code);
      assert.equal(body["reason"], c.reason);
      assert.equal(body["message"], c.message);
    }
    assert.deepEqual(admission.calls.map((c) => c.outcome), ["denied", "denied", "denied", "denied"]);
  });

  it("applies a mutating webhook's base64 JSONPatch, and fails the request with 500 when it does not apply, whatever failurePolicy says", async () => {
    const encode = (ops: unknown): string => Buffer.from(JSON.stringify(ops)).toString("base64");
    install([spec("m.example.com")]);
    script = (review) => answer(review, { allowed: true, patchType: "JSONPatch", patch: encode([{ op: "add", path: "/data/patched", value: "yes" }]) });
    const patched = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(statusOf(patched)["data"], { level: "warn", patched: "yes" });
    script = (review) => answer(review, { allowed: true, patchType: "JSONPatch", patch: encode([{ op: "replace", path: "/spec/absent", value: 1 }]) });
    const broken = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
    assert.equal(broken.status, 500);
    assert.match(String(statusOf(broken)["message"]), /^Internal error occurred: /);
  });

  it("resolves calling errors with failurePolicy: Ignore goes on, Fail answers 500", async () => {
    const wrongAnswers: Script[] = [
      (review) => ({ ...answer(review, { allowed: false }), status: 500 }),
      () => answer({ request: { uid: "someone-else" } }, { allowed: false }),
      (review) => answer(review, { allowed: false, patch: "W10=" }),
      (review) => ({ ...answer(review, { allowed: false }), delayMs: 1500 }),
    ];
    for (const wrong of wrongAnswers) {
      script = wrong;
      const open = install([spec("m.example.com", { failurePolicy: "Ignore" })]);
      const allowed = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
      assert.equal(allowed.status, 200, `Ignore: ${allowed.text}`);
      assert.equal(open.calls[0]!.outcome, "failed-open");
      const closed = install([spec("m.example.com", { failurePolicy: "Fail" })]);
      const refused = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
      assert.equal(refused.status, 500);
      assert.match(String(statusOf(refused)["message"]), /^Internal error occurred: failed calling webhook "m\.example\.com": /);
      assert.equal(closed.calls[0]!.outcome, "failed");
    }
  });

  it("refuses a dry-run with 400 when a matching webhook has side effects, and skips webhooks whose rules do not match", async () => {
    install([spec("m.example.com", { sideEffects: "Some" })]);
    const response = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
    assert.equal(response.status, 400);
    assert.equal(statusOf(response)["message"], 'admission webhook "m.example.com" does not support dry run');
    assert.equal(received.length, 0, "refused before calling");
    install([spec("m.example.com", { rules: [{ operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"], scope: "*" }] })]);
    const skipped = await send("PATCH", "/api/v1/namespaces/default/configmaps/app?dryRun=All", { data: { level: "warn" } });
    assert.equal(skipped.status, 200);
    assert.equal(received.length, 0, "UPDATE does not match a DELETE-only rule");
  });
});
