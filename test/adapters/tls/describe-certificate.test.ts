import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { generateCertificates } from "../../../src/adapters/tls/generate-certificates.ts";
import { describeCertificate } from "../../../src/adapters/tls/describe-certificate.ts";

const NOW = new Date("2026-11-26T08:00:00Z");
const DAY_MS = 86_400_000;

test("a one-year leaf is due 60 days before expiry", async () => {
  const leaf = new X509Certificate((await generateCertificates({ hosts: ["localhost", "::1"], now: NOW })).cert);
  const info = describeCertificate(leaf, NOW);
  assert.equal(info.notAfter.getTime(), NOW.getTime() + 365 * DAY_MS);
  assert.equal(info.renewAt.getTime(), info.notAfter.getTime() - 60 * DAY_MS);
  assert.deepEqual(info.hosts, ["localhost", "::1"]);
  assert.equal(info.isCa, false);
  assert.equal(info.renewalDue, false);
  assert.equal(describeCertificate(leaf, new Date(info.renewAt.getTime() - 1000)).renewalDue, false);
  assert.equal(describeCertificate(leaf, info.renewAt).renewalDue, true);
  assert.equal(describeCertificate(leaf, info.notAfter).expired, false);
  assert.equal(describeCertificate(leaf, new Date(info.notAfter.getTime() + 1000)).expired, true);
});

test("a 90-day certificate is due with a third of its life left, not 60 days early", async () => {
  const leaf = new X509Certificate((await generateCertificates({ hosts: ["localhost"], now: NOW, leafValidityDays: 90 })).cert);
  const info = describeCertificate(leaf, NOW);
  const leftAtRenewal = info.notAfter.getTime() - info.renewAt.getTime();
  // Lifetime is 90 days plus the one-hour backdate; a third of it is 30 days and 20 minutes.
  assert.equal(leftAtRenewal, (90 * DAY_MS + 3_600_000) / 3);
  assert.equal(describeCertificate(leaf, new Date(NOW.getTime() + 45 * DAY_MS)).renewalDue, false);
  assert.equal(describeCertificate(leaf, new Date(NOW.getTime() + 61 * DAY_MS)).renewalDue, true);
});
