import { X509Certificate } from "node:crypto";
import { AppError } from "../../errors.ts";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Every certificate of a PEM text, in order (a `tls.crt` may carry the chain after the leaf, a
 * `ca.crt` may bundle several CAs). Throws ERR_TLS naming `source` when there is none or one does
 * not parse.
 */
export function parsePemCertificates(text: string, source: string): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new AppError("ERR_TLS", `${source} holds no PEM certificate`);
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw new AppError("ERR_TLS", `${source}: certificate ${index + 1} does not parse: ${(cause as Error).message}`, { cause });
    }
  });
}
