import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { startKubeApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { startFluxSimulator } from "../support/flux-simulator.ts";
import { guardEvents, startReplica, testWatchOptions } from "../support/watch-harness.ts";
import { loadDocuments } from "../support/load-yaml.ts";
import { waitFor } from "../support/wait-for.ts";
import { isJsonObject } from "../../src/core/k8s/json.ts";

describe("watch: HelmReleases and Argo CD Applications", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard", "chaos", "argocd"], bookmarkIntervalMs: 50 });
  const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
  after(async () => {
    flux.stop();
    await server.stop();
  });

  it("a HelmRelease blocked by the Helm lock is stuck with cause helm-locked and the unlock advice", async () => {
    flux.createHelmRelease("chaos", "chaos-mesh");
    flux.failing("HelmRelease", "chaos", "chaos-mesh", "UpgradeFailed", "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress");
    const replica = await startReplica(testWatchOptions(server));
    try {
      await waitFor("stuck", () => guardEvents(server).some((e) => e.object === "HelmRelease/chaos/chaos-mesh" && e.reason === "ReconciliationStuck"), { timeoutMs: 8000 });
      const event = guardEvents(server).find((e) => e.object === "HelmRelease/chaos/chaos-mesh")!;
      assert.match(event.message, /^stuck for \d+s: helm-locked\. .*flux reconcile helmrelease chaos-mesh -n chaos/);
    } finally {
      await replica.watch.close();
    }
  });

  it("an Argo CD Application whose sync failed is announced (its CRD installed after watch started)", async () => {
    const replica = await startReplica(testWatchOptions(server));
    try {
      await waitFor("synced", async () => (await fetch(`http://127.0.0.1:${replica.watch.port}/readyz`)).status === 200, { timeoutMs: 5000 });
      server.registerResource({ group: "argoproj.io", version: "v1alpha1", plural: "applications", kind: "Application", namespaced: true, custom: true, statusSubresource: true });
      const [app] = loadDocuments("assess/objects/app-sync-failed.yaml");
      assert.ok(isJsonObject(app));
      server.store.put(app);
      // Looked for again every --crd-recheck (60 s by default; 0.3 s here).
      await waitFor("announced", () => guardEvents(server).some((e) => e.object === "Application/argocd/postgresql" && e.reason === "ReconciliationStuck"), { timeoutMs: 8000 });
      const event = guardEvents(server).find((e) => e.object === "Application/argocd/postgresql" && e.reason === "ReconciliationStuck")!;
      assert.match(event.message, /^failed for .*: immutable field on StatefulSet\/db\/postgresql \(spec\)/);
      assert.match(event.message, /Replace=true,Force=true/);
    } finally {
      await replica.watch.close();
    }
  });
});
