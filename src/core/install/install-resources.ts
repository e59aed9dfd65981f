import type { InstallOptions } from "./install-options.ts";
import type { InstallResource } from "./install-resource.ts";
import { namespaceResources } from "./namespace-resources.ts";
import { serveResources } from "./serve-resources.ts";
import { watchResources } from "./watch-resources.ts";
import { certificateResources } from "./certificate-resources.ts";
import { networkPolicyResources } from "./network-policy.ts";
import { monitoringResources } from "./monitoring-resources.ts";
import { webhookConfigurations } from "./webhook-configurations.ts";

/**
 * The whole install for these options, in apply order: the namespace and policy, certificates,
 * serve, watch, monitoring, and the webhook configurations last, so the API server calls the
 * webhook only once something can answer (uninstall deletes them first: docs/install.md).
 * Pure: the same options give the same objects, byte for byte once encoded.
 */
export function installResources(options: InstallOptions): InstallResource[] {
  const serve = options.components.includes("serve");
  const watch = options.components.includes("watch");
  return [
    ...namespaceResources(options),
    ...(serve && options.certificates === "cert-manager" ? certificateResources(options) : []),
    ...(serve ? serveResources(options) : []),
    ...networkPolicyResources(options),
    ...(watch ? watchResources(options) : []),
    ...(options.prometheusOperator ? monitoringResources(options) : []),
    ...(serve ? webhookConfigurations(options) : []),
  ];
}

/** The files of a kustomize variant, in first-appearance order (the order kustomization.yaml lists them). */
export function installFiles(resources: readonly InstallResource[]): string[] {
  return [...new Set(resources.map((r) => r.file))];
}
