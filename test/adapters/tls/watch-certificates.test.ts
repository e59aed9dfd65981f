import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import Fastify from "fastify";
import type { AppError } from "../../../src/errors.ts";
import { generateCertificates, type GeneratedCertificates } from "../../../src/adapters/tls/generate-certificates.ts";
import { loadTlsMaterial, type TlsMaterial } from "../../../src/adapters/tls/load-tls-material.ts";
import { tlsServerOptions } from "../../../src/adapters/tls/tls-server-options.ts";
import { watchCertificates } from "../../../src/adapters/tls/watch-certificates.ts";
import { waitFor } from "../../support/wait-for.ts";

const HOSTS = ["localhost", "127.0.0.1"];
// Longer than any test: a change seen here came from a file event, not from the poll.
const NO_POLL_MS = 600_000;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "gitops-guard-watch-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let volumeVersion = 0;

/**
 * Writes files the way kubelet's AtomicWriter updates a Secret volume: a new `..<timestamp>`
 * directory, a `..data_tmp` symlink to it renamed over `..data`, user-visible names that are
 * symlinks through `..data`, then the old timestamped directory removed.
 */
function writeSecretVolume(dir: string, files: Record<string, string>): void {
  volumeVersion += 1;
  const stamped = `..2026_11_26_08_00_00.${String(volumeVersion).padStart(9, "0")}`;
  const previous = readdirSync(dir).filter((name) => name.startsWith("..2026"));
  mkdirSync(join(dir, stamped));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, stamped, name), text);
  symlinkSync(stamped, join(dir, "..data_tmp"));
  renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
  for (const name of Object.keys(files)) {
    try {
      lstatSync(join(dir, name));
    } catch {
      symlinkSync(join("..data", name), join(dir, name));
    }
  }
  for (const old of previous) rmSync(join(dir, old), { recursive: true });
}

function secretFiles(generated: GeneratedCertificates, key = generated.key): Record<string, string> {
  return { "tls.crt": generated.cert, "tls.key": key, "ca.crt": generated.caCert };
}

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}

/** The serial number of the certificate a fresh TLS connection is served. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on("error", reject);
  });
}

interface Recorder {
  readonly changes: TlsMaterial[];
  readonly errors: AppError[];
}

test("a running fastify server serves a replaced Secret-volume certificate without restart; a bad one is refused", async (t) => {
  const dir = tempDir(t);
  const first = await generateCertificates({ hosts: HOSTS, now: new Date() });
  const ca = { cert: first.caCert, key: first.caKey };
  writeSecretVolume(dir, secretFiles(first));

  const material = await loadTlsMaterial(dir);
  const app = Fastify({ https: tlsServerOptions(material) });
  app.get("/healthz", async () => "ok");
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = app.server.address();
  assert.ok(port !== null && typeof port === "object");
  const seen: Recorder = { changes: [], errors: [] };
  const reloader = watchCertificates({
    dir,
    current: material,
    pollIntervalMs: NO_POLL_MS,
    onChange: (next) => {
      app.server.setSecureContext(tlsServerOptions(next));
      seen.changes.push(next);
    },
    onError: (error) => seen.errors.push(error),
  });
  t.after(async () => {
    reloader.close();
    await app.close();
  });
  assert.equal(await servedSerial(port.port, first.caCert), serialOf(first.cert));

  // A renewed leaf from the same CA arrives by symlink swap.
  const second = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: ca });
  writeSecretVolume(dir, secretFiles(second));
  await waitFor("the renewed certificate", () => seen.changes.length === 1, { intervalMs: 20 });
  assert.equal(serialOf(seen.changes[0]!.cert), serialOf(second.cert));
  assert.equal(await servedSerial(port.port, first.caCert), serialOf(second.cert));
  assert.equal(seen.errors.length, 0);

  // A replacement whose key does not match is reported once and not applied.
  const third = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: ca });
  writeSecretVolume(dir, secretFiles(third, first.key));
  await waitFor("the rejection", () => seen.errors.length === 1, { intervalMs: 20 });
  assert.equal(seen.errors[0]!.code, "ERR_TLS");
  assert.match(seen.errors[0]!.message, /does not belong to tls\.crt/);
  assert.doesNotMatch(seen.errors[0]!.message, /PRIVATE KEY/);
  assert.equal(await reloader.check(), false);
  assert.equal(seen.errors.length, 1, "the same bad files are reported once");
  assert.equal(seen.changes.length, 1);
  assert.equal(await servedSerial(port.port, first.caCert), serialOf(second.cert));

  // Fixing the files recovers without a restart.
  writeSecretVolume(dir, secretFiles(third));
  await waitFor("the fixed certificate", () => seen.changes.length === 2, { intervalMs: 20 });
  assert.equal(await servedSerial(port.port, first.caCert), serialOf(third.cert));
});

test("check() reports whether anything changed; an expired replacement is refused", async (t) => {
  const dir = tempDir(t);
  const first = await generateCertificates({ hosts: HOSTS, now: new Date() });
  writeFileSync(join(dir, "tls.crt"), first.cert);
  writeFileSync(join(dir, "tls.key"), first.key);
  const seen: Recorder = { changes: [], errors: [] };
  const later = new Date(Date.now() + 400 * 86_400_000);
  const reloader = watchCertificates({
    dir,
    current: await loadTlsMaterial(dir),
    pollIntervalMs: NO_POLL_MS,
    now: () => later,
    onChange: (next) => seen.changes.push(next),
    onError: (error) => seen.errors.push(error),
  });
  t.after(() => reloader.close());
  assert.equal(await reloader.check(), false, "nothing changed yet");

  // Valid at issue time but expired at the reloader's clock (a year and a month later).
  const stale = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: { cert: first.caCert, key: first.caKey } });
  writeFileSync(join(dir, "tls.key"), stale.key);
  writeFileSync(join(dir, "tls.crt"), stale.cert);
  assert.equal(await reloader.check(), false);
  assert.match(seen.errors.at(-1)?.message ?? "", /expired/);
  assert.equal(seen.changes.length, 0);

  const fresh = await generateCertificates({ hosts: HOSTS, now: later, existingCa: { cert: first.caCert, key: first.caKey } });
  writeFileSync(join(dir, "tls.key"), fresh.key);
  writeFileSync(join(dir, "tls.crt"), fresh.cert);
  assert.equal(await reloader.check(), true);
  assert.equal(serialOf(seen.changes[0]!.cert), serialOf(fresh.cert));
  assert.equal(await reloader.check(), false, "applied material is not offered twice");

  reloader.close();
  writeFileSync(join(dir, "tls.crt"), first.cert);
  writeFileSync(join(dir, "tls.key"), first.key);
  assert.equal(await reloader.check(), false, "closed: no more checks");
});

/** Replaces `dir` by a new directory (new inode) holding `generated`, the way `rm -r && mv` would. */
function replaceDirectory(dir: string, generated: GeneratedCertificates): void {
  const staged = `${dir}.staged`;
  mkdirSync(staged);
  writeFileSync(join(staged, "tls.crt"), generated.cert);
  writeFileSync(join(staged, "tls.key"), generated.key);
  rmSync(dir, { recursive: true });
  renameSync(staged, dir);
}

