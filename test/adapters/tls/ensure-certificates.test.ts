import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "../../../src/errors.ts";
import { ensureCertificates } from "../../../src/adapters/tls/ensure-certificates.ts";
import { generateCertificates } from "../../../src/adapters/tls/generate-certificates.ts";
import { serviceHosts } from "../../../src/adapters/tls/service-hosts.ts";
import { parsePemCertificates } from "../../../src/adapters/tls/parse-pem-certificates.ts";
import { connect as tlsConnect, createServer as createTlsServer } from "node:tls";

const NOW = new Date("2026-11-26T08:00:00Z");
const DAY_MS = 86_400_000;
const hosts = serviceHosts();

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "gitops-guard-ensure-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function isTlsError(message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === "ERR_TLS" && message.test(err.message);
}

test("an empty directory gets a CA and a serving certificate, keys 0600", async (t) => {
  const dir = join(tempDir(t), "certs");
  const result = await ensureCertificates(dir, { hosts, now: NOW });

  assert.equal(result.generated, true);
  assert.equal(result.caGenerated, true);
  assert.match(result.reason, /had no certificate/);
  assert.deepEqual(readdirSync(dir).sort(), ["ca.crt", "ca.key", "tls.crt", "tls.key"], "no temp files left behind");
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, "tls.key")), 0o600);
  assert.equal(mode(join(dir, "ca.key")), 0o600);
  assert.equal(mode(join(dir, "tls.crt")), 0o644);
  assert.equal(mode(join(dir, "ca.crt")), 0o644);

  const leaf = new X509Certificate(readFileSync(join(dir, "tls.crt")));
  const ca = new X509Certificate(readFileSync(join(dir, "ca.crt")));
  assert.ok(leaf.verify(ca.publicKey));
  for (const host of ["gitops-guard.gitops-guard.svc", "gitops-guard.gitops-guard.svc.cluster.local", "localhost"]) {
    assert.equal(leaf.checkHost(host), host);
  }
  assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(result.leaf.serialNumber, leaf.serialNumber);
  assert.equal(result.leaf.notAfter.getTime(), NOW.getTime() + 365 * DAY_MS);
  assert.equal(result.leaf.renewalDue, false);
  assert.equal(result.ca?.subject, ca.subject);
  assert.equal(result.issuedByCa, true);
  assert.deepEqual(result.missingHosts, []);
  assert.equal(result.material.cert, readFileSync(join(dir, "tls.crt"), "utf8"));
  assert.equal(result.material.ca, readFileSync(join(dir, "ca.crt"), "utf8"));
});

test("a second call loads what is there and writes nothing", async (t) => {
  const dir = tempDir(t);
  const first = await ensureCertificates(dir, { hosts, now: NOW });
  const before = readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs, readFileSync(join(dir, name), "utf8")]);
  const second = await ensureCertificates(dir, { hosts, now: new Date(NOW.getTime() + DAY_MS) });
  const after = readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs, readFileSync(join(dir, name), "utf8")]);

  assert.equal(second.generated, false);
  assert.equal(second.caGenerated, false);
  assert.equal(second.leaf.serialNumber, first.leaf.serialNumber);
  assert.deepEqual(after, before);
});

test("renew 'always' issues a new leaf from the same CA; ca.crt is untouched", async (t) => {
  const dir = tempDir(t);
  const first = await ensureCertificates(dir, { hosts, now: NOW });
  const caBefore = readFileSync(join(dir, "ca.crt"), "utf8");
  const rotated = await ensureCertificates(dir, { hosts, now: NOW, renew: "always" });

  assert.equal(rotated.generated, true);
  assert.equal(rotated.caGenerated, false);
  assert.equal(rotated.reason, "rotation requested");
  assert.notEqual(rotated.leaf.serialNumber, first.leaf.serialNumber);
  assert.equal(readFileSync(join(dir, "ca.crt"), "utf8"), caBefore);
  assert.equal(rotated.issuedByCa, true);
  assert.equal(new X509Certificate(readFileSync(join(dir, "tls.crt"))).serialNumber, rotated.leaf.serialNumber);
});

