import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { startKubeApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { watchReconcilers } from "../../../src/adapters/kube/watch-reconcilers.ts";
import { waitFor } from "../../support/wait-for.ts";

describe("watchReconcilers", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "argocd"], bookmarkIntervalMs: 50 });
  after(() => server.stop());
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);

  it("a missing CRD is reported once and picked up when it appears; objects are parsed once, bad ones reported", async () => {
    const log: string[] = [];
    const objects = new Map<string, string>();
    const w = watchReconcilers({ kc, http: createKubeHttp(kc), recheckMs: 200 }, {
      onReplace: (kind, list) => list.forEach((o) => objects.set(`${kind}/${o.object.metadata.name}`, o.kind)),
      onUpsert: (o) => objects.set(`${o.kind}/${o.object.metadata.name}`, o.kind),
      onDelete: (key) => log.push(`deleted ${key}`),
      onInvalid: (key, error) => log.push(`invalid ${key}: ${error}`),
      onConnected: () => undefined,
      onMissing: (kind) => log.push(`missing ${kind}`),
      onFound: (kind, apiVersion) => log.push(`found ${kind} ${apiVersion}`),
      onError: () => undefined,
    });
    try {
      await waitFor("synced", () => w.synced(), { timeoutMs: 5000 });
      assert.ok(log.includes("missing Application"));
      assert.ok(log.includes("found Kustomization kustomize.toolkit.fluxcd.io/v1"));
      assert.ok(log.includes("found HelmRelease helm.toolkit.fluxcd.io/v2"));
      await new Promise((r) => setTimeout(r, 500)); // two rechecks
      assert.equal(log.filter((l) => l === "missing Application").length, 1, "reported once");
      server.registerResource({ group: "argoproj.io", version: "v1alpha1", plural: "applications", kind: "Application", namespaced: true, custom: true, statusSubresource: true });
      server.store.put({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { namespace: "argocd", name: "guestbook" }, spec: {}, status: { sync: { status: "Synced" }, health: { status: "Healthy" } } });
      server.store.put({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { namespace: "default", name: "bad" }, spec: { suspend: "yes" } });
      await waitFor("the Application", () => objects.has("Application/guestbook"), { timeoutMs: 5000 });
      await waitFor("the bad Kustomization reported", () => log.some((l) => l.startsWith("invalid Kustomization/default/bad")), { timeoutMs: 5000 });
    } finally {
      w.stop();
    }
  });
});
