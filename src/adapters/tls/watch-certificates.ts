import { createHash } from "node:crypto";
import { statSync, watch, type FSWatcher } from "node:fs";
import { stat } from "node:fs/promises";
import { AppError } from "../../errors.ts";
import { checkTlsMaterial } from "./check-tls-material.ts";
import { describeCertificate, type CertificateInfo } from "./describe-certificate.ts";
import { loadTlsMaterial, type TlsMaterial } from "./load-tls-material.ts";

export interface WatchCertificatesOptions {
  /** The certificate directory (tls.crt, tls.key, ca.crt). */
  readonly dir: string;
  /** The material the server serves now; anything different on disk is a change. */
  readonly current: TlsMaterial;
  /**
   * Called with checked material (the pair matches, TLS accepts it, it has not expired). Apply it
   * with `server.setSecureContext({ cert, key })`. If it throws, the error goes to onError and the
   * same files are not offered again.
   */
  readonly onChange: (material: TlsMaterial, leaf: CertificateInfo) => void;
  /** Called when files cannot be read, are invalid, or cannot be watched. The old material stays in use. */
  readonly onError: (error: AppError) => void;
  /** Quiet time after the last file event before reading. Default 200 ms. */
  readonly debounceMs?: number;
  /** Poll interval in ms, the fallback when a file event is missed. Default 60 000. */
  readonly pollIntervalMs?: number;
  /** Clock for the expiry check. Default `() => new Date()`. */
  readonly now?: () => Date;
}

export interface CertificateReloader {
  /** Reads the files now; resolves true when onChange was called. Concurrent calls share one run. */
  check(): Promise<boolean>;
  /** Stops watching and polling. Idempotent. */
  close(): void;
}

/** Debounce for file events. A Kubernetes Secret update is one rename, but `cp`-style updates write two files. */
export const DEFAULT_DEBOUNCE_MS = 200;
/**
 * Poll fallback, for when no file event arrives (the directory itself replaced, a network
 * filesystem). A minute matches kubelet's default sync period (`syncFrequency: 1m`), the delay a
 * Secret volume update already has, so polling at most doubles it.
 */
export const DEFAULT_POLL_INTERVAL_MS = 60_000;

function fingerprint(material: TlsMaterial): string {
  return createHash("sha256").update(material.cert).update("\0").update(material.key).update("\0").update(material.ca ?? "").digest("hex");
}

function asAppError(err: unknown, context: string): AppError {
  return err instanceof AppError ? err : new AppError("ERR_TLS", `${context}: ${(err as Error).message}`, { cause: err });
}

/**
 * Watches a certificate directory and hands replaced certificates to `onChange` without a restart.
 *
 * It watches the directory, not the files: a Kubernetes Secret volume is updated by writing a new
 * timestamped directory and renaming a `..data` symlink over the old one (kubelet AtomicWriter), and
 * tls.crt is a symlink through `..data`, so a watch on the file keeps pointing at the old inode. The
 * content is compared by hash, not mtime, because a symlink swap need not change the mtimes of the
 * names we read. An invalid replacement (say, tls.key written but not yet tls.crt) is reported once
 * and the old certificate keeps being served until the files change again.
 */
export function watchCertificates(options: WatchCertificatesOptions): CertificateReloader {
  const { dir, onChange, onError } = options;
  const now = options.now ?? (() => new Date());
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let applied = fingerprint(options.current);
  let lastFailure: string | undefined;
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let again = false;
  let watcher: FSWatcher | undefined;
  let watchedInode: number | undefined;

  function fail(key: string, error: AppError): void {
    if (key === lastFailure) return;
    lastFailure = key;
    onError(error);
  }

  async function checkOnce(): Promise<boolean> {
    let material: TlsMaterial;
    try {
      material = await loadTlsMaterial(dir);
    } catch (err) {
      const error = asAppError(err, `cannot read certificates in ${dir}`);
      fail(`read:${error.message}`, error);
      return false;
    }
    const hash = fingerprint(material);
    if (hash === applied) {
      lastFailure = undefined;
      return false;
    }
    if (hash === lastFailure) return false;
    try {
      const leaf = describeCertificate(checkTlsMaterial(material), now());
      if (leaf.expired) throw new AppError("ERR_TLS", `the new certificate (serial ${leaf.serialNumber}) expired on ${leaf.notAfter.toISOString()}`);
      onChange(material, leaf);
    } catch (err) {
      fail(hash, asAppError(err, "applying the new certificate failed"));
      return false;
    }
    applied = hash;
    lastFailure = undefined;
    return true;
  }

  async function runChecks(): Promise<boolean> {
    let changed = false;
    await rewatchIfReplaced();
    do {
      again = false;
      changed = (await checkOnce()) || changed;
    } while (again && !closed);
    return changed;
  }

  function check(): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    if (running) {
      // Files changed while reading: read once more after this run.
      again = true;
      return running;
    }
    running = runChecks().finally(() => (running = undefined));
    return running;
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), debounceMs);
  }

  function startWatcher(): void {
    try {
      watchedInode = statSync(dir).ino;
      const w = watch(dir, { persistent: false }, schedule);
      w.on("error", (err) => {
        w.close();
        if (watcher === w) watcher = undefined;
        fail(`watch:${err.message}`, new AppError("ERR_TLS", `watching ${dir} failed (${err.message}); polling instead`, { cause: err }));
      });
      watcher = w;
    } catch (err) {
      watcher = undefined;
      fail(`watch:${(err as Error).message}`, new AppError("ERR_TLS", `cannot watch ${dir} (${(err as Error).message}); polling instead`, { cause: err }));
    }
  }

  /** A watch follows the directory's inode: when the directory was replaced (or the watch died), watch anew. */
  async function rewatchIfReplaced(): Promise<void> {
    const inode = await stat(dir).then((s) => s.ino, () => undefined);
    if (closed || inode === undefined || (watcher !== undefined && inode === watchedInode)) return;
    watcher?.close();
    startWatcher();
  }

  startWatcher();
  const poll = setInterval(() => void check(), options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  // The poll alone must not keep a process alive that has nothing else to do.
  poll.unref();

  return {
    check,
    close(): void {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poll);
      watcher?.close();
      watcher = undefined;
    },
  };
}
