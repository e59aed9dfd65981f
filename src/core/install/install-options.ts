import { z } from "zod";

/**
 * What `gitops-guard install --export` is asked for: one value, parsed once at the edge (the CLI's
 * flags, a variant's definition) and handed to `installResources`, a pure function of it.
 */

/** The image of this release; test/core/install checks it names package.json's version. */
export const DEFAULT_IMAGE = "ghcr.io/gitops-guard/gitops-guard:0.1.0";
/** The namespace the guard runs in by default (the webhooks always skip it). */
export const DEFAULT_INSTALL_NAMESPACE = "gitops-guard";
/**
 * serve replicas: two on different nodes, so a webhook outage is never one node outage away
 * (Kyverno and Gatekeeper recommend 3 for production: the `production` variant runs 3).
 */
export const DEFAULT_SERVE_REPLICAS = 2;
/**
 * watch replicas: one leader acts, the standby takes the Lease over within its 15 s duration; a
 * third replica adds nothing but another watch cache (bench/README.md: tens of MiB each).
 */
export const WATCH_REPLICAS = 2;
/** The most serve replicas the flag accepts: 10 is beyond any measured need (docs/install.md "Sizing"). */
export const MAX_SERVE_REPLICAS = 10;

export const COMPONENTS = ["serve", "watch"] as const;
export type Component = (typeof COMPONENTS)[number];

/** A DNS-1123 label (namespace names): at most 63 characters. */
const dnsLabel = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS-1123 label: lower case letters, digits and -, at most 63 characters");

/** An IPv4 or IPv6 CIDR as NetworkPolicy's ipBlock.cidr takes it. */
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: "a CIDR such as 10.0.0.0/16 or fd00::/64" });

export const installOptionsSchema = z.strictObject({
  namespace: dnsLabel.default(DEFAULT_INSTALL_NAMESPACE),
  /** An image reference; no whitespace (it ends up in a container's `image`). */
  image: z.string().min(1).max(512).regex(/^[^\s]+$/, "an image reference without spaces").default(DEFAULT_IMAGE),
  replicas: z.number().int().min(1).max(MAX_SERVE_REPLICAS).default(DEFAULT_SERVE_REPLICAS),
  /** `self`: `gitops-guard certs` issues them (the caBundle is injected with `certs --inject`); `cert-manager`: an Issuer, a Certificate and cainjector. */
  certificates: z.enum(["self", "cert-manager"]).default("self"),
  /** The policy's starting mode; audit records what enforce would do and changes nothing. */
  mode: z.enum(["audit", "enforce"]).default("audit"),
  components: z
    .array(z.enum(COMPONENTS))
    .min(1, "at least one of serve, watch")
    .default(["serve", "watch"])
    .transform((list) => COMPONENTS.filter((c) => list.includes(c))),
  /** PrometheusRules and ServiceMonitors (the Prometheus Operator's CRDs must be installed). */
  prometheusOperator: z.boolean().default(false),
  /**
   * Where kube-apiserver's calls come from: when given, a NetworkPolicy admits only these (and
   * Prometheus) to the webhook port. Not defaulted: a NetworkPolicy that misses the API server
   * makes every call fail, which with failurePolicy Ignore silently turns the guard off.
   */
  controlPlaneCidrs: z.array(cidr).max(16).default([]),
  /** The namespace Prometheus scrapes from (NetworkPolicy ingress). */
  prometheusNamespace: dnsLabel.default("monitoring"),
});

export type InstallOptions = z.infer<typeof installOptionsSchema>;
export type InstallOptionsInput = z.input<typeof installOptionsSchema>;

/** The defaults, as one value (what `install --export` prints with no flags). */
export function defaultInstallOptions(): InstallOptions {
  return installOptionsSchema.parse({});
}
