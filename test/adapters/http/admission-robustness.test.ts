import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:https";
import fc from "fast-check";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, DECIDE_ON, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { mapKeyOf } from "../../support/prototype-keys.ts";

/** Stands for a JSON integer past 2^53 in the body text (JSON.stringify cannot write one). */
const BIG = "__BIG_INTEGER__";

/**
 * Hostile values mixed into the random ones (issue 12): nesting past the judged depth, a huge
 * string where a label value goes, integers a double cannot hold.
 */
const deepValue = fc.integer({ min: 90, max: 400 }).map((depth) => {
  let value: unknown = BIG;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});
const specValue = fc.oneof({ weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) }, { weight: 1, arbitrary: deepValue }, { weight: 1, arbitrary: fc.constant({ activeDeadlineSeconds: BIG, replicas: BIG }) });
const labelValue = fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: fc.constant("v".repeat(70_000)) });

/** Arbitrary JSON objects shaped like Kubernetes objects, with random spec contents. */
const kubeObject = fc.record({
  apiVersion: fc.constantFrom("v1", "apps/v1", "batch/v1", "example.io/v1"),
  kind: fc.constantFrom("Deployment", "Job", "Service", "PersistentVolumeClaim", "Secret", "ConfigMap", "StatefulSet", "Widget"),
  metadata: fc.record({
    name: fc.constantFrom("a", "b"),
    namespace: fc.constantFrom("web", "kube-system"),
    labels: fc.dictionary(mapKeyOf(fc.constantFrom("app", "tier", "kustomize.toolkit.fluxcd.io/name", "app.kubernetes.io/name")), labelValue),
    annotations: fc.dictionary(mapKeyOf(fc.constantFrom("gitops-guard.io/replace", "gitops-guard.io/replace-digest", "kustomize.toolkit.fluxcd.io/force", "x")), fc.string({ maxLength: 8 })),
  }, { requiredKeys: ["name"] }),
  spec: specValue,
  data: fc.dictionary(mapKeyOf(fc.string({ maxLength: 6 })), fc.string({ maxLength: 12 })),
  immutable: fc.boolean(),
}, { requiredKeys: ["apiVersion", "kind", "metadata"] });

const review = fc.record({
  apiVersion: fc.constantFrom("admission.k8s.io/v1", "admission.k8s.io/v1beta1"),
  operation: fc.constantFrom("CREATE", "UPDATE", "DELETE", "CONNECT"),
  old: kubeObject,
  new: kubeObject,
  dryRun: fc.boolean(),
  subResource: fc.option(fc.constantFrom("status", "scale"), { nil: undefined }),
}).map((r) => ({
  apiVersion: r.apiVersion,
  kind: "AdmissionReview",
  request: {
    uid: "fuzz-uid",
    kind: { group: r.new.apiVersion.includes("/") ? r.new.apiVersion.split("/")[0] : "", version: "v1", kind: r.new.kind },
    resource: { group: "", version: "v1", resource: `${r.new.kind.toLowerCase()}s` },
    ...(r.subResource ? { subResource: r.subResource } : {}),
    name: r.new.metadata.name,
    namespace: r.new.metadata.namespace,
    operation: r.operation,
    userInfo: { username: "fuzz" },
    object: r.operation === "DELETE" ? null : r.new,
    oldObject: r.operation === "CREATE" ? null : r.old,
    dryRun: r.dryRun,
    options: null,
  },
}));

for (const decideOn of DECIDE_ON) describe(`the webhook under arbitrary input (deciding on the ${decideOn})`, () => {
  let hook: TestWebhook;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  before(async () => {
    hook = await startTestWebhook({ decideOn });
  });
  after(async () => {
    agent.destroy();
    await hook.close();
  });

  it("answers every AdmissionReview-shaped request with an answer kube-apiserver accepts (200), never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(review, async (body) => {
        for (const path of ["/mutate", "/validate"] as const) {
          const res = await httpsRequest({ url: `${hook.url}${path}`, ca: hook.ca, body: JSON.stringify(body).replaceAll(`"${BIG}"`, "9223372036854775807"), agent });
          assert.equal(res.status, 200, res.text);
          acceptAnswer(body, res.json(), path === "/mutate" ? "mutating" : "validating");
        }
      }),
      { numRuns: 150 },
    );
  });

  it("answers arbitrary JSON that is not an AdmissionReview with 400, and stays up", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(value), agent });
        assert.ok(res.status === 400, `${res.status} ${res.text}`);
      }),
      { numRuns: 150 },
    );
    assert.equal((await httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca })).status, 200);
  });
});
