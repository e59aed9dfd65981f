import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../../errors.ts";
import { TLS_FILE_NAMES } from "./tls-file-names.ts";

/** PEM texts a server needs. `key` is secret: never log or print it. */
export interface TlsMaterial {
  /** tls.crt: the serving certificate, optionally followed by its chain. */
  readonly cert: string;
  /** tls.key */
  readonly key: string;
  /** ca.crt when present: the CA bundle to inject into webhook configurations. */
  readonly ca?: string;
}

/** A file's text, or undefined when it does not exist. Other read errors throw ERR_TLS. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AppError("ERR_TLS", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads tls.crt, tls.key and (if present) ca.crt from `dir`, following symlinks as a Kubernetes
 * Secret volume lays them out. Does not check them (checkTlsMaterial does). Throws ERR_TLS when
 * tls.crt or tls.key is missing or unreadable.
 */
export async function loadTlsMaterial(dir: string): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all(
    [TLS_FILE_NAMES.cert, TLS_FILE_NAMES.key, TLS_FILE_NAMES.ca].map((name) => readOptionalFile(join(dir, name))),
  );
  if (cert === undefined || key === undefined) {
    const missing = [cert === undefined ? TLS_FILE_NAMES.cert : "", key === undefined ? TLS_FILE_NAMES.key : ""].filter(Boolean);
    throw new AppError("ERR_TLS", `${dir} has no ${missing.join(" and ")}`);
  }
  return ca === undefined ? { cert, key } : { cert, key, ca };
}
