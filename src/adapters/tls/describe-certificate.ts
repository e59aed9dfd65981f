import type { X509Certificate } from "node:crypto";
import { normalizeHost } from "./normalize-host.ts";

/** Renew this many days before expiry (Kubewarden renews its CA and leaves 60 days early). */
export const DEFAULT_RENEW_BEFORE_DAYS = 60;

const DAY_MS = 86_400_000;

/** What we log and print about a certificate (never key material). */
export interface CertificateInfo {
  /** Hex serial number as X509Certificate reports it (upper-case). */
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuer: string;
  /** DNS names and IP addresses of the subjectAltName, normalized (normalizeHost). */
  readonly hosts: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** From this instant on the certificate is due for renewal. */
  readonly renewAt: Date;
  /** `now` is at or past `renewAt`. */
  readonly renewalDue: boolean;
  /** `now` is past `notAfter`. */
  readonly expired: boolean;
  readonly isCa: boolean;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
}

// X509Certificate.subjectAltName: `DNS:a, IP Address:127.0.0.1`; values with separators are
// JSON-quoted (Node ≥ 17.3, CVE-2021-44532).
const SAN_ENTRY = /(DNS|IP Address):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;

function sanHosts(subjectAltName: string | undefined): string[] {
  const hosts: string[] = [];
  for (const match of (subjectAltName ?? "").matchAll(SAN_ENTRY)) {
    const raw = match[2] ?? "";
    const value = raw.startsWith('"') ? String(JSON.parse(raw)) : raw;
    if (value !== "") hosts.push(normalizeHost(value));
  }
  return hosts;
}

/**
 * Validity and names of a certificate at `now`. The renewal window is the smaller of
 * `renewBeforeDays` and a third of the certificate's lifetime: 60 days suits our one-year leaf,
 * but would keep a 90-day cert-manager certificate permanently "due"; Go's acme/autocert renews at
 * "the lesser of 30 days or 1/3 of the certificate lifetime" for the same reason
 * (golang.org/x/crypto 2df4153a).
 */
export function describeCertificate(certificate: X509Certificate, now: Date, renewBeforeDays = DEFAULT_RENEW_BEFORE_DAYS): CertificateInfo {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const renewBefore = Math.min(renewBeforeDays * DAY_MS, lifetime / 3);
  const renewAt = new Date(notAfter.getTime() - renewBefore);
  return {
    serialNumber: certificate.serialNumber,
    subject: certificate.subject,
    issuer: certificate.issuer,
    hosts: sanHosts(certificate.subjectAltName),
    notBefore,
    notAfter,
    renewAt,
    renewalDue: now.getTime() >= renewAt.getTime(),
    expired: now.getTime() > notAfter.getTime(),
    isCa: certificate.ca,
    fingerprint256: certificate.fingerprint256,
  };
}
