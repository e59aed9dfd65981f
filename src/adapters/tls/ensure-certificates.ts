import { createPrivateKey, type X509Certificate } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../../errors.ts";
import { checkTlsMaterial } from "./check-tls-material.ts";
import { DEFAULT_RENEW_BEFORE_DAYS, describeCertificate, type CertificateInfo } from "./describe-certificate.ts";
import { generateCertificates, type CertificateAuthorityPem } from "./generate-certificates.ts";
import { readOptionalFile, type TlsMaterial } from "./load-tls-material.ts";
import { normalizeHost } from "./normalize-host.ts";
import { parsePemCertificates } from "./parse-pem-certificates.ts";
import { TLS_FILE_NAMES } from "./tls-file-names.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

/**
 * When to issue a new serving certificate for a directory that already has one:
 * - "never": load it (serve: the directory may be a read-only Secret volume);
 * - "when-due": also when it is expired, inside its renewal window, or lacks a requested host
 *   (`gitops-guard certs`, safe to run from a CronJob);
 * - "always": now (`gitops-guard certs --rotate`);
 * - "new-ca": now, signed by a new CA (`gitops-guard certs --rotate-ca`, planned CA rotation):
 *   ca.crt becomes a bundle of the new CA followed by the previous ones that have not expired, so a
 *   caBundle injected from it verifies both the serving certificate pods still hold and the new one
 *   while the rollout runs. Expired CAs are dropped from the bundle.
 * A directory without a certificate always gets one.
 */
export type RenewPolicy = "never" | "when-due" | "always" | "new-ca";

export interface EnsureCertificatesOptions {
  /** Hosts for a new certificate (serviceHosts()); with "when-due", a missing one triggers a new leaf. */
  readonly hosts: readonly string[];
  readonly now: Date;
  /** Default "never". */
  readonly renew?: RenewPolicy;
  /** Renewal window in days before notAfter (capped at a third of the lifetime). Default 60. */
  readonly renewBeforeDays?: number;
  /** Default 3650. */
  readonly caValidityDays?: number;
  /** Default 365. */
  readonly leafValidityDays?: number;
}

export interface CertificatePaths {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly caKey: string;
}

