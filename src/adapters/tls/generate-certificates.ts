import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";
import { AppError } from "../../errors.ts";
import { parsePemCertificates } from "./parse-pem-certificates.ts";
import { rawCertificateNames } from "./raw-certificate-names.ts";
import { isValidHost } from "./service-hosts.ts";

/** A CA as PEM: the certificate and its private key (the key is secret: never log it). */
export interface CertificateAuthorityPem {
  readonly cert: string;
  readonly key: string;
}

export interface GenerateCertificatesOptions {
  /** DNS names and IP addresses for the serving certificate's subjectAltName; the first DNS name is also its CN. */
  readonly hosts: readonly string[];
  /** Issue time; notBefore is one hour earlier (clock skew, see below). */
  readonly now: Date;
  /** Lifetime of a new CA in days. Default 3650 (Kubewarden's root CA: 10 years). */
  readonly caValidityDays?: number;
  /** Lifetime of the serving certificate in days, capped at the CA's notAfter. Default 365 (Kubewarden's leaf: 1 year). */
  readonly leafValidityDays?: number;
  /**
   * Sign with this CA instead of creating one, so the CA bundle in the webhook configurations
   * stays valid across a leaf rotation. `cert` may be a bundle: the certificate matching `key` is used.
   */
  readonly existingCa?: CertificateAuthorityPem;
  /** Key type of a new CA and of the leaf. Default "ec" (P-256). With existingCa the leaf follows the CA's key type. */
  readonly keyType?: "ec" | "rsa";
}

/** PEM texts. `caCert` is the single CA certificate that signed `cert`. Keys are secret. */
export interface GeneratedCertificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
  /** True when a new CA was created (the CA bundle changed). */
  readonly caGenerated: boolean;
}

export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_LEAF_VALIDITY_DAYS = 365;

const DAY_MS = 86_400_000;
// kubernetes/client-go util/cert GenerateSelfSignedCertKeyWithFixtures: "valid an hour earlier to
// avoid flakes due to clock skew" between the issuing host and the API server.
const BACKDATE_MS = 3_600_000;
// X.509 upper bound for a CN (RFC 5280 ub-common-name = 64).
const MAX_CN_LENGTH = 64;

interface SigningCa {
  readonly certificate: X509Certificate;
  readonly pem: CertificateAuthorityPem;
  readonly keyType: "ec" | "rsa";
}

function validityDays(value: number | undefined, fallback: number, name: string): number {
  const days = value ?? fallback;
  if (!Number.isInteger(days) || days < 1) throw new AppError("ERR_USAGE", `${name} must be a whole number of days ≥ 1, got ${days}`);
  return days;
}

function keyTypeOf(key: KeyObject): "ec" | "rsa" {
  const type = key.asymmetricKeyType;
  if (type === "ec" || type === "rsa") return type;
  // selfsigned signs only with RSASSA-PKCS1-v1_5 or ECDSA (index.js getSigningAlgorithm).
  throw new AppError("ERR_TLS", `the CA key is ${type ?? "unknown"}; only EC and RSA CA keys can sign`);
}

function loadSigningCa(ca: CertificateAuthorityPem, now: Date): SigningCa {
  let key: KeyObject;
  try {
    key = createPrivateKey(ca.key);
  } catch (cause) {
    throw new AppError("ERR_TLS", `the CA key does not parse: ${(cause as Error).message}`, { cause });
  }
  const certificate = parsePemCertificates(ca.cert, "the CA certificate").find((c) => c.checkPrivateKey(key));
  if (!certificate) throw new AppError("ERR_TLS", "no CA certificate matches the CA key");
  if (!certificate.ca) throw new AppError("ERR_TLS", `${certificate.subject} is not a CA certificate (basicConstraints CA:FALSE)`);
  if (now.getTime() > new Date(certificate.validTo).getTime()) {
    throw new AppError("ERR_TLS", `the CA ${certificate.subject} expired on ${new Date(certificate.validTo).toISOString()}`);
  }
  return { certificate, pem: { cert: certificate.toString(), key: ca.key }, keyType: keyTypeOf(key) };
}

