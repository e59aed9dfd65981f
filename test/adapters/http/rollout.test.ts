import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, defaultPolicy, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { rawReview } from "../../support/load-review.ts";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";

/** The example selector change (a Flux-owned Deployment web/api) moved to another namespace, or relabelled. */
function review(namespace: string, extraLabels: Record<string, string> = {}): ReturnType<typeof rawReview> {
  const raw = rawReview("deployment-selector-change.json");
  raw.request["namespace"] = namespace;
  for (const key of ["object", "oldObject"] as const) {
    const object = raw.request[key] as { metadata: { namespace?: string; labels?: Record<string, string> } };
    object.metadata.namespace = namespace;
    object.metadata.labels = { ...object.metadata.labels, ...extraLabels };
  }
  return raw;
}

describe("serve with a staged rollout (rollout.enforceOnly)", () => {
  let hook: TestWebhook;
  before(async () => {
    const base = await defaultPolicy();
    const policy = policySchema.parse({ ...base, mode: "enforce", rollout: { enforceOnly: { namespaces: ["web"], selector: { matchLabels: { "gitops-guard.io/canary": "true" } } } } });
    hook = await startTestWebhook({ policy });
  });
  after(async () => {
    await hook.close();
  });

  const mutate = async (raw: ReturnType<typeof rawReview>): Promise<{ allowed: boolean; patch?: string; warnings?: string[] }> => {
    const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
    assert.equal(res.status, 200, res.text);
    acceptAnswer(raw, res.json(), "mutating");
    return (res.json() as { response: { allowed: boolean; patch?: string; warnings?: string[] } }).response;
  };

  it("enforces in the namespace named (the change is marked and patched) and audits elsewhere (allowed unchanged, recorded as audit)", async () => {
    const inside = await mutate(review("web"));
    assert.equal(inside.allowed, true);
    assert.ok(inside.patch !== undefined, "enforce: the mark's patch");
    const outside = await mutate(review("shop"));
    assert.equal(outside.allowed, true);
    assert.equal(outside.patch, undefined, "audit: nothing changed");
    await hook.records.flush?.();
    const records = readFileSync(hook.recordsPath, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { namespace: string; mode: string; action: string; enforcedAction: string; reason?: string });
    const shop = records.find((r) => r.namespace === "shop")!;
    assert.deepEqual([shop.mode, shop.action, shop.enforcedAction], ["audit", "allow", "mark"]);
    const web = records.find((r) => r.namespace === "web")!;
    assert.deepEqual([web.mode, web.action], ["enforce", "mark"]);
  });

  it("enforces on an object the selector selects, in any namespace", async () => {
    const canary = await mutate(review("shop", { "gitops-guard.io/canary": "true" }));
    assert.ok(canary.patch !== undefined);
  });
});