test("renew 'when-due' renews inside the 60-day window and not before", async (t) => {
  const dir = tempDir(t);
  const first = await ensureCertificates(dir, { hosts, now: NOW });
  const early = await ensureCertificates(dir, { hosts, now: new Date(first.leaf.renewAt.getTime() - 1000), renew: "when-due" });
  assert.equal(early.generated, false);

  const late = new Date(first.leaf.notAfter.getTime() - 59 * DAY_MS);
  const renewed = await ensureCertificates(dir, { hosts, now: late, renew: "when-due" });
  assert.equal(renewed.generated, true);
  assert.equal(renewed.caGenerated, false);
  assert.match(renewed.reason, /renewal window opened/);
  assert.equal(renewed.leaf.notAfter.getTime(), late.getTime() + 365 * DAY_MS);
});

test("renew 'when-due' reissues when a requested host is missing; 'never' only reports it", async (t) => {
  const dir = tempDir(t);
  await ensureCertificates(dir, { hosts, now: NOW });
  const wider = [...hosts, "guard.example.com"];
  const reported = await ensureCertificates(dir, { hosts: wider, now: NOW });
  assert.equal(reported.generated, false);
  assert.deepEqual(reported.missingHosts, ["guard.example.com"]);

  const reissued = await ensureCertificates(dir, { hosts: wider, now: NOW, renew: "when-due" });
  assert.equal(reissued.generated, true);
  assert.match(reissued.reason, /does not cover guard\.example\.com/);
  assert.deepEqual(reissued.missingHosts, []);
});