export interface EnsureCertificatesResult {
  /** Files were written: a new serving certificate (and maybe CA). The caller logs it. */
  readonly generated: boolean;
  /** A new CA was created: ca.crt changed, so webhook configurations need the new caBundle. */
  readonly caGenerated: boolean;
  /** Why files were or were not written, for the log line. */
  readonly reason: string;
  readonly paths: CertificatePaths;
  /** What to serve (tls-server-options.ts). Contains the private key: never log it. */
  readonly material: TlsMaterial;
  readonly leaf: CertificateInfo;
  /** The CA in ca.crt that issued the leaf, else the first one; undefined without ca.crt. */
  readonly ca: CertificateInfo | undefined;
  /** Requested hosts the serving certificate does not cover. */
  readonly missingHosts: readonly string[];
  /** Whether a certificate of ca.crt signed tls.crt; undefined without ca.crt. */
  readonly issuedByCa: boolean | undefined;
  /** Certificates in ca.crt (more than one after --rotate-ca, until the old CAs expire); 0 without it. */
  readonly caBundleSize: number;
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

export function certificatePaths(dir: string): CertificatePaths {
  return {
    cert: join(dir, TLS_FILE_NAMES.cert),
    key: join(dir, TLS_FILE_NAMES.key),
    ca: join(dir, TLS_FILE_NAMES.ca),
    caKey: join(dir, TLS_FILE_NAMES.caKey),
  };
}

function missingHosts(hosts: readonly string[], leaf: CertificateInfo): string[] {
  const covered = new Set(leaf.hosts);
  return hosts.filter((host) => !covered.has(normalizeHost(host)));
}

/** Why the existing pair must be replaced, or undefined to keep it. */
function renewalReason(material: TlsMaterial, options: EnsureCertificatesOptions): string | undefined {
  const renew = options.renew ?? "never";
  if (renew === "always") return "rotation requested";
  if (renew === "new-ca") return "CA rotation requested";
  const leaf = describeCertificate(checkTlsMaterial(material), options.now, options.renewBeforeDays ?? DEFAULT_RENEW_BEFORE_DAYS);
  if (renew === "never") return undefined;
  if (leaf.expired) return `the serving certificate expired on ${leaf.notAfter.toISOString()}`;
  if (leaf.renewalDue) {
    return `the serving certificate expires on ${leaf.notAfter.toISOString()} (renewal window opened ${leaf.renewAt.toISOString()})`;
  }
  const missing = missingHosts(options.hosts, leaf);
  return missing.length > 0 ? `the serving certificate does not cover ${missing.join(", ")}` : undefined;
}

/** ca.crt with only whitespace counts as absent: ACME issuers in cert-manager leave it empty. */
function nonEmpty(text: string | undefined): string | undefined {
  return text !== undefined && text.trim() !== "" ? text : undefined;
}

/** The existing CA to sign with, or undefined when a new CA must be created (none, or expired). */
async function signingCa(paths: CertificatePaths, now: Date): Promise<CertificateAuthorityPem | undefined> {
  const [cert, key] = await Promise.all([readOptionalFile(paths.ca).then(nonEmpty), readOptionalFile(paths.caKey)]);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new AppError(
      "ERR_TLS",
      `${cert === undefined ? paths.caKey : paths.ca} exists without ${cert === undefined ? paths.ca : paths.caKey}: ` +
        "cannot sign a new serving certificate (provide both, or remove it to create a new CA)",
    );
  }
  let caKey;
  try {
    caKey = createPrivateKey(key);
  } catch (cause) {
    throw new AppError("ERR_TLS", `${paths.caKey} does not parse: ${(cause as Error).message}`, { cause });
  }
  const ca = parsePemCertificates(cert, paths.ca).find((c) => c.checkPrivateKey(caKey));
  if (!ca) throw new AppError("ERR_TLS", `${paths.caKey} matches no certificate in ${paths.ca}`);
  // An expired CA cannot sign anything a client accepts; the bundle has to change anyway.
  if (now.getTime() > new Date(ca.validTo).getTime()) return undefined;
  return { cert, key };
}

/**
 * ca.crt after a CA rotation: the new CA first, then each previous CA still valid at `now` (PEM as
 * read, duplicates of the new one left out). A missing or unreadable old bundle adds nothing.
 */
async function rotatedBundle(paths: CertificatePaths, newCaPem: string, now: Date): Promise<string> {
  const old = nonEmpty(await readOptionalFile(paths.ca));
  if (old === undefined) return newCaPem;
  let previous: X509Certificate[];
  try {
    previous = parsePemCertificates(old, paths.ca);
  } catch {
    return newCaPem;
  }
  const fresh = parsePemCertificates(newCaPem, "the new CA")[0];
  const kept = previous.filter((ca) => new Date(ca.validTo).getTime() > now.getTime() && ca.fingerprint256 !== fresh?.fingerprint256);
  return [newCaPem.trimEnd(), ...kept.map((ca) => ca.toString().trimEnd())].join("\n") + "\n";
}

