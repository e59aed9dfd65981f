import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { followServerRelease, readServerRelease, VERSION_REFRESH_MS, VERSION_TIMEOUT_MS } from "../../../src/adapters/kube/read-server-release.ts";
import { formatRelease, type KubeRelease } from "../../../src/core/kube/kube-release.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { eventually } from "../../support/wait-for.ts";

describe("readServerRelease / followServerRelease (simulated API server)", () => {
  let api: SimulatedApiServer;
  before(async () => {
    api = await startKubeApiServer({ kubernetesVersion: "v1.36.4-gke.1200" });
  });
  after(async () => {
    await api.stop();
  });

  const http = () => {
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml);
    return createKubeHttp(kc);
  };

  it("reads a managed cluster's gitVersion as its minor release", async () => {
    assert.equal(formatRelease(await readServerRelease(http())), "1.36");
  });

  it("fails with ERR_KUBE_UNAVAILABLE when /version has no release in it", async () => {
    api.setKubernetesVersion("unknown");
    try {
      await assert.rejects(readServerRelease(http()), (err: Error & { code?: string }) => err.code === "ERR_KUBE_UNAVAILABLE" && /no Kubernetes release/.test(err.message));
    } finally {
      api.setKubernetesVersion("v1.36.4-gke.1200");
    }
  });

  it("notices an upgrade of the control plane, once", async () => {
    const seen: string[] = [];
    const follow = followServerRelease(http(), { initial: { major: 1, minor: 36 }, intervalMs: 20, onRelease: (r: KubeRelease) => seen.push(formatRelease(r)), onError: (err) => assert.fail(String(err)) });
    try {
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.deepEqual(seen, []);
      api.setKubernetesVersion("v1.37.1-gke.300");
      await eventually("the upgrade to be noticed", async () => (seen.length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.deepEqual(seen, ["1.37"]);
    } finally {
      follow.stop();
    }
  });

  it("has named, bounded defaults", () => {
    assert.equal(VERSION_TIMEOUT_MS, 5_000);
    assert.equal(VERSION_REFRESH_MS, 300_000);
  });
});
