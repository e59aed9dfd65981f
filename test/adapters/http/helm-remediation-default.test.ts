import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { httpsRequest } from "../../support/https-client.ts";
import { DECIDE_ON, startTestWebhook, defaultPolicy, waitForThread, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { createReview } from "../../support/create-review.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";

interface Recorded { readonly uid: string; readonly kind: string; readonly operation: string; readonly action: string; readonly enforcedAction: string; readonly mode: string; readonly reason: string; readonly patchPaths: readonly string[] }

for (const decideOn of DECIDE_ON) {
  describe(`serve (decided on the ${decideOn}) with recovery.helmRemediationDefault on`, () => {
    let hook: TestWebhook;
    before(async () => {
      const base = await defaultPolicy();
      const policy = policySchema.parse({ ...base, recovery: { ...base.recovery, helmRemediationDefault: { enabled: true, retries: 2 } } });
      hook = await startTestWebhook({ policy, decideOn });
      if (hook.decisionThread) await waitForThread(hook.decisionThread);
    });
    after(async () => {
      await hook.close();
    });

    it("patches a HelmRelease CREATE over TLS with the rollback remediation, warns the client and records helm-remediation-defaulted", async () => {
      const raw = createReview(loadObject("recovery/helm-remediation/absent.yaml"), "helmreleases", 7);
      const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
      assert.equal(res.status, 200, res.text);
      const answer = acceptAnswer(raw, res.json(), "mutating");
      assert.equal(answer.allowed, true);
      assert.deepEqual(getAt(answer.patchedObject, ["spec", "upgrade", "remediation"]), { retries: 2, strategy: "rollback" });
      const warnings = (res.json() as { response: { warnings?: string[] } }).response.warnings ?? [];
      assert.ok(warnings.some((w) => w.includes("spec.upgrade.remediation")), JSON.stringify(warnings));
      await hook.settled();
      const record = hook.recordLines().map((line) => JSON.parse(line) as Recorded).find((r) => r.uid === raw.request.uid);
      assert.ok(record, "the decision is recorded");
      assert.deepEqual([record.operation, record.action, record.enforcedAction, record.mode], ["CREATE", "restore", "restore", "enforce"]);
      assert.match(record.reason, /^helm-remediation-defaulted: /);
      assert.deepEqual(record.patchPaths, ["/spec/upgrade"]);
    });

    it("leaves a HelmRelease with its own (partial) remediation as it came", async () => {
      const raw = createReview(loadObject("recovery/helm-remediation/partial.yaml"), "helmreleases", 8);
      const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
      assert.equal(res.status, 200, res.text);
      const answer = acceptAnswer(raw, res.json(), "mutating");
      assert.equal(answer.allowed, true);
      assert.deepEqual(answer.patch, []);
    });
  });
}
