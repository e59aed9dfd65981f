import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Watch } from "@kubernetes/client-node";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

describe("simulated API server: going away and coming back", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
  });
  after(() => server.stop());

  it("refuses connections while unavailable, drops open watches, and serves the same data on the same URL afterwards", async () => {
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "survivor" } } });
    let watchEnded: (err: unknown) => void = () => undefined;
    const ended = new Promise<unknown>((resolve) => { watchEnded = resolve; });
    await new Watch(api.kubeConfig).watch("/api/v1/namespaces/default/configmaps", { resourceVersion: server.store.resourceVersion() },
      () => undefined, (err: unknown) => watchEnded(err));
    const url = server.url;

    await server.setAvailable(false);
    const watchError = await ended;
    assert.ok(watchError instanceof Error, `the open watch ends with an error, got ${String(watchError)}`);
    await assert.rejects(api.core.readNamespacedConfigMap({ name: "survivor", namespace: "default" }), (error: unknown) => {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
      return cause !== undefined && "code" in cause && cause.code === "ECONNREFUSED";
    });

    await server.setAvailable(true);
    assert.equal(server.url, url);
    const back = await api.core.readNamespacedConfigMap({ name: "survivor", namespace: "default" });
    assert.equal(back.metadata?.name, "survivor");
  });
});
