import { AppError } from "../../errors.ts";

/** The issuer and subject Names of a certificate, as the exact DER bytes it carries. */
export interface RawCertificateNames {
  readonly issuer: Buffer;
  readonly subject: Buffer;
}

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new AppError("ERR_TLS", "certificate DER is truncated");
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    // A certificate is far below 2^32 bytes; more length bytes means corrupt input.
    if (count === 0 || count > 4) throw new AppError("ERR_TLS", "certificate DER has an invalid length");
    length = der.readUIntBE(contentStart, count);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new AppError("ERR_TLS", "certificate DER is truncated");
  return { tag, start: offset, contentStart, end };
}

const SEQUENCE = 0x30;
const VERSION = 0xa0; // [0] EXPLICIT Version, absent in v1 certificates

/**
 * Reads issuer and subject from a DER certificate (RFC 5280 §4.1: Certificate → tbsCertificate →
 * version?, serialNumber, signature, issuer, validity, subject).
 *
 * Why the bytes matter: Go's crypto/x509 (kube-apiserver's TLS client) finds a certificate's parent
 * by `AuthorityKeyId`, or, when that is absent as in selfsigned's certificates, by looking up the
 * raw issuer bytes among the roots' raw subjects (`CertPool.findPotentialParents`,
 * `s.byName[string(cert.RawIssuer)]`). OpenSSL compares names canonically, so a Node client can
 * accept a chain that the API server rejects; comparing the bytes catches that.
 */
export function rawCertificateNames(der: Buffer): RawCertificateNames {
  const certificate = readTlv(der, 0);
  const tbs = readTlv(der, certificate.contentStart);
  if (certificate.tag !== SEQUENCE || tbs.tag !== SEQUENCE) throw new AppError("ERR_TLS", "not a DER certificate");
  let field = readTlv(der, tbs.contentStart);
  if (field.tag === VERSION) field = readTlv(der, field.end);
  const signature = readTlv(der, field.end); // field is serialNumber here
  const issuer = readTlv(der, signature.end);
  const validity = readTlv(der, issuer.end);
  const subject = readTlv(der, validity.end);
  if (issuer.tag !== SEQUENCE || subject.tag !== SEQUENCE) throw new AppError("ERR_TLS", "certificate names are not DER sequences");
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}
