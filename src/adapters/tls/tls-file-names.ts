/**
 * The files of a certificate directory. `tls.crt`/`tls.key` are the keys of a Kubernetes
 * `kubernetes.io/tls` Secret and `ca.crt` is the key cert-manager adds, so a Secret volume from
 * either can be mounted as-is. `ca.key` is ours: it exists only when gitops-guard issues the
 * certificates itself, so it can sign the next serving certificate with the same CA.
 */
export const TLS_FILE_NAMES = {
  cert: "tls.crt",
  key: "tls.key",
  ca: "ca.crt",
  caKey: "ca.key",
} as const;
