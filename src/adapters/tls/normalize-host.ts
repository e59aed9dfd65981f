import { isIPv6 } from "node:net";

/**
 * One spelling per host so names can be compared: DNS names lower-case (RFC 4343: DNS names are
 * case-insensitive), IPv6 addresses in compressed form (X509Certificate.subjectAltName prints
 * `0:0:0:0:0:0:0:1` for `::1`; the WHATWG URL parser compresses it back).
 */
export function normalizeHost(host: string): string {
  if (isIPv6(host)) return new URL(`http://[${host}]`).hostname.slice(1, -1);
  return host.toLowerCase();
}
