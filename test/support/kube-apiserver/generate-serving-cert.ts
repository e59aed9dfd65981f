import { generate } from "selfsigned";

/** PEM material for the simulated API server's TLS endpoint. */
export interface ServingCert {
  /** The self-signed CA certificate (PEM): what a kubeconfig's certificate-authority-data carries. */
  readonly caPem: string;
  /** The serving certificate (PEM), signed by the CA, valid for 127.0.0.1 and localhost. */
  readonly certPem: string;
  /** The serving certificate's private key (PEM, PKCS#8). */
  readonly keyPem: string;
}

/**
 * A fresh CA and a serving certificate it signs, like a kubeadm cluster's `ca.crt` and
 * `apiserver.crt`. EC P-256 keys: generation takes a few milliseconds, where RSA-2048 takes
 * hundreds on a 2-core machine. Validity: 1 day (tests never outlive it).
 */
export async function generateServingCert(now: Date = new Date()): Promise<ServingCert> {
  const notAfterDate = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  // Back-date by one minute so a slightly skewed clock does not make the cert "not yet valid".
  const notBeforeDate = new Date(now.getTime() - 60 * 1000);
  const ca = await generate([{ name: "commonName", value: "simulated-kubernetes-ca" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const serving = await generate([{ name: "commonName", value: "kube-apiserver" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
          { type: 2, value: "kubernetes.default.svc" },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: serving.cert, keyPem: serving.private };
}
