import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { join } from "node:path";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { FIXTURES, loadObject } from "../support/load-yaml.ts";
import type { ObjectRef } from "../support/kube-apiserver/store-access.ts";
import { rawRequest } from "../support/kube-apiserver/raw-request.ts";
import { INJECTED_ANNOTATION, startSidecarInjector, type SidecarInjector } from "../support/e2e/start-sidecar-injector.ts";
import { startStoryCluster, type StoryCluster } from "../support/e2e/start-story-cluster.ts";
import type { WebhookCall } from "../support/e2e/webhook-admission-plugin.ts";

// The same GitOps story under the conditions DESIGN.md facts 3 and 5 warn about: the webhook is
// called more than once per request (reinvocation after another webhook's change), someone else
// updates the object between two reconciles, and the webhook is down (failurePolicy: Ignore).

const WEB: ObjectRef = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const MUTATE = "mutate.gitops-guard.io";
const INJECT = "inject.sidecar.example.com";
const NEW_SELECTOR = { matchLabels: { app: "web", team: "payments" } };

function at(obj: JsonObject | undefined, ...keys: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = obj;
  for (const key of keys) current = isJsonObject(current) ? current[key] : undefined;
  return current;
}

function annotationsOf(obj: JsonObject | undefined, ...prefix: string[]): Record<string, JsonValue> {
  const annotations = at(obj, ...prefix, "metadata", "annotations");
  return isJsonObject(annotations) ? annotations : {};
}

function summary(calls: readonly WebhookCall[]): string[] {
  return calls.map((c) => `${c.webhook} ${c.operation} dryRun=${c.dryRun} ${c.outcome}${c.code !== undefined ? ` ${c.code}` : ""}`);
}

async function reconcilesToNewSelector(cluster: StoryCluster, max = 5): Promise<number> {
  const changed = loadObject("e2e/web-deployment-commonlabels.yaml");
  for (let count = 1; count <= max; count++) {
    const result = await cluster.flux.reconcile([changed]);
    assert.equal(result.ready, true, `reconcile ${count}: ${result.error ?? ""}`);
    if (JSON.stringify(at(cluster.api.store.get(WEB), "spec", "selector")) === JSON.stringify(NEW_SELECTOR)) return count;
  }
  return Infinity;
}

describe("e2e: gitops-guard reinvoked after another mutating webhook's change (fact 3)", () => {
  let injector: SidecarInjector;
  let cluster: StoryCluster;
  before(async () => {
    injector = await startSidecarInjector();
    cluster = await startStoryCluster({
      guard: true,
      otherWebhooks: [{ file: join(FIXTURES, "e2e", "sidecar-injector-webhooks.yaml"), baseUrl: injector.url, ca: injector.ca }],
    });
  });
  after(async () => {
    await cluster.stop();
    await injector.close();
  });

  it("answers the reinvocation idempotently (no second patch), and the story still converges in 2 reconciles", async () => {
    await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
    assert.equal(annotationsOf(cluster.api.store.get(WEB), "spec", "template")[INJECTED_ANNOTATION], "true", "the injector ran on create");
    const start = cluster.calls.length;
    assert.equal(await reconcilesToNewSelector(cluster), 2);
    const firstReconcile = summary(cluster.calls.slice(start, start + 10));
    // The live template keeps the injected annotation (the manifest does not set it), so the
    // injector answers without a patch and no reinvocation is due.
    assert.deepEqual(firstReconcile.slice(0, 3), [
      `${MUTATE} UPDATE dryRun=true patched`,
      `${INJECT} UPDATE dryRun=true allowed`,
      "validate.gitops-guard.io UPDATE dryRun=true allowed",
    ]);
    const final = cluster.api.store.get(WEB);
    assert.equal(annotationsOf(final, "spec", "template")[INJECTED_ANNOTATION], "true", "the recreated object was injected on create");
    assert.deepEqual(Object.keys(annotationsOf(final)).filter((k) => k.startsWith("gitops-guard.io/")), []);
  });

  it("is called again when the injector changes the object, and then answers without a patch, keeping the marks", async () => {
    // A Deployment whose pod template lost the injected annotation (Git has no annotations): the
    // injector patches on every update, so gitops-guard (IfNeeded) is reinvoked.
    const fresh = await startStoryCluster({
      guard: true,
      otherWebhooks: [{ file: join(FIXTURES, "e2e", "sidecar-injector-webhooks.yaml"), baseUrl: injector.url, ca: injector.ca }],
    });
    try {
      await fresh.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
      const live = fresh.api.store.get(WEB)!;
      const template = at(live, "spec", "template", "metadata");
      assert.ok(isJsonObject(template));
      delete template["annotations"];
      fresh.api.store.put(live);
      const start = fresh.calls.length;
      const result = await fresh.flux.reconcile([loadObject("e2e/web-deployment-commonlabels.yaml")]);
      assert.equal(result.ready, true, String(result.error));
      assert.deepEqual(summary(fresh.calls.slice(start, start + 4)), [
        `${MUTATE} UPDATE dryRun=true patched`,
        `${INJECT} UPDATE dryRun=true patched`,
        `${MUTATE} UPDATE dryRun=true allowed`,
        "validate.gitops-guard.io UPDATE dryRun=true allowed",
      ]);
      const reinvoked = fresh.calls[start + 2]!;
      assert.deepEqual(reinvoked.patch, [], "the reinvocation changes nothing: the decision is idempotent");
      const marked = fresh.api.store.get(WEB);
      assert.equal(annotationsOf(marked)["gitops-guard.io/replace"], "recreate");
      assert.equal(annotationsOf(marked, "spec", "template")[INJECTED_ANNOTATION], "true");
      assert.deepEqual(at(marked, "spec", "selector"), { matchLabels: { app: "web" } });
      assert.equal(await reconcilesToNewSelector(fresh), 1, "the next reconcile recreates it");
    } finally {
      await fresh.stop();
    }
  });
});

