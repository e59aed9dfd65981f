import type { InstallOptionsInput } from "./install-options.ts";

/**
 * The kustomize variants committed under manifests/: each is `install --export` with these flags,
 * written as one file per concern plus a kustomization.yaml that lists them (no patches: no
 * kustomize binary runs on the development machines, so what is committed is what is applied).
 * test/manifests checks the committed files equal the generated ones.
 */
export interface InstallVariant {
  readonly name: string;
  readonly description: string;
  readonly options: InstallOptionsInput;
}

export const INSTALL_VARIANTS: readonly InstallVariant[] = [
  {
    name: "base",
    description: "serve and watch, certificates from `gitops-guard certs`, the policy in audit mode",
    options: {},
  },
  {
    name: "production",
    description: "three serve replicas, the policy in enforce mode, alerts and scraping through the Prometheus Operator",
    options: { replicas: 3, mode: "enforce", prometheusOperator: true },
  },
  {
    name: "cert-manager",
    description: "as base, with certificates issued by cert-manager and the caBundle injected by its cainjector",
    options: { certificates: "cert-manager" },
  },
  {
    name: "without-watch",
    description: "the admission webhook alone",
    options: { components: ["serve"] },
  },
];
