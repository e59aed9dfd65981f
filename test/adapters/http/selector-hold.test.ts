import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, DECIDE_ON, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { updateReview } from "../../support/update-review.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";

const JOURNAL = "gitops-guard-replace-8c1f0e2b7d6a4935";

for (const decideOn of DECIDE_ON) {
  describe(`a held selector through the real TLS webhook server (decided on the ${decideOn})`, () => {
    let hook: TestWebhook;
    before(async () => {
      hook = await startTestWebhook({ decideOn });
    });
    after(async () => {
      await hook.close();
    });

    it("patches a kubectl apply of a held Service back to the live selector, warns, and records the restore with the held finding", async () => {
      const pair = loadPair("decide/selector-hold/service-apply-during-hold.yaml");
      const raw = updateReview(pair.old, pair.new, 0, "kubectl");
      raw.request.uid = `selector-hold-${decideOn}`;
      const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
      assert.equal(res.status, 200, res.text);
      const answer = acceptAnswer(raw, res.json(), "mutating");
      assert.equal(answer.allowed, true);
      assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), { app: "web" });
      assert.deepEqual(getAt(answer.patchedObject, ["metadata", "labels", "team"]), "shop");
      assert.match(answer.warnings.join("\n"), new RegExp(`kept spec\\.selector held by the replacement ${JOURNAL}`));
      await hook.settled();
      const record = hook.recordLines().map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r["uid"] === raw.request.uid);
      assert.ok(record, "recorded");
      assert.equal(record["action"], "restore");
      assert.match(String(record["reason"]), new RegExp(JOURNAL));
      const findings = record["findings"] as { class: string; path: string; ruleId: string }[];
      assert.deepEqual(findings.filter((f) => f.class === "held").map((f) => [f.ruleId, f.path]), [["core.Service.selectorHold", "spec.selector"]]);
    });

    it("lets the engine's switch through without a patch", async () => {
      const pair = loadPair("decide/selector-hold/service-engine-switch.yaml");
      const raw = updateReview(pair.old, pair.new, 1, "kubectl");
      const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
      const answer = acceptAnswer(raw, res.json(), "mutating");
      assert.equal(answer.allowed, true);
      assert.deepEqual(answer.patch, []);
      assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), { app: "web", team: "shop" });
    });
  });
}
