import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { createKubeHttp, statusMessage, type KubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { AppError } from "../../../src/errors.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { generateServingCert } from "../../support/kube-apiserver/generate-serving-cert.ts";
import { kubeconfigYaml } from "../../support/kube-apiserver/kubeconfig-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";

function kubeConfig(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

function isKubeUnavailable(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, "ERR_KUBE_UNAVAILABLE");
    assert.match(err.message, pattern);
    return true;
  };
}

async function listenOn(server: HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("createKubeHttp against the simulated API server", () => {
  let server: SimulatedApiServer;
  let http: KubeHttp;
  before(async () => {
    server = await startKubeApiServer();
    http = createKubeHttp(kubeConfig(server.kubeconfigYaml));
  });
  after(() => server.stop());

  it("GETs JSON with the kubeconfig's CA and bearer token, body parsed, every field kept", async () => {
    server.store.put(loadObject("kube-apiserver/configmap.yaml"));
    const response = await http.request("GET", "/api/v1/namespaces/default/configmaps/app-settings");
    assert.equal(response.status, 200);
    const body = response.body as JsonObject;
    assert.equal(body["kind"], "ConfigMap");
    assert.deepEqual(body["data"], { LOG_LEVEL: "info", FEATURE_X: "off" });
  });

  it("sends a body as JSON, with the content type given", async () => {
    const created = await http.request("POST", "/api/v1/namespaces/default/configmaps", { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "posted" }, data: { a: "1" } } });
    assert.equal(created.status, 201);
    const patched = await http.request("PATCH", "/api/v1/namespaces/default/configmaps/posted", { body: { data: { b: "2" } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 200);
    assert.deepEqual((patched.body as JsonObject)["data"], { a: "1", b: "2" });
    const logged = server.requests.filter((r) => r.path.startsWith("/api/v1/namespaces/default/configmaps") && r.method !== "GET");
    assert.deepEqual(logged.map((r) => [r.method, r.contentType]), [["POST", "application/json"], ["PATCH", "application/merge-patch+json"]]);
  });

  it("answers refusals as a status and a Status body, without throwing", async () => {
    const response = await http.request("GET", "/api/v1/namespaces/default/configmaps/nope");
    assert.equal(response.status, 404);
    assert.equal(statusMessage(response), '404: configmaps "nope" not found');
  });

  it("answers 401 for a wrong token", async () => {
    const wrong = createKubeHttp(kubeConfig(kubeconfigYaml({ server: server.url, caPem: server.caPem, token: "wrong" })));
    assert.equal((await wrong.request("GET", "/api/v1/namespaces")).status, 401);
  });

  it("refuses a server whose certificate the kubeconfig's CA did not sign", async () => {
    const other = await generateServingCert();
    const untrusting = createKubeHttp(kubeConfig(kubeconfigYaml({ server: server.url, caPem: other.caPem, token: server.token })));
    await assert.rejects(untrusting.request("GET", "/version"), isKubeUnavailable(/^GET \/version: /));
  });

  it("times out a request the server does not answer (an open watch)", async () => {
    const started = Date.now();
    await assert.rejects(
      http.request("GET", "/api/v1/namespaces/default/configmaps?watch=true", { timeoutMs: 200 }),
      isKubeUnavailable(/timed out after 200 ms/),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it("rejects with ERR_KUBE_UNAVAILABLE when the server cannot be reached", async () => {
    await server.setAvailable(false);
    try {
      await assert.rejects(http.request("GET", "/version"), isKubeUnavailable(/^GET \/version: .*ECONNREFUSED/));
    } finally {
      await server.setAvailable(true);
    }
  });
});

describe("createKubeHttp against other servers", () => {
  it("keeps a body that is not JSON as text (a proxy's error page)", async () => {
    const cert = await generateServingCert();
    const proxy = createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    });
    const port = await listenOn(proxy);
    try {
      const http = createKubeHttp(kubeConfig(kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: cert.caPem, token: "t" })));
      const response = await http.request("GET", "/version");
      assert.deepEqual(response, { status: 502, body: "<html>bad gateway</html>" });
      assert.equal(statusMessage(response), "HTTP 502");
    } finally {
      await close(proxy);
    }
  });

  it("reaches a plain-HTTP server the kubeconfig names with http:// (kubectl proxy)", async () => {
    const proxy = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"gitVersion":"v1.33.0"}');
    });
    const port = await listenOn(proxy);
    try {
      // client-node accepts http:// only with insecure-skip-tls-verify (there is no TLS to verify).
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "proxy", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
        users: [{ name: "me" }],
        contexts: [{ name: "proxy", cluster: "proxy", user: "me" }],
        currentContext: "proxy",
      });
      const http = createKubeHttp(kc);
      const response = await http.request("GET", "/version", { timeoutMs: 2000 });
      assert.deepEqual(response, { status: 200, body: { gitVersion: "v1.33.0" } });
    } finally {
      await close(proxy);
    }
  });

  it("refuses a configuration that names no cluster", () => {
    const kc = new KubeConfig();
    assert.throws(() => createKubeHttp(kc), isKubeUnavailable(/names no cluster/));
  });
});

describe("statusMessage", () => {
  it("names the Status message when there is one, else the HTTP status", () => {
    assert.equal(statusMessage({ status: 409, body: { kind: "Status", message: 'configmaps "a" already exists' } }), '409: configmaps "a" already exists');
    assert.equal(statusMessage({ status: 503, body: undefined }), "HTTP 503");
    assert.equal(statusMessage({ status: 500, body: { message: 7 } }), "HTTP 500");
    assert.equal(statusMessage({ status: 500, body: null }), "HTTP 500");
  });
});
