import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:https";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, defaultPolicy, DECIDE_ON, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { rawReview } from "../../support/load-review.ts";
import { activePolicy } from "../../../src/core/policy/active-policy.ts";
import type { Catalogue } from "../../../src/core/rules/catalogue.ts";

for (const decideOn of DECIDE_ON) describe(`webhook server over HTTPS (deciding on the ${decideOn})`, () => {
  let hook: TestWebhook;
  before(async () => {
    hook = await startTestWebhook({ decideOn });
  });
  after(async () => {
    await hook.close();
  });

  const post = (path: string, body: string | Buffer, contentType?: string): ReturnType<typeof httpsRequest> =>
    httpsRequest({ url: `${hook.url}${path}`, ca: hook.ca, body, ...(contentType ? { contentType } : {}) });

  it("answers every example review the way kube-apiserver accepts, on /mutate and /validate", async () => {
    for (const file of ["deployment-selector-change.json", "deployment-image-update.json", "job-template-change.json", "service-drops-clusterip.json", "pvc-shrink.json", "configmap-delete.json", "deployment-scale-v1beta1.json"]) {
      for (const webhook of ["mutating", "validating"] as const) {
        const raw = rawReview(file);
        const res = await post(webhook === "mutating" ? "/mutate" : "/validate", JSON.stringify(raw));
        assert.equal(res.status, 200, `${file} ${webhook}: ${res.text}`);
        acceptAnswer(raw, res.json(), webhook);
      }
    }
  });

  it("echoes the v1beta1 apiVersion", async () => {
    const raw = rawReview("deployment-scale-v1beta1.json");
    const res = await post("/mutate", JSON.stringify(raw));
    assert.equal((res.json() as { apiVersion: string }).apiVersion, "admission.k8s.io/v1beta1");
  });

  it("rejects a body that is not JSON with 400 and a message naming the problem", async () => {
    const res = await post("/mutate", "{not json");
    assert.equal(res.status, 400);
    assert.match(res.text, /ERR_REVIEW_INVALID/);
    assert.match(res.text, /not JSON: syntax error at character 1/);
  });

  it("judges a review whose object holds a __proto__ key like any other (a legal data key), and never quotes a broken body", async () => {
    // A ConfigMap key may legally be "__proto__"; a 400 here let kube-apiserver's failure policy
    // (Ignore) pass the request unjudged.
    const review = rawReview("deployment-selector-change.json");
    const withProto = JSON.stringify(review).replace('"labels":{', '"labels":{"__proto__":"x","constructor":"y",');
    assert.ok(withProto.includes('"__proto__":"x"'));
    const res = await post("/mutate", withProto);
    assert.equal(res.status, 200, res.text);
    const plain = await post("/mutate", JSON.stringify(review));
    const answer = (r: typeof res): { allowed: boolean; patch?: string } => (r.json() as { response: { allowed: boolean; patch?: string } }).response;
    assert.equal(answer(res).allowed, answer(plain).allowed);
    assert.equal(answer(res).patch !== undefined, answer(plain).patch !== undefined);
    // Deleting a ConfigMap whose data holds a "__proto__" key is judged as without it.
    const deletion = rawReview("configmap-delete.json");
    const deletionText = JSON.stringify(deletion);
    const protoDeletion = deletionText.replace(/"data":\{/, '"data":{"__proto__":"v","toString":"w",');
    assert.notEqual(protoDeletion, deletionText, "the fixture has a data map");
    const judged = await post("/validate", protoDeletion);
    const reference = await post("/validate", deletionText);
    assert.equal(judged.status, 200, judged.text);
    assert.equal(answer(judged).allowed, answer(reference).allowed);
    const broken = await post("/mutate", '{"request": {"object": {"data": {"password": "s3cr3t-value"');
    assert.equal(broken.status, 400);
    assert.doesNotMatch(broken.text, /s3cr3t-value/);
    const empty = await post("/mutate", "");
    assert.equal(empty.status, 400);
    assert.match(empty.text, /body is empty/);
  });

  it("rejects JSON that is not an AdmissionReview with 400 naming the missing fields", async () => {
    const res = await post("/validate", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { operation: "UPDATE" } }));
    assert.equal(res.status, 400);
    const body = res.json() as { code: string; message: string };
    assert.equal(body.code, "ERR_REVIEW_INVALID");
    assert.match(body.message, /request\.uid/);
  });

  it("rejects a body over 7 MiB with 413 and keeps answering other requests", async () => {
    const huge = Buffer.alloc(7 * 1024 * 1024 + 1024, 0x20);
    const [big, normal] = await Promise.all([
      post("/mutate", huge),
      post("/mutate", JSON.stringify(rawReview("deployment-image-update.json"))),
    ]);
    assert.equal(big.status, 413);
    assert.match(big.text, /ERR_REVIEW_TOO_LARGE/);
    assert.equal(normal.status, 200);
  });

  it("answers a review sent as text/plain with 415 naming the accepted type, on either thread", async () => {
    const res = await post("/mutate", JSON.stringify(rawReview("deployment-image-update.json")), "text/plain");
    assert.equal(res.status, 415);
    assert.equal((res.json() as { code: string }).code, "ERR_REVIEW_MEDIA_TYPE");
    assert.match(res.text, /application\/json/);
  });

  it("answers a JSON body declared in another charset than UTF-8 with 415, and accepts utf-8 in any spelling", async () => {
    const review = JSON.stringify(rawReview("deployment-image-update.json"));
    for (const charset of ["utf-16", "latin1", "ISO-8859-1"]) {
      const res = await post("/mutate", review, `application/json; charset=${charset}`);
      assert.equal(res.status, 415, charset);
      assert.match(res.text, /UTF-8/);
    }
    for (const charset of ["utf-8", "UTF-8", "utf8", '"utf-8"']) {
      assert.equal((await post("/mutate", review, `application/json; charset=${charset}`)).status, 200, charset);
    }
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await post("/mutate", "a=b", "application/x-www-form-urlencoded");
    assert.equal(res.status, 415);
  });

  it("serves /healthz, /readyz and /metrics with request counts by webhook, operation, kind and action", async () => {
    assert.equal((await httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca })).status, 200);
    assert.equal((await httpsRequest({ url: `${hook.url}/readyz`, ca: hook.ca })).status, 200);
    await post("/mutate", JSON.stringify(rawReview("deployment-selector-change.json")));
    await hook.settled();
    const metrics = await httpsRequest({ url: `${hook.url}/metrics`, ca: hook.ca });
    assert.match(metrics.text, /gitops_guard_admission_requests_total\{webhook="mutate",operation="UPDATE",group="apps",kind="Deployment",action="mark",enforced_action="mark",dry_run="true"\} \d+/);
    assert.match(metrics.text, /gitops_guard_admission_duration_seconds_bucket/);
    assert.match(metrics.text, /gitops_guard_findings_total\{rule_id="apps.Deployment.selector"/);
  });

  it("records each decision as one JSON line with schema version 1", async () => {
    const raw = rawReview("deployment-selector-change.json");
    raw.request.uid = "record-check-uid";
    await post("/mutate", JSON.stringify(raw));
    await hook.settled();
    const line = hook.recordLines().map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r["uid"] === "record-check-uid");
    assert.ok(line);
    assert.equal(line["v"], 1);
    assert.equal(line["dryRun"], true);
    assert.equal(line["action"], "mark");
    assert.equal(line["owner"], "flux");
    assert.equal(line["policyVersion"], "test@test");
    assert.ok(typeof line["latencyMs"] === "number");
  });

  it("never writes Secret values to records or logs", async () => {
    const secretValue = "c3VwZXItc2VjcmV0LXBhc3N3b3JkLTQyNDI=";
    const decoded = Buffer.from(secretValue, "base64").toString();
    const secret = (data: Record<string, string>, immutable: boolean): Record<string, unknown> => ({
      apiVersion: "v1", kind: "Secret", type: "Opaque", immutable,
      metadata: { name: "db", namespace: "web", labels: { "kustomize.toolkit.fluxcd.io/name": "apps" } }, data,
    });
    const raw = rawReview("deployment-image-update.json");
    raw.request["kind"] = { group: "", version: "v1", kind: "Secret" };
    raw.request["resource"] = { group: "", version: "v1", resource: "secrets" };
    raw.request["name"] = "db";
    raw.request.oldObject = secret({ password: "b2xkLXZhbHVl" }, true);
    raw.request.object = secret({ password: secretValue }, true);
    const res = await post("/mutate", JSON.stringify(raw));
    assert.equal(res.status, 200);
    await hook.settled();
    const everything = hook.recordLines().join("\n") + hook.logText() + res.text;
    for (const value of [secretValue, decoded, "b2xkLXZhbHVl"]) assert.ok(!everything.includes(value), `leaked ${value}`);
  });

  // A catalogue that throws cannot be sent to a thread: test/adapters/decision-thread/decision-worker-client.test.ts covers it there.
  if (decideOn === "request-thread") it("fails open with a warning (and records the error) when deciding throws", async () => {
    const policy = await defaultPolicy();
    const broken: Catalogue = { all: [], rulesFor: () => { throw new Error("boom"); }, scopeFor: () => { throw new Error("boom"); }, pointerStructsFor: () => { throw new Error("boom"); }, judgesSubresource: () => { throw new Error("boom"); } };
    const hook2 = await startTestWebhook({ provider: { current: () => ({ ...activePolicy({ policy, contentHash: "x" }, "test", []), catalogue: broken }) } });
    try {
      const raw = rawReview("deployment-selector-change.json");
      const res = await httpsRequest({ url: `${hook2.url}/mutate`, ca: hook2.ca, body: JSON.stringify(raw) });
      assert.equal(res.status, 200);
      const answer = acceptAnswer(raw, res.json(), "mutating");
      assert.equal(answer.allowed, true);
      assert.match(answer.warnings.join(" "), /failed open/);
      await hook2.settled();
      const record = JSON.parse(hook2.recordLines().at(-1) ?? "{}") as { error?: { code: string } };
      assert.equal(record.error?.code, "ERR_INTERNAL");
    } finally {
      await hook2.close();
    }
  });

  it("reports not ready on /readyz until a policy is loaded", async () => {
    const hook3 = await startTestWebhook({ policy: "none", decideOn });
    try {
      const notReady = await httpsRequest({ url: `${hook3.url}/readyz`, ca: hook3.ca });
      assert.equal(notReady.status, 503);
      assert.match(notReady.text, /no valid policy loaded yet/);
      hook3.dynamic!.setPolicy({ policy: await defaultPolicy(), contentHash: "ready" }, "test");
      assert.equal((await httpsRequest({ url: `${hook3.url}/readyz`, ca: hook3.ca })).status, 200);
    } finally {
      await hook3.close();
    }
  });

  it("asks every client to close its connection once draining for shutdown, on every route and error", async () => {
    const drainingHook = await startTestWebhook({ decideOn });
    try {
      const send = (path: string, body?: string): ReturnType<typeof httpsRequest> =>
        httpsRequest({ url: `${drainingHook.url}${path}`, ca: drainingHook.ca, ...(body !== undefined ? { body } : {}), ...(body === "not a review" ? { contentType: "text/plain" } : {}) });
      const review = JSON.stringify(rawReview("deployment-image-update.json"));
      assert.notEqual((await send("/mutate", review)).headers["connection"], "close", "keep-alive before draining");
      drainingHook.drain();
      for (const [path, body, status] of [["/mutate", review, 200], ["/validate", review, 200], ["/mutate", "not a review", 415], ["/healthz", undefined, 200], ["/readyz", undefined, 503], ["/metrics", undefined, 200]] as const) {
        const res = await send(path, body);
        assert.equal(res.status, status, `${path}: ${res.text}`);
        assert.equal(res.headers["connection"], "close", `${path} (${status}) while draining`);
      }
    } finally {
      await drainingHook.close();
    }
  });

  it("refuses TLS 1.1 clients", async () => {
    await assert.rejects(
      httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca, agent: new Agent({ maxVersion: "TLSv1.1", minVersion: "TLSv1" }) }),
    );
  });
});
