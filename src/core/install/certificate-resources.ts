import type { InstallOptions } from "./install-options.ts";
import { meta, SERVE_NAME, TLS_SECRET, type InstallResource } from "./install-resource.ts";

/** The cert-manager Certificate whose CA cainjector writes into both webhooks' caBundle. */
export const SERVING_CERTIFICATE = "gitops-guard-serving";
const CA_CERTIFICATE = "gitops-guard-ca";
const CA_SECRET = "gitops-guard-ca";
const SELF_SIGNED_ISSUER = "gitops-guard-selfsigned";
const CA_ISSUER = "gitops-guard-ca";

/**
 * Lifetimes, as Kubewarden does it (reference/admission-webhooks.md §3.8): a long-lived CA, so the
 * caBundle rarely changes (a rotated caBundle takes time to reach every API server: cert-controller#50,
 * kubevirt#15210), and a serving certificate renewed well before it ends, reloaded without a restart.
 */
export const CA_DURATION = "87600h"; // 10 years
export const SERVING_DURATION = "2160h"; // 90 days (cert-manager's default)
export const SERVING_RENEW_BEFORE = "720h"; // 30 days: a month to notice a renewal that fails

/**
 * cert-manager: a self-signed Issuer makes a CA, a CA Issuer signs the serving certificate into
 * gitops-guard-tls (tls.crt, tls.key, ca.crt: the files serve reads). The CA's key stays in the
 * Secret gitops-guard-ca, which only cert-manager reads: no pod of the guard mounts it, serve has
 * no access to Secrets, and watch's journal is kept in ConfigMaps (watch has no Secret access either).
 */
export function certificateResources(options: InstallOptions): InstallResource[] {
  const ns = options.namespace;
  const file = "certificates.yaml";
  const dnsNames = [`${SERVE_NAME}.${ns}.svc`, `${SERVE_NAME}.${ns}.svc.cluster.local`];
  return [
    { file, comment: "Bootstraps the guard's own CA; used for nothing else.", object: { apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: meta(SELF_SIGNED_ISSUER, ns), spec: { selfSigned: {} } } },
    {
      file,
      object: {
        apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: meta(CA_CERTIFICATE, ns),
        spec: {
          isCA: true, commonName: "gitops-guard-ca", secretName: CA_SECRET, duration: CA_DURATION,
          privateKey: { algorithm: "ECDSA", size: 256 },
          issuerRef: { group: "cert-manager.io", kind: "Issuer", name: SELF_SIGNED_ISSUER },
        },
      },
    },
    { file, object: { apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: meta(CA_ISSUER, ns), spec: { ca: { secretName: CA_SECRET } } } },
    {
      file,
      comment: `The serving certificate: kube-apiserver dials ${dnsNames[0]}; cainjector copies this certificate's CA into both webhook configurations.`,
      object: {
        apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: meta(SERVING_CERTIFICATE, ns),
        spec: {
          secretName: TLS_SECRET, commonName: dnsNames[0]!, dnsNames, duration: SERVING_DURATION, renewBefore: SERVING_RENEW_BEFORE,
          // ECDSA keys sign; "key encipherment" is for RSA key exchange only.
          usages: ["server auth", "digital signature"],
          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
          issuerRef: { group: "cert-manager.io", kind: "Issuer", name: CA_ISSUER },
        },
      },
    },
  ];
}