async function issue(dir: string, paths: CertificatePaths, options: EnsureCertificatesOptions): Promise<{ material: TlsMaterial; caGenerated: boolean }> {
  const rotateCa = options.renew === "new-ca";
  const existingCa = rotateCa ? undefined : await signingCa(paths, options.now);
  const generated = await generateCertificates({
    hosts: options.hosts,
    now: options.now,
    ...(options.caValidityDays === undefined ? {} : { caValidityDays: options.caValidityDays }),
    ...(options.leafValidityDays === undefined ? {} : { leafValidityDays: options.leafValidityDays }),
    ...(existingCa ? { existingCa } : {}),
  });
  let caBundle = generated.caCert;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (generated.caGenerated) {
      caBundle = rotateCa ? await rotatedBundle(paths, generated.caCert, options.now) : generated.caCert;
      // Bundle before key: until the key is replaced the old CA (still in the bundle) matches it.
      await writeFileAtomic(paths.ca, caBundle, CERT_MODE);
      await writeFileAtomic(paths.caKey, generated.caKey, KEY_MODE);
    }
    // Key before certificate: a watcher that reads in between sees a mismatched pair and keeps the
    // old one (checkTlsMaterial), then picks up the complete pair on the next event.
    await writeFileAtomic(paths.key, generated.key, KEY_MODE);
    await writeFileAtomic(paths.cert, generated.cert, CERT_MODE);
  } catch (cause) {
    throw new AppError("ERR_TLS", `cannot write certificates to ${dir}: ${(cause as Error).message}`, { cause });
  }
  const ca = existingCa ? existingCa.cert : caBundle;
  return { material: { cert: generated.cert, key: generated.key, ca }, caGenerated: generated.caGenerated };
}

function issuerIn(leaf: X509Certificate, cas: readonly X509Certificate[]): X509Certificate | undefined {
  return cas.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
}

function describeResult(
  material: TlsMaterial,
  options: EnsureCertificatesOptions,
  outcome: Pick<EnsureCertificatesResult, "generated" | "caGenerated" | "reason" | "paths">,
): EnsureCertificatesResult {
  const renewBeforeDays = options.renewBeforeDays ?? DEFAULT_RENEW_BEFORE_DAYS;
  const leafCertificate = checkTlsMaterial(material);
  const leaf = describeCertificate(leafCertificate, options.now, renewBeforeDays);
  const cas = material.ca === undefined ? [] : parsePemCertificates(material.ca, outcome.paths.ca);
  const issuer = issuerIn(leafCertificate, cas);
  const ca = issuer ?? cas[0];
  return {
    ...outcome,
    material,
    leaf,
    ca: ca ? describeCertificate(ca, options.now, renewBeforeDays) : undefined,
    missingHosts: missingHosts(options.hosts, leaf),
    issuedByCa: material.ca === undefined ? undefined : issuer !== undefined,
    caBundleSize: cas.length,
  };
}

/**
 * Makes `dir` hold a usable serving certificate: loads tls.crt/tls.key when present (checking they
 * match), otherwise, or when `renew` says so, issues a new one signed by ca.crt/ca.key (a new CA when
 * there is none or it expired) and writes the files atomically, keys with mode 0600.
 * Throws ERR_TLS when the files cannot be read, checked, generated or written.
 */
export async function ensureCertificates(dir: string, options: EnsureCertificatesOptions): Promise<EnsureCertificatesResult> {
  const paths = certificatePaths(dir);
  const [cert, key, ca] = await Promise.all([readOptionalFile(paths.cert), readOptionalFile(paths.key), readOptionalFile(paths.ca).then(nonEmpty)]);
  if ((cert === undefined) !== (key === undefined)) {
    const [present, absent] = cert === undefined ? [paths.key, paths.cert] : [paths.cert, paths.key];
    throw new AppError("ERR_TLS", `${present} exists without ${absent}: refusing to overwrite half a key pair`);
  }
  let reason = `${dir} had no certificate`;
  if (cert !== undefined && key !== undefined) {
    const existing: TlsMaterial = ca === undefined ? { cert, key } : { cert, key, ca };
    const why = renewalReason(existing, options);
    if (why === undefined) {
      return describeResult(existing, options, { generated: false, caGenerated: false, reason: "the existing certificate is kept", paths });
    }
    reason = why;
  }
  const issued = await issue(dir, paths, options);
  return describeResult(issued.material, options, { generated: true, caGenerated: issued.caGenerated, reason, paths });
}
