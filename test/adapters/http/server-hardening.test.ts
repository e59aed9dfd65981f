import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Agent } from "node:https";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, DECIDE_ON, type TestWebhook } from "../../support/webhook-server.ts";
import { rawReview } from "../../support/load-review.ts";
import { TLS_HANDSHAKE_TIMEOUT_MS } from "../../../src/adapters/tls/tls-server-options.ts";
import { HEADERS_TIMEOUT_MS } from "../../../src/adapters/http/server-limits.ts";
import { MAX_JUDGED_DEPTH } from "../../../src/core/k8s/nesting-depth.ts";

/** A client CA and a client certificate it signed (clientAuth), made with the openssl CLI. */
function clientCertificates(): { dir: string; ca: string; cert: string; key: string; otherCert: string; otherKey: string } {
  const dir = mkdtempSync(join(tmpdir(), "gg-client-ca-"));
  const run = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const issue = (name: string, caName: string): void => {
    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", `${caName}.crt`, "-CAkey", `${caName}.key`, "-CAcreateserial", "-days", "1", "-out", `${name}.crt`, "-extfile", "ext.cnf");
  };
  execFileSync("sh", ["-c", "printf 'extendedKeyUsage=clientAuth\\n' > ext.cnf"], { cwd: dir });
  for (const ca of ["client-ca", "other-ca"]) {
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.crt`, "-days", "1", "-subj", `/CN=${ca}`);
  }
  issue("kube-apiserver", "client-ca");
  issue("intruder", "other-ca");
  const read = (file: string): string => readFileSync(join(dir, file), "utf8");
  return { dir, ca: read("client-ca.crt"), cert: read("kube-apiserver.crt"), key: read("kube-apiserver.key"), otherCert: read("intruder.crt"), otherKey: read("intruder.key") };
}

function portOf(hook: TestWebhook): number {
  return Number(new URL(hook.url).port);
}

/** Resolves with how long the server took to close a connection (ms). */
function closedAfter(socket: Socket, started: number): Promise<number> {
  return new Promise((resolve) => socket.on("close", () => resolve(Date.now() - started)).on("error", () => undefined));
}

describe("serve refuses what a hostile client sends at the TLS and connection level", { timeout: 40_000 }, () => {
  let hook: TestWebhook;
  before(async () => {
    hook = await startTestWebhook();
  });
  after(async () => {
    await hook.close();
  });

  it("offers no CBC suite and no renegotiation on TLS 1.2", async () => {
    const refused = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ port: portOf(hook), host: "127.0.0.1", ca: hook.ca, servername: "localhost", maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA" });
      socket.on("secureConnect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.on("error", (err) => resolve(err.message));
    });
    assert.match(refused, /handshake failure|no shared cipher|alert/i);
    const renegotiation = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ port: portOf(hook), host: "127.0.0.1", ca: hook.ca, servername: "localhost", maxVersion: "TLSv1.2" });
      socket.on("error", (err) => resolve(`error: ${err.message}`));
      socket.on("secureConnect", () => {
        assert.match(socket.getCipher().name, /GCM|CHACHA20/);
        socket.renegotiate({}, (err) => {
          socket.destroy();
          resolve(err ? `refused: ${err.message}` : "renegotiated");
        });
      });
    });
    assert.notEqual(renegotiation, "renegotiated");
  });

  it("closes connections beyond the cap before their handshake, and keeps answering on an established connection", async () => {
    const capped = await startTestWebhook({ server: { maxConnections: 8 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const hook = capped;
    try {
      const review = JSON.stringify(rawReview("deployment-image-update.json"));
      assert.equal((await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: review, agent })).status, 200);
      const started = Date.now();
      const idle = Array.from({ length: 20 }, () => netConnect({ port: portOf(hook), host: "127.0.0.1" }));
      const closed = idle.map((socket) => closedAfter(socket, started));
      // Those over the cap (8, one taken by the agent) are closed at once.
      const early = await Promise.all(closed.map((p) => Promise.race([p, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 1_000))])));
      assert.ok(early.filter((ms) => ms < 1_000).length >= 12, `closed at once: ${early.join(",")}`);
      const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: review, agent });
      assert.equal(res.status, 200);
      for (const socket of idle) socket.destroy();
    } finally {
      agent.destroy();
      await capped.close();
    }
  });

  it(`closes a connection that never starts TLS, never sends a request or never finishes its headers after ${TLS_HANDSHAKE_TIMEOUT_MS / 1000} s; keeps an idle keep-alive connection`, async () => {
    const started = Date.now();
    const raw = netConnect({ port: portOf(hook), host: "127.0.0.1" });
    const silent = tlsConnect({ port: portOf(hook), host: "127.0.0.1", ca: hook.ca, servername: "localhost" });
    const slow = tlsConnect({ port: portOf(hook), host: "127.0.0.1", ca: hook.ca, servername: "localhost" });
    slow.on("secureConnect", () => slow.write("POST /mutate HTTP/1.1\r\nHost: localhost\r\n"));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const count = (): void => void connections++;
    hook.app.server.on("secureConnection", count);
    try {
      assert.equal((await httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca, agent })).status, 200);
      const [rawMs, silentMs, slowMs] = await Promise.all([closedAfter(raw, started), closedAfter(silent, started), closedAfter(slow, started)]);
      for (const [what, ms, limit] of [["handshake", rawMs, TLS_HANDSHAKE_TIMEOUT_MS], ["first request", silentMs, HEADERS_TIMEOUT_MS], ["headers", slowMs, HEADERS_TIMEOUT_MS]] as const) {
        assert.ok(ms >= limit - 100 && ms < limit + 2_500, `${what}: closed after ${ms} ms`);
      }
      // The keep-alive connection idled as long and is still there (keepAliveTimeout: 120 s).
      assert.equal((await httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca, agent })).status, 200);
      assert.equal(connections, 3, "the keep-alive connection was reused (silent, slow, agent)");
    } finally {
      hook.app.server.off("secureConnection", count);
      agent.destroy();
    }
  });
});

describe("serve --client-ca authenticates kube-apiserver", { timeout: 30_000 }, () => {
  let hook: TestWebhook;
  let certs: ReturnType<typeof clientCertificates>;
  before(async () => {
    certs = clientCertificates();
    hook = await startTestWebhook({ server: { clientCa: certs.ca } });
  });
  after(async () => {
    await hook.close();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const post = (cert?: string, key?: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const url = new URL(`${hook.url}/mutate`);
      const agent = new Agent({ ca: hook.ca, ...(cert !== undefined && key !== undefined ? { cert, key } : {}) });
      const req = (async () => {
        const res = await httpsRequest({ url: url.toString(), ca: hook.ca, body: JSON.stringify(rawReview("deployment-image-update.json")), agent });
        agent.destroy();
        return res;
      })();
      req.then((res) => resolve({ status: res.status, text: res.text }), reject);
    });

  it("answers a review only over a connection with a client certificate the CA signed (401 otherwise); probes need none", async () => {
    assert.equal((await post(certs.cert, certs.key)).status, 200);
    const anonymous = await post();
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.text, /ERR_UNAUTHENTICATED/);
    assert.equal((await post(certs.otherCert, certs.otherKey)).status, 401);
    assert.equal((await httpsRequest({ url: `${hook.url}/healthz`, ca: hook.ca })).status, 200);
    assert.match(await hook.metrics.registry.metrics(), /gitops_guard_admission_errors_total\{webhook="mutate",code="ERR_UNAUTHENTICATED"\} 2/);
  });
});

for (const decideOn of DECIDE_ON) describe(`serve keeps the cost of one review bounded (deciding on the ${decideOn})`, () => {
  let hook: TestWebhook;
  before(async () => {
    hook = await startTestWebhook({ decideOn });
  });
  after(async () => {
    await hook.close();
  });

  /** A Job template change whose container holds a value nested `depth` levels deep. */
  function deepReview(depth: number, uid: string): string {
    const review = rawReview("job-template-change.json");
    review.request.uid = uid;
    // Built as text: a 10,000-deep object would overflow JSON.stringify's own recursion in some engines.
    const text = `${"{\"a\":".repeat(depth)}"leaf"${"}".repeat(depth)}`;
    const object = review.request.object as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    object.spec.template.spec.containers[0]!["deep"] = "__DEEP__";
    return JSON.stringify(review).replace('"__DEEP__"', text);
  }

  it(`answers a review nested deeper than ${MAX_JUDGED_DEPTH} levels by the failure mode (ERR_REVIEW_TOO_DEEP), and judges the reviews sent with it`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const normal = JSON.stringify(rawReview("job-template-change.json"));
      type Answer = { response: { uid: string; allowed: boolean; warnings?: string[] } };
      const reference = (await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: normal, agent })).json() as Answer;
      const started = Date.now();
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: deepReview(10_000, `deep-${i}`), agent })),
        ...Array.from({ length: 8 }, () => httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: normal, agent })),
      ]);
      assert.ok(Date.now() - started < 1_000, `answered in ${Date.now() - started} ms`);
      for (const [i, res] of answers.entries()) {
        assert.equal(res.status, 200, res.text);
        const { response } = res.json() as Answer;
        if (i < 4) assert.match((response.warnings ?? []).join(" "), /ERR_REVIEW_TOO_DEEP/);
        else assert.deepEqual(response, { ...reference.response, uid: response.uid });
      }
      // A live number past 2^53 is reverted as the live bytes (a double would write 9223372036854776000).
      const big = rawReview("job-template-change.json");
      const templateSpec = (side: string): Record<string, unknown> => ((((big.request[side] as Record<string, unknown>)["spec"] as Record<string, unknown>)["template"] as Record<string, unknown>)["spec"] as Record<string, unknown>);
      templateSpec("oldObject")["activeDeadlineSeconds"] = "__LIVE__";
      templateSpec("object")["activeDeadlineSeconds"] = 30;
      const bigText = JSON.stringify(big).replace('"__LIVE__"', "9223372036854775807");
      const bigAnswer = (await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: bigText, agent })).json() as { response: { patch?: string } };
      const patchText = Buffer.from(bigAnswer.response.patch ?? "", "base64").toString("utf8");
      assert.match(patchText, /"path":"\/spec\/template\/spec\/activeDeadlineSeconds","value":9223372036854775807\}/, patchText);
      const atLimit = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: deepReview(MAX_JUDGED_DEPTH - 10, "at-limit"), agent });
      assert.doesNotMatch(atLimit.text, /ERR_REVIEW_TOO_DEEP/, "a review within the limit is judged");
    } finally {
      agent.destroy();
    }
  });
});
