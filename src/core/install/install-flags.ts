import { defaultInstallOptions, type InstallOptions } from "./install-options.ts";

/**
 * The `install --export` flags that give these options, defaults left out, in one fixed order:
 * written at the head of the output and of each variant's kustomization.yaml, so anyone can
 * regenerate what they hold.
 */
export function installFlags(options: InstallOptions): string[] {
  const d = defaultInstallOptions();
  const out: string[] = [];
  if (options.namespace !== d.namespace) out.push("--namespace", options.namespace);
  if (options.image !== d.image) out.push("--image", options.image);
  if (options.replicas !== d.replicas) out.push("--replicas", String(options.replicas));
  if (options.certificates !== d.certificates) out.push("--certificates", options.certificates);
  if (options.mode !== d.mode) out.push("--mode", options.mode);
  if (options.components.join(",") !== d.components.join(",")) out.push("--components", options.components.join(","));
  if (options.prometheusOperator) out.push("--prometheus-operator");
  for (const cidr of options.controlPlaneCidrs) out.push("--control-plane-cidr", cidr);
  if (options.prometheusNamespace !== d.prometheusNamespace) out.push("--prometheus-namespace", options.prometheusNamespace);
  return out;
}