async function startInReplaceableDir(
  t: { after: (fn: () => void) => void },
  timing: { pollIntervalMs: number; debounceMs: number },
): Promise<{ dir: string; first: GeneratedCertificates; seen: Recorder; reloader: ReturnType<typeof watchCertificates> }> {
  const dir = join(tempDir(t), "certs");
  mkdirSync(dir);
  const first = await generateCertificates({ hosts: HOSTS, now: new Date() });
  writeFileSync(join(dir, "tls.crt"), first.cert);
  writeFileSync(join(dir, "tls.key"), first.key);
  const seen: Recorder = { changes: [], errors: [] };
  const reloader = watchCertificates({
    dir,
    current: await loadTlsMaterial(dir),
    ...timing,
    onChange: (next) => seen.changes.push(next),
    onError: (error) => seen.errors.push(error),
  });
  t.after(() => reloader.close());
  return { dir, first, seen, reloader };
}

test("the poll alone finds a certificate in a directory replaced under the watch", async (t) => {
  // File events are debounced past the test's end, so only the 100 ms poll can apply a change.
  const { dir, first, seen } = await startInReplaceableDir(t, { pollIntervalMs: 100, debounceMs: NO_POLL_MS });
  const second = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: { cert: first.caCert, key: first.caKey } });
  replaceDirectory(dir, second);
  await waitFor("the polled certificate", () => seen.changes.length === 1, { intervalMs: 20 });
  assert.equal(serialOf(seen.changes[0]!.cert), serialOf(second.cert));
});

test("after the directory is replaced, file events in the new directory are watched again", async (t) => {
  const { dir, first, seen, reloader } = await startInReplaceableDir(t, { pollIntervalMs: NO_POLL_MS, debounceMs: 20 });
  const ca = { cert: first.caCert, key: first.caKey };
  const second = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: ca });
  replaceDirectory(dir, second);
  // What a poll tick does: read, notice the new inode, watch it.
  await reloader.check();
  await waitFor("the replaced directory's certificate", () => seen.changes.length === 1, { intervalMs: 20 });
  // Let checks scheduled by the old directory's deletion events run out first.
  await new Promise((resolve) => setTimeout(resolve, 200));

  // No poll and no manual check from here on: only a watch on the new directory can see this.
  const third = await generateCertificates({ hosts: HOSTS, now: new Date(), existingCa: ca });
  writeFileSync(join(dir, "tls.key"), third.key);
  writeFileSync(join(dir, "tls.crt"), third.cert);
  await waitFor("a change inside the new directory", () => seen.changes.length === 2, { intervalMs: 20 });
  assert.equal(serialOf(seen.changes[1]!.cert), serialOf(third.cert));
});