describe("e2e: another client updates the marked object between the two reconciles", () => {
  let cluster: StoryCluster;
  before(async () => {
    cluster = await startStoryCluster({ guard: true });
  });
  after(() => cluster.stop());

  it("keeps the replace mark through a `kubectl rollout restart`, so Flux still converges on its next reconcile", async () => {
    await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
    const marked = await cluster.flux.reconcile([loadObject("e2e/web-deployment-commonlabels.yaml")]);
    assert.equal(marked.ready, true);
    assert.equal(annotationsOf(cluster.api.store.get(WEB))["gitops-guard.io/replace"], "recreate");

    // kubectl rollout restart: a strategic merge patch of one pod-template annotation, field manager kubectl-rollout.
    const body = JSON.stringify({ spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T09:00:00Z" } } } } });
    const restart = await rawRequest(cluster.api, {
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl-rollout",
      headers: { "Content-Type": "application/strategic-merge-patch+json", "Content-Length": String(Buffer.byteLength(body)) },
      body,
      token: cluster.api.token,
    });
    assert.equal(restart.status, 200, restart.text);
    const restarted = cluster.api.store.get(WEB);
    assert.equal(annotationsOf(restarted, "spec", "template")["kubectl.kubernetes.io/restartedAt"], "2026-11-26T09:00:00Z");
    // The restart did not revert Git's change: Git still wants the new selector, so the mark (and
    // Flux's force marker) must stay for Flux's next reconcile to recreate the object.
    assert.equal(annotationsOf(restarted)["gitops-guard.io/replace"], "recreate",
      `a third party's update removed the replace mark: ${JSON.stringify(cluster.calls.at(-2))}`);
    assert.equal(annotationsOf(restarted)["kustomize.toolkit.fluxcd.io/force"], "enabled");
    assert.equal(await reconcilesToNewSelector(cluster), 1, "Flux recreates on its next reconcile");
  });
});

describe("e2e: gitops-guard unavailable (failurePolicy: Ignore)", () => {
  it("fails open: every call is ignored and Flux sees the API server's own 422, as without gitops-guard", async () => {
    const cluster = await startStoryCluster({ guard: true });
    try {
      await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
      await cluster.guard!.close();
      const result = await cluster.flux.reconcile([loadObject("e2e/web-deployment-commonlabels.yaml")]);
      assert.equal(result.ready, false);
      assert.equal(result.failure?.code, 422);
      assert.match(result.failure!.message, /^Deployment\.apps "web" is invalid: spec\.selector: Invalid value: .*: field is immutable$/);
      assert.deepEqual(summary(cluster.calls), [`${MUTATE} UPDATE dryRun=true failed-open`]);
      assert.match(cluster.calls[0]!.message!, /^failed to call webhook: /);
      assert.deepEqual(at(cluster.api.store.get(WEB), "spec", "selector"), { matchLabels: { app: "web" } });
    } finally {
      await cluster.api.stop();
    }
  });
});
