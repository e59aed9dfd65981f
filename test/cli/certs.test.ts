import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { parseAllDocuments } from "yaml";
import { main } from "../../src/cli/main.ts";
import { registerCerts } from "../../src/cli/certs.ts";
import { parsePemCertificates } from "../../src/adapters/tls/parse-pem-certificates.ts";
import type { CommandIO } from "../../src/cli/io.ts";
import { FIXTURES } from "../support/load-yaml.ts";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[]): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const io: CommandIO = { stdout, stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => {} };
  const code = await main(["certs", ...args], io, [registerCerts]);
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "gitops-guard-certs-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function serial(path: string): string {
  return new X509Certificate(readFileSync(path)).serialNumber;
}

test("creates a CA and certificate, then keeps them; prints paths, hosts and validity", async (t) => {
  const dir = join(tempDir(t), "certs");
  const first = await run(["--dir", dir, "--service", "guard", "--namespace", "infra", "--hosts", "guard.example.com,10.0.0.9"]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /issued a new CA and serving certificate/);
  assert.match(first.stdout, new RegExp(`certificate +${join(dir, "tls.crt")} +serial [0-9A-F]+, valid .* to .*, renew from `));
  assert.match(first.stdout, new RegExp(`key +${join(dir, "tls.key")} +\\(mode 0600\\)`));
  assert.match(first.stdout, /hosts +guard\.infra\.svc, guard\.infra\.svc\.cluster\.local, guard\.infra, guard, localhost, 127\.0\.0\.1, ::1, guard\.example\.com, 10\.0\.0\.9/);
  assert.match(first.stderr, /warning: the CA is new: webhook configurations need its caBundle/);
  assert.doesNotMatch(first.stdout + first.stderr, /PRIVATE KEY/);
  assert.equal(statSync(join(dir, "tls.key")).mode & 0o777, 0o600);
  const leaf = new X509Certificate(readFileSync(join(dir, "tls.crt")));
  assert.equal(leaf.checkHost("guard.infra.svc"), "guard.infra.svc");
  assert.equal(leaf.checkIP("10.0.0.9"), "10.0.0.9");

  const second = await run(["--dir", dir, "--service", "guard", "--namespace", "infra", "--hosts", "guard.example.com,10.0.0.9"]);
  assert.equal(second.code, 0);
  assert.match(second.stdout, /kept the existing serving certificate/);
  assert.equal(second.stderr, "");
  assert.equal(serial(join(dir, "tls.crt")), leaf.serialNumber);
});

test("--rotate issues a new leaf from the same CA; --inject writes the unchanged bundle", async (t) => {
  const root = tempDir(t);
  const dir = join(root, "certs");
  const manifest = join(root, "webhooks.yaml");
  copyFileSync(join(FIXTURES, "tls", "webhook-configurations.yaml"), manifest);
  assert.equal((await run(["--dir", dir])).code, 0);
  const ca = readFileSync(join(dir, "ca.crt"), "utf8");
  const before = serial(join(dir, "tls.crt"));

  const rotated = await run(["--dir", dir, "--rotate", "--inject", manifest]);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, /issued a new serving certificate signed by the existing CA \(the CA bundle is unchanged\) in .* \(rotation requested\)/);
  assert.match(rotated.stdout, /set caBundle \(.*ca\.crt\) on 3 webhook\(s\) of 2 configuration\(s\) in .*webhooks\.yaml/);
  assert.notEqual(serial(join(dir, "tls.crt")), before);
  assert.equal(readFileSync(join(dir, "ca.crt"), "utf8"), ca);

  const docs = parseAllDocuments(readFileSync(manifest, "utf8")).map((doc) => doc.toJS() as { webhooks?: { clientConfig: { caBundle: string } }[] });
  const bundles = docs.flatMap((doc) => (doc.webhooks ?? []).map((w) => w.clientConfig.caBundle));
  assert.deepEqual(bundles, [ca, ca, ca].map((pem) => Buffer.from(pem).toString("base64")));
  assert.match(readFileSync(manifest, "utf8"), /# restores immutable fields/);
});

test("--rotate-ca issues a new CA; ca.crt and the injected caBundle hold the new and the old CA", async (t) => {
  const root = tempDir(t);
  const dir = join(root, "certs");
  const manifest = join(root, "webhooks.yaml");
  copyFileSync(join(FIXTURES, "tls", "webhook-configurations.yaml"), manifest);
  assert.equal((await run(["--dir", dir])).code, 0);
  const oldCa = readFileSync(join(dir, "ca.crt"), "utf8");

  const rotated = await run(["--dir", dir, "--rotate-ca", "--inject", manifest]);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, /issued a new CA and serving certificate in .* \(CA rotation requested\)/);
  assert.match(rotated.stdout, /CA bundle +2 certificates in .*ca\.crt/);
  const bundle = readFileSync(join(dir, "ca.crt"), "utf8");
  const inBundle = parsePemCertificates(bundle, "ca.crt").map((c) => c.fingerprint256);
  assert.equal(inBundle.length, 2);
  assert.equal(inBundle[1], new X509Certificate(oldCa).fingerprint256, "the previous CA follows the new one");
  assert.ok(new X509Certificate(readFileSync(join(dir, "tls.crt"))).verify(new X509Certificate(bundle).publicKey), "the new CA (first) signed the new leaf");
  const docs = parseAllDocuments(readFileSync(manifest, "utf8")).map((doc) => doc.toJS() as { webhooks?: { clientConfig: { caBundle: string } }[] });
  const bundles = docs.flatMap((doc) => (doc.webhooks ?? []).map((w) => w.clientConfig.caBundle));
  assert.deepEqual(bundles, [bundle, bundle, bundle].map((pem) => Buffer.from(pem).toString("base64")));
});

test("usage errors exit 2 and change nothing", async (t) => {
  const root = tempDir(t);
  const dir = join(root, "certs");
  const badHost = await run(["--dir", dir, "--hosts", "not a host"]);
  assert.equal(badHost.code, 2);
  assert.match(badHost.stderr, /ERR_USAGE: invalid host "not a host"/);
  assert.throws(() => statSync(dir), "no directory was created");

  assert.equal((await run(["--dir", dir])).code, 0);
  const good = join(root, "webhooks.yaml");
  const none = join(root, "service.yaml");
  copyFileSync(join(FIXTURES, "tls", "webhook-configurations.yaml"), good);
  copyFileSync(join(FIXTURES, "tls", "no-webhooks.yaml"), none);
  const noWebhooks = await run(["--dir", dir, "--inject", good, none]);
  assert.equal(noWebhooks.code, 2);
  assert.match(noWebhooks.stderr, /ERR_USAGE: .*service\.yaml has no webhooks/);
  assert.equal(readFileSync(good, "utf8"), readFileSync(join(FIXTURES, "tls", "webhook-configurations.yaml"), "utf8"), "no file is half-done");

  const unknownFlag = await run(["--dir", dir, "--nope"]);
  assert.equal(unknownFlag.code, 2);
});

test("certificate problems exit 3", async (t) => {
  const dir = tempDir(t);
  assert.equal((await run(["--dir", dir])).code, 0);
  rmSync(join(dir, "ca.key"));
  const rotate = await run(["--dir", dir, "--rotate"]);
  assert.equal(rotate.code, 3);
  assert.match(rotate.stderr, /ERR_TLS: .*ca\.crt exists without .*ca\.key/);

  writeFileSync(join(dir, "tls.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  const broken = await run(["--dir", dir]);
  assert.equal(broken.code, 3);
  assert.match(broken.stderr, /ERR_TLS: tls\.key does not parse/);
});