async function createCa(now: Date, days: number, keyType: "ec" | "rsa"): Promise<SigningCa> {
  // A CN unique per CA (client-go names its self-signed CA `<host>-ca@<unix seconds>`; here in
  // milliseconds, since `certs` then `certs --rotate-ca` may run within one second): during a CA
  // rotation the bundle holds two CAs, and OpenSSL clients pick the issuer by name (two CAs with one
  // name fail with "certificate signature failure").
  const commonName = `gitops-guard-ca@${now.getTime()}`;
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType,
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - BACKDATE_MS),
    notAfterDate: new Date(now.getTime() + days * DAY_MS),
    extensions: [
      // pathLen 0: this CA signs serving certificates only, never another CA.
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { certificate: new X509Certificate(pems.cert), pem: { cert: pems.cert, key: pems.private }, keyType };
}

function commonNameFor(hosts: readonly string[]): string {
  const dns = hosts.find((host) => isIP(host) === 0 && host.length <= MAX_CN_LENGTH);
  return dns ?? "gitops-guard";
}

function checkChain(leafPem: string, ca: X509Certificate): void {
  const leaf = new X509Certificate(leafPem);
  if (!leaf.verify(ca.publicKey)) throw new AppError("ERR_TLS", "the new serving certificate does not verify with the CA key");
  const issuer = rawCertificateNames(leaf.raw).issuer;
  const subject = rawCertificateNames(ca.raw).subject;
  if (!issuer.equals(subject)) {
    // selfsigned re-encodes the CA's name from its string form, e.g. UTF8String → PrintableString.
    throw new AppError(
      "ERR_TLS",
      `the CA's subject (${ca.subject}) is encoded differently from the issuer name selfsigned writes; ` +
        "Go clients such as kube-apiserver would not find the CA. Use a CA created by gitops-guard certs",
    );
  }
}

/**
 * A serving certificate for `hosts`, signed by `existingCa` or by a new CA. selfsigned 5 signs a
 * leaf with a given CA (`ca: { key, cert }`), but signs with the leaf's key type, so the leaf takes
 * the CA's key type.
 *
 * Keys: ECDSA P-256 by default. selfsigned supports it (`keyType: 'ec'`), every client on the path
 * speaks it (Go crypto/tls in kube-apiserver, OpenSSL in Node), it is generated in a few
 * milliseconds, and an ECDSA signature per handshake is cheaper than an RSA-2048 private-key
 * operation. RSA-2048 stays available for a CA that is already RSA.
 *
 * Throws ERR_USAGE for bad hosts or validity, ERR_TLS when the CA is unusable or generation fails.
 */
export async function generateCertificates(options: GenerateCertificatesOptions): Promise<GeneratedCertificates> {
  const { hosts, now } = options;
  if (hosts.length === 0) throw new AppError("ERR_USAGE", "a serving certificate needs at least one host");
  const invalid = hosts.filter((host) => !isValidHost(host));
  if (invalid.length > 0) throw new AppError("ERR_USAGE", `invalid host ${invalid.join(", ")}: expected a DNS name or an IP address`);
  const caDays = validityDays(options.caValidityDays, DEFAULT_CA_VALIDITY_DAYS, "caValidityDays");
  const leafDays = validityDays(options.leafValidityDays, DEFAULT_LEAF_VALIDITY_DAYS, "leafValidityDays");
  try {
    const ca = options.existingCa ? loadSigningCa(options.existingCa, now) : await createCa(now, caDays, options.keyType ?? "ec");
    const caNotAfter = new Date(ca.certificate.validTo).getTime();
    const leaf = await generate([{ name: "commonName", value: commonNameFor(hosts) }], {
      keyType: ca.keyType,
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - BACKDATE_MS),
      // A leaf outliving its CA would fail verification after the CA's notAfter anyway.
      notAfterDate: new Date(Math.min(now.getTime() + leafDays * DAY_MS, caNotAfter)),
      ca: ca.pem,
      extensions: [
        { name: "basicConstraints", cA: false, critical: true },
        // keyEncipherment only matters for RSA key transport (TLS 1.2 RSA kx); harmless otherwise.
        { name: "keyUsage", digitalSignature: true, keyEncipherment: ca.keyType === "rsa", critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })) },
      ],
    });
    checkChain(leaf.cert, ca.certificate);
    return { caCert: ca.pem.cert, caKey: ca.pem.key, cert: leaf.cert, key: leaf.private, caGenerated: !options.existingCa };
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError("ERR_TLS", `certificate generation failed: ${(cause as Error).message}`, { cause });
  }
}
