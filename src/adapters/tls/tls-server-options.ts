import type { SecureVersion } from "node:tls";
import type { TlsMaterial } from "./load-tls-material.ts";

/** The `https` option for fastify (and node:https): what the webhook serves and how. */
export interface TlsServerOptions {
  readonly cert: string;
  /** Private key PEM: never log it. */
  readonly key: string;
  readonly minVersion: SecureVersion;
}

/**
 * TLS options for the webhook server.
 *
 * minVersion TLSv1.2: the issue requires it. Node's default is already TLSv1.2, but
 * `--tls-min-v1.0`/`--tls-min-v1.1` in NODE_OPTIONS lower the process default, so it is pinned
 * here. kube-apiserver's Go client offers TLS 1.2 and 1.3, so nothing legitimate is refused.
 *
 * Ciphers: Node's defaults are kept (tls.DEFAULT_CIPHERS: the TLS 1.3 suites, then ECDHE with
 * AES-GCM or ChaCha20-Poly1305 for TLS 1.2). They cover the ECDSA and RSA certificates we issue and
 * are maintained with Node's OpenSSL; a hand-written list would only age.
 *
 * No client certificate is requested: the API server authenticates to webhooks only when configured
 * with an AdmissionConfiguration kubeconfig, which is out of scope here.
 */
export function tlsServerOptions(material: Pick<TlsMaterial, "cert" | "key">): TlsServerOptions {
  return { cert: material.cert, key: material.key, minVersion: "TLSv1.2" };
}
