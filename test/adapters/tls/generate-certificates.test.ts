import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../../src/errors.ts";
import { generateCertificates } from "../../../src/adapters/tls/generate-certificates.ts";
import { rawCertificateNames } from "../../../src/adapters/tls/raw-certificate-names.ts";
import { serviceHosts } from "../../../src/adapters/tls/service-hosts.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

const NOW = new Date("2026-11-26T08:00:00Z");
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function isAppError(code: string, message?: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === code && (message === undefined || message.test(err.message));
}

function opensslCa(): { cert: string; key: string } {
  const dir = join(FIXTURES, "tls", "openssl-ca");
  return { cert: readFileSync(join(dir, "ca.crt"), "utf8"), key: readFileSync(join(dir, "ca.key"), "utf8") };
}

test("a new CA signs a serving certificate for every requested host", async () => {
  const hosts = serviceHosts();
  const generated = await generateCertificates({ hosts, now: NOW });
  const ca = new X509Certificate(generated.caCert);
  const leaf = new X509Certificate(generated.cert);

  assert.equal(generated.caGenerated, true);
  assert.equal(leaf.subjectAltName,
    "DNS:gitops-guard.gitops-guard.svc, DNS:gitops-guard.gitops-guard.svc.cluster.local, DNS:gitops-guard.gitops-guard, " +
    "DNS:gitops-guard, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  assert.equal(leaf.subject, "CN=gitops-guard.gitops-guard.svc");
  assert.equal(leaf.issuer, ca.subject);
  assert.ok(leaf.checkIssued(ca));
  assert.ok(leaf.verify(ca.publicKey));
  assert.ok(ca.verify(ca.publicKey), "the CA is self-signed");
  assert.equal(ca.ca, true);
  assert.equal(leaf.ca, false);
  assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.1"], "extended key usage serverAuth only");
  assert.ok(leaf.checkPrivateKey(createPrivateKey(generated.key)));
  assert.ok(ca.checkPrivateKey(createPrivateKey(generated.caKey)));
  assert.equal(createPrivateKey(generated.key).asymmetricKeyDetails?.namedCurve, "prime256v1");
});

test("validity: backdated one hour, leaf one year, CA ten years", async () => {
  const generated = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const ca = new X509Certificate(generated.caCert);
  const leaf = new X509Certificate(generated.cert);
  assert.equal(new Date(leaf.validFrom).getTime(), NOW.getTime() - HOUR_MS);
  assert.equal(new Date(leaf.validTo).getTime(), NOW.getTime() + 365 * DAY_MS);
  assert.equal(new Date(ca.validTo).getTime(), NOW.getTime() + 3650 * DAY_MS);
});

test("the leaf's issuer bytes equal the CA's subject bytes (Go matches parents by raw name)", async () => {
  const generated = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const leafNames = rawCertificateNames(new X509Certificate(generated.cert).raw);
  const caNames = rawCertificateNames(new X509Certificate(generated.caCert).raw);
  assert.ok(leafNames.issuer.equals(caNames.subject));
  assert.ok(!leafNames.subject.equals(caNames.subject));
});

test("an existing CA signs a new leaf and is returned unchanged", async () => {
  const first = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const second = await generateCertificates({ hosts: ["localhost", "10.0.0.7"], now: NOW, existingCa: { cert: first.caCert, key: first.caKey } });
  const ca = new X509Certificate(first.caCert);
  const leaf = new X509Certificate(second.cert);
  assert.equal(second.caGenerated, false);
  assert.equal(second.caCert, ca.toString());
  assert.equal(second.caKey, first.caKey);
  assert.ok(leaf.verify(ca.publicKey));
  assert.notEqual(leaf.serialNumber, new X509Certificate(first.cert).serialNumber);
  assert.equal(leaf.subjectAltName, "DNS:localhost, IP Address:10.0.0.7");
});

test("a CA bundle: the certificate matching the CA key signs", async () => {
  const other = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const mine = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const signed = await generateCertificates({
    hosts: ["localhost"],
    now: NOW,
    existingCa: { cert: other.caCert + mine.caCert, key: mine.caKey },
  });
  assert.ok(new X509Certificate(signed.cert).verify(new X509Certificate(mine.caCert).publicKey));
  assert.ok(!new X509Certificate(signed.cert).verify(new X509Certificate(other.caCert).publicKey));
});

test("the leaf never outlives its CA", async () => {
  const ca = await generateCertificates({ hosts: ["localhost"], now: NOW, caValidityDays: 30 });
  const leaf = await generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: { cert: ca.caCert, key: ca.caKey } });
  assert.equal(new X509Certificate(leaf.cert).validTo, new X509Certificate(ca.caCert).validTo);
});

test("an RSA CA gets an RSA leaf", async () => {
  const ca = await generateCertificates({ hosts: ["localhost"], now: NOW, keyType: "rsa" });
  assert.equal(createPrivateKey(ca.caKey).asymmetricKeyType, "rsa");
  const leaf = await generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: { cert: ca.caCert, key: ca.caKey } });
  assert.equal(createPrivateKey(leaf.key).asymmetricKeyType, "rsa");
  assert.equal(createPrivateKey(leaf.key).asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(new X509Certificate(leaf.cert).verify(new X509Certificate(ca.caCert).publicKey));
});

test("a CA whose name selfsigned would re-encode is refused (UTF8String CN from openssl)", async () => {
  await assert.rejects(
    generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: opensslCa() }),
    isAppError("ERR_TLS", /encoded differently/),
  );
});

test("an unusable CA is refused with ERR_TLS", async () => {
  const a = await generateCertificates({ hosts: ["localhost"], now: NOW });
  const b = await generateCertificates({ hosts: ["localhost"], now: NOW });
  await assert.rejects(
    generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: { cert: a.caCert, key: b.caKey } }),
    isAppError("ERR_TLS", /no CA certificate matches/),
  );
  await assert.rejects(
    generateCertificates({ hosts: ["localhost"], now: new Date(NOW.getTime() + 3651 * DAY_MS), existingCa: { cert: a.caCert, key: a.caKey } }),
    isAppError("ERR_TLS", /expired/),
  );
  await assert.rejects(
    generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: { cert: a.cert, key: a.key } }),
    isAppError("ERR_TLS", /not a CA certificate/),
  );
  await assert.rejects(
    generateCertificates({ hosts: ["localhost"], now: NOW, existingCa: { cert: a.caCert, key: "not a key" } }),
    isAppError("ERR_TLS", /does not parse/),
  );
});

test("bad hosts and validity are usage errors", async () => {
  await assert.rejects(generateCertificates({ hosts: [], now: NOW }), isAppError("ERR_USAGE"));
  await assert.rejects(generateCertificates({ hosts: ["has space"], now: NOW }), isAppError("ERR_USAGE", /has space/));
  await assert.rejects(generateCertificates({ hosts: ["localhost"], now: NOW, leafValidityDays: 0 }), isAppError("ERR_USAGE"));
});
