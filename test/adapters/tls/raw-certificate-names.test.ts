import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../../src/errors.ts";
import { rawCertificateNames } from "../../../src/adapters/tls/raw-certificate-names.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

const ca = new X509Certificate(readFileSync(join(FIXTURES, "tls", "openssl-ca", "ca.crt")));

test("reads issuer and subject as DER Names", () => {
  const names = rawCertificateNames(ca.raw);
  // Self-signed: the same bytes twice. SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } }.
  assert.ok(names.issuer.equals(names.subject));
  assert.equal(names.subject[0], 0x30);
  const cn = "test-only openssl CA";
  const utf8String = Buffer.concat([Buffer.from([0x0c, cn.length]), Buffer.from(cn)]);
  assert.ok(names.subject.subarray(-utf8String.length).equals(utf8String));
});

test("truncated or foreign DER is ERR_TLS", () => {
  const isTls = (err: unknown): boolean => err instanceof AppError && err.code === "ERR_TLS";
  assert.throws(() => rawCertificateNames(ca.raw.subarray(0, 40)), isTls);
  assert.throws(() => rawCertificateNames(Buffer.from([0x04, 0x02, 0x00, 0x00])), isTls);
});
