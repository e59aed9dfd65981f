import { createPrivateKey, type KeyObject, type X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";
import { AppError } from "../../errors.ts";
import type { TlsMaterial } from "./load-tls-material.ts";
import { parsePemCertificates } from "./parse-pem-certificates.ts";

/**
 * Checks that a certificate and key can serve together and returns the leaf (the first certificate
 * of tls.crt). The same createSecureContext call that `server.setSecureContext` makes runs here, so
 * material that passes cannot make the server's reload throw. ca.crt is not checked: serving does
 * not use it. Throws ERR_TLS; the message never contains key material.
 */
export function checkTlsMaterial(material: Pick<TlsMaterial, "cert" | "key">): X509Certificate {
  const [leaf] = parsePemCertificates(material.cert, "tls.crt");
  if (!leaf) throw new AppError("ERR_TLS", "tls.crt holds no PEM certificate");
  let key: KeyObject;
  try {
    key = createPrivateKey(material.key);
  } catch (cause) {
    // The OpenSSL message names the format problem, not the key bytes.
    throw new AppError("ERR_TLS", `tls.key does not parse: ${(cause as Error).message}`, { cause });
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new AppError("ERR_TLS", `tls.key does not belong to tls.crt (serial ${leaf.serialNumber})`);
  }
  try {
    createSecureContext({ cert: material.cert, key: material.key });
  } catch (cause) {
    throw new AppError("ERR_TLS", `TLS refuses the certificate: ${(cause as Error).message}`, { cause });
  }
  return leaf;
}
