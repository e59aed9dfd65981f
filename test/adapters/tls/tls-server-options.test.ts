import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request, type Server, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type ConnectionOptions } from "node:tls";
import { generateCertificates } from "../../../src/adapters/tls/generate-certificates.ts";
import { serviceHosts } from "../../../src/adapters/tls/service-hosts.ts";
import { tlsServerOptions } from "../../../src/adapters/tls/tls-server-options.ts";

async function listen(options: ServerOptions, t: { after: (fn: () => Promise<void>) => void }): Promise<number> {
  const server: Server = createServer(options, (_req, res) => res.end("ok"));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  });
  return (server.address() as AddressInfo).port;
}

/** Handshake outcome: the negotiated protocol, or the error code. */
function handshake(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, ...options }, () => {
      resolve(socket.getProtocol() ?? "none");
      socket.end();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const generated = await generateCertificates({ hosts: serviceHosts(), now: new Date() });

test("a client trusting ca.crt gets the served certificate over TLS 1.3 and 1.2, by IP and by Service name", async (t) => {
  const port = await listen(tlsServerOptions(generated), t);
  assert.equal(await handshake(port, { ca: generated.caCert }), "TLSv1.3");
  assert.equal(await handshake(port, { ca: generated.caCert, maxVersion: "TLSv1.2" }), "TLSv1.2");
  assert.equal(await handshake(port, { ca: generated.caCert, servername: "gitops-guard.gitops-guard.svc" }), "TLSv1.3");
  // The client really verifies: a name outside the SANs, or no CA, fails.
  assert.equal(await handshake(port, { ca: generated.caCert, servername: "other.example.com" }), "ERR_TLS_CERT_ALTNAME_INVALID");
  assert.equal(await handshake(port, {}), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");

  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", ca: generated.caCert }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(body, "ok");
});

test("a TLS 1.1 client is refused with a protocol-version alert", async (t) => {
  // OpenSSL 3 disables TLS 1.1 at security level 1; level 0 lets this client offer it.
  const tls11Client: ConnectionOptions = { ca: generated.caCert, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };

  const port = await listen(tlsServerOptions(generated), t);
  assert.equal(await handshake(port, tls11Client), "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
});

test("minVersion itself refuses TLS 1.1, not only OpenSSL's security level", async (t) => {
  const tls11Client: ConnectionOptions = { ca: generated.caCert, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };
  // Control: with the security level lowered and minVersion 1.1 the same client gets TLS 1.1,
  // so the client is able to speak it.
  const permissive = await listen({ ...tlsServerOptions(generated), minVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" }, t);
  assert.equal(await handshake(permissive, tls11Client), "TLSv1.1");
  // Our options with the same lowered security level still refuse it: minVersion does.
  const ours = await listen({ ...tlsServerOptions(generated), ciphers: "DEFAULT@SECLEVEL=0" }, t);
  assert.equal(await handshake(ours, tls11Client), "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
});
