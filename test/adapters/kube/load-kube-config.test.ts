import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKubeConfig } from "../../../src/adapters/kube/load-kube-config.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { AppError } from "../../../src/errors.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";

function isKubeUnavailable(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, "ERR_KUBE_UNAVAILABLE");
    assert.match(err.message, pattern);
    return true;
  };
}

/** Runs `fn` with process.env changed (client-node reads process.env itself), then restores it. */
function withProcessEnv<T>(changes: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(changes);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

describe("loadKubeConfig", () => {
  let server: SimulatedApiServer;
  let dir: string;
  before(async () => {
    server = await startKubeApiServer();
    dir = await mkdtemp(join(tmpdir(), "load-kube-config-"));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the kubeconfig file given, and the API server it names answers", async () => {
    const kc = loadKubeConfig({ kubeconfig: server.kubeconfigPath, env: {} });
    assert.equal(kc.getCurrentCluster()?.server, server.url);
    const response = await createKubeHttp(kc).request("GET", "/version");
    assert.equal(response.status, 200);
  });

  it("prefers the file given over the in-cluster configuration", () => {
    const kc = withProcessEnv({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
      () => loadKubeConfig({ kubeconfig: server.kubeconfigPath, env: { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" } }));
    assert.equal(kc.getCurrentCluster()?.server, server.url);
  });

  it("uses the in-cluster configuration inside a pod (KUBERNETES_SERVICE_HOST)", () => {
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const kc = withProcessEnv(env, () => loadKubeConfig({ env }));
    assert.equal(kc.getCurrentCluster()?.server, "https://10.96.0.1:443");
    assert.equal(kc.getCurrentCluster()?.caFile, "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
  });

  it("falls back to $KUBECONFIG outside a pod", () => {
    const kc = withProcessEnv({ KUBECONFIG: server.kubeconfigPath, KUBERNETES_SERVICE_HOST: undefined },
      () => loadKubeConfig({ env: { KUBECONFIG: server.kubeconfigPath } }));
    assert.equal(kc.getCurrentCluster()?.server, server.url);
  });

  it("throws ERR_KUBE_UNAVAILABLE naming the file when it cannot be read or parsed", async () => {
    const missing = join(dir, "missing.yaml");
    assert.throws(() => loadKubeConfig({ kubeconfig: missing, env: {} }), isKubeUnavailable(new RegExp(`cannot load Kubernetes configuration from ${missing.replaceAll(".", "\\.")}`)));
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "clusters: [unclosed\n");
    assert.throws(() => loadKubeConfig({ kubeconfig: broken, env: {} }), isKubeUnavailable(/from .*broken\.yaml/));
  });

  it("throws ERR_KUBE_UNAVAILABLE when the configuration names no cluster", async () => {
    const empty = join(dir, "no-context.yaml");
    await writeFile(empty, "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\ncurrent-context: \"\"\n");
    assert.throws(() => loadKubeConfig({ kubeconfig: empty, env: {} }), isKubeUnavailable(/names no cluster/));
  });
});