/** Completes a TLS handshake to a server holding `material`, trusting only `caBundle`; resolves with the error or undefined. */
async function handshake(material: { cert: string; key: string }, caBundle: string): Promise<Error | undefined> {
  const server = createTlsServer({ cert: material.cert, key: material.key }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    return await new Promise<Error | undefined>((resolve) => {
      const socket = tlsConnect({ host: "127.0.0.1", port, ca: caBundle, servername: "localhost" }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once("error", (err) => resolve(err));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test("renew 'new-ca' rotates the CA: ca.crt bundles new and old, so clients trust the old and the new serving certificate", async (t) => {
  const dir = tempDir(t);
  // The handshakes check validity against the real clock, so the times here are real ones.
  const created = new Date(Date.now() - 2 * DAY_MS);
  const first = await ensureCertificates(dir, { hosts, now: created });
  const oldKey = readFileSync(join(dir, "ca.key"), "utf8");
  // A day later: each CA's CN carries its creation second, which is how clients tell the two apart.
  const later = new Date(created.getTime() + DAY_MS);
  const rotated = await ensureCertificates(dir, { hosts, now: later, renew: "new-ca" });

  assert.equal(rotated.generated, true);
  assert.equal(rotated.caGenerated, true);
  assert.equal(rotated.reason, "CA rotation requested");
  assert.equal(rotated.caBundleSize, 2);
  assert.notEqual(readFileSync(join(dir, "ca.key"), "utf8"), oldKey);
  const bundle = readFileSync(join(dir, "ca.crt"), "utf8");
  assert.equal(rotated.material.ca, bundle);
  const [newCa, oldCa] = parsePemCertificates(bundle, "ca.crt");
  assert.ok(newCa && oldCa);
  const newLeaf = new X509Certificate(rotated.material.cert);
  const oldLeaf = new X509Certificate(first.material.cert);
  assert.ok(newLeaf.verify(newCa.publicKey), "the new leaf is signed by the first CA of the bundle");
  assert.ok(oldLeaf.verify(oldCa.publicKey), "the previous CA stays second");
  assert.notEqual(newCa.subject, oldCa.subject);
  assert.equal(rotated.issuedByCa, true);
  // What the API server does with a caBundle: both serving certificates verify against it.
  assert.equal(await handshake(first.material, bundle), undefined);
  assert.equal(await handshake(rotated.material, bundle), undefined);
  // ... while the old bundle alone refuses the new certificate (why the rotation keeps both).
  assert.ok(await handshake(rotated.material, first.material.ca ?? ""));

  // Later runs sign with the new CA found in the bundle and keep the bundle as it is.
  const again = await ensureCertificates(dir, { hosts, now: later, renew: "always" });
  assert.equal(again.caGenerated, false);
  assert.equal(readFileSync(join(dir, "ca.crt"), "utf8"), bundle);
  assert.ok(new X509Certificate(again.material.cert).verify(newCa.publicKey));
});

test("renew 'new-ca' drops expired CAs from the bundle", async (t) => {
  const dir = tempDir(t);
  await ensureCertificates(dir, { hosts, now: NOW, caValidityDays: 30, leafValidityDays: 10 });
  const later = new Date(NOW.getTime() + 40 * DAY_MS);
  const rotated = await ensureCertificates(dir, { hosts, now: later, renew: "new-ca" });
  assert.equal(rotated.caBundleSize, 1);
  assert.equal(parsePemCertificates(readFileSync(join(dir, "ca.crt"), "utf8"), "ca.crt").length, 1);
});

test("an expired CA is replaced when the leaf must be renewed", async (t) => {
  const dir = tempDir(t);
  const first = await ensureCertificates(dir, { hosts, now: NOW, caValidityDays: 10, leafValidityDays: 10 });
  const later = new Date(NOW.getTime() + 11 * DAY_MS);
  const renewed = await ensureCertificates(dir, { hosts, now: later, renew: "when-due" });
  assert.equal(renewed.generated, true);
  assert.equal(renewed.caGenerated, true);
  assert.match(renewed.reason, /expired/);
  assert.notEqual(renewed.ca?.serialNumber, first.ca?.serialNumber);
  assert.equal(renewed.issuedByCa, true);
});

test("cert-manager layout (no ca.key) is served as is; an empty ca.crt counts as absent", async (t) => {
  const dir = tempDir(t);
  const issued = await generateCertificates({ hosts, now: NOW });
  writeFileSync(join(dir, "tls.crt"), issued.cert);
  writeFileSync(join(dir, "tls.key"), issued.key);
  writeFileSync(join(dir, "ca.crt"), issued.caCert);
  const loaded = await ensureCertificates(dir, { hosts, now: NOW });
  assert.equal(loaded.generated, false);
  assert.equal(loaded.issuedByCa, true);

  await assert.rejects(ensureCertificates(dir, { hosts, now: NOW, renew: "always" }), isTlsError(/ca\.crt exists without .*ca\.key/));

  writeFileSync(join(dir, "ca.crt"), "\n");
  const withoutCa = await ensureCertificates(dir, { hosts, now: NOW });
  assert.equal(withoutCa.ca, undefined);
  assert.equal(withoutCa.issuedByCa, undefined);
  assert.equal(withoutCa.material.ca, undefined);
});

test("a ca.crt that did not sign tls.crt is reported", async (t) => {
  const dir = tempDir(t);
  const issued = await generateCertificates({ hosts, now: NOW });
  const unrelated = await generateCertificates({ hosts, now: NOW });
  writeFileSync(join(dir, "tls.crt"), issued.cert);
  writeFileSync(join(dir, "tls.key"), issued.key);
  writeFileSync(join(dir, "ca.crt"), unrelated.caCert);
  const loaded = await ensureCertificates(dir, { hosts, now: NOW });
  assert.equal(loaded.issuedByCa, false);
});

test("half a pair or a mismatched pair is refused and left untouched", async (t) => {
  const dir = tempDir(t);
  const a = await generateCertificates({ hosts, now: NOW });
  const b = await generateCertificates({ hosts, now: NOW });
  writeFileSync(join(dir, "tls.crt"), a.cert);
  await assert.rejects(ensureCertificates(dir, { hosts, now: NOW }), isTlsError(/tls\.crt exists without .*tls\.key/));
  assert.deepEqual(readdirSync(dir), ["tls.crt"]);

  writeFileSync(join(dir, "tls.key"), b.key);
  await assert.rejects(ensureCertificates(dir, { hosts, now: NOW }), isTlsError(/does not belong to tls\.crt/));
  await assert.rejects(ensureCertificates(dir, { hosts, now: NOW, renew: "when-due" }), isTlsError(/does not belong/));
  assert.equal(readFileSync(join(dir, "tls.key"), "utf8"), b.key);
});
