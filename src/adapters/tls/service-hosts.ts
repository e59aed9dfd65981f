import { isIP } from "node:net";
import { AppError } from "../../errors.ts";
import { normalizeHost } from "./normalize-host.ts";

/** The Service name the manifests give the webhook (deploy/), and so the default SAN base. */
export const DEFAULT_SERVICE_NAME = "gitops-guard";
/** The namespace the manifests install into. */
export const DEFAULT_NAMESPACE = "gitops-guard";

export interface ServiceHostsOptions {
  /** Kubernetes Service name (a DNS-1035 label). Default `gitops-guard`. */
  readonly service?: string;
  /** Namespace of the Service (a DNS-1123 label). Default `gitops-guard`. */
  readonly namespace?: string;
  /** More DNS names or IP addresses to put in the certificate (e.g. a node IP for a `url:` webhook). */
  readonly extraHosts?: readonly string[];
}

// RFC 1123 label as Kubernetes validates it (apimachinery validation.IsDNS1123Label): 1–63 chars.
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function isDnsName(host: string): boolean {
  // RFC 1123 subdomain, max 253 chars; a leading `*.` wildcard label is allowed (RFC 6125 §6.4.3).
  const name = host.startsWith("*.") ? host.slice(2) : host;
  return name.length > 0 && name.length <= 253 && name.split(".").every((label) => LABEL.test(label));
}

/** True when `host` can go into a subjectAltName: an IP address or a DNS name. */
export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || isDnsName(host.toLowerCase());
}

/**
 * The names the serving certificate must cover: loopback for local runs and tests, then every name
 * a client can use for the in-cluster Service. kube-apiserver dials a `service:` webhook as
 * `<service>.<namespace>.svc` (that is the TLS server name it checks), so that name comes first and
 * becomes the CN; the longer and shorter forms are for clients inside the cluster.
 * Throws ERR_USAGE for a malformed service, namespace or extra host.
 */
export function serviceHosts(options: ServiceHostsOptions = {}): string[] {
  const service = options.service ?? DEFAULT_SERVICE_NAME;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (!LABEL.test(service)) throw new AppError("ERR_USAGE", `invalid service name ${JSON.stringify(service)}: expected a DNS label`);
  if (!LABEL.test(namespace)) throw new AppError("ERR_USAGE", `invalid namespace ${JSON.stringify(namespace)}: expected a DNS label`);
  const extra = options.extraHosts ?? [];
  const invalid = extra.filter((host) => !isValidHost(host));
  if (invalid.length > 0) {
    throw new AppError("ERR_USAGE", `invalid host ${invalid.map((h) => JSON.stringify(h)).join(", ")}: expected a DNS name or an IP address`);
  }
  const hosts = [
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    `${service}.${namespace}`,
    service,
    "localhost",
    "127.0.0.1",
    "::1",
    ...extra,
  ];
  return [...new Set(hosts.map(normalizeHost))];
}
