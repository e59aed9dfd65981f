import { constants } from "node:crypto";
import type { SecureVersion } from "node:tls";
import type { TlsMaterial } from "./load-tls-material.ts";

/**
 * Cipher suites the webhook offers: AEAD only. TLS 1.3's three suites (all AEAD), then for TLS
 * 1.2 ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA
 * certificates. Node's default list also accepts CBC suites for TLS 1.2 (an outside probe
 * negotiated ECDHE-RSA-AES256-SHA384); kube-apiserver's Go client offers these AEAD suites first
 * (crypto/tls defaultCipherSuites), so nothing legitimate is refused. Mozilla's "intermediate"
 * server-side TLS configuration is the same list.
 */
export const WEBHOOK_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/**
 * A TLS handshake must complete within 10 s (Node's default is 120 s: an outside probe held raw
 * TCP connections that never start TLS for about 121 s each). kube-apiserver completes one in
 * milliseconds; its own webhook timeout is at most 30 s, usually 3 s (our manifests).
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The `https` option for fastify (and node:https): what the webhook serves and how. */
export interface TlsServerOptions {
  readonly cert: string;
  /** Private key PEM: never log it. */
  readonly key: string;
  readonly minVersion: SecureVersion;
  readonly ciphers: string;
  readonly honorCipherOrder: boolean;
  readonly secureOptions: number;
  readonly handshakeTimeout: number;
  /** Client CA bundle (PEM) when client certificates are requested (`--client-ca`). */
  readonly ca?: string;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

/**
 * TLS options for the webhook server.
 *
 * minVersion TLSv1.2: Node's default is already TLSv1.2, but `--tls-min-v1.0`/`--tls-min-v1.1`
 * in NODE_OPTIONS lower the process default, so it is pinned here. kube-apiserver's Go client
 * offers TLS 1.2 and 1.3. Ciphers: WEBHOOK_CIPHERS (AEAD only), server order.
 *
 * Renegotiation is refused (SSL_OP_NO_RENEGOTIATION): TLS 1.3 has none, Go's client never
 * renegotiates a server connection, and a client-initiated renegotiation costs the server a full
 * handshake on demand (a CPU-exhaustion lever). Session tickets stay on: resumption saves
 * kube-apiserver a full handshake when it reconnects, the ticket keys are random per process and
 * die with it, so they never outlive a pod's serving key.
 *
 * Client certificates (`clientCa`): requested but not required at the TLS layer, so kubelet's
 * probes (/healthz, /readyz) and Prometheus (/metrics) still connect without one; the admission
 * routes refuse a client that did not present a certificate this CA signed (401). This is how
 * kube-apiserver authenticates to a webhook: an AdmissionConfiguration kubeconfig with a client
 * certificate (docs/serve.md "Client authentication").
 */
export function tlsServerOptions(material: Pick<TlsMaterial, "cert" | "key">, clientCa?: string): TlsServerOptions {
  const base = {
    cert: material.cert,
    key: material.key,
    minVersion: "TLSv1.2" as const,
    ciphers: WEBHOOK_CIPHERS,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  };
  return clientCa === undefined ? base : { ...base, ca: clientCa, requestCert: true, rejectUnauthorized: false };
}
