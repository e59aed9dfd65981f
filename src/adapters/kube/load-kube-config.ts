import { KubeConfig } from "@kubernetes/client-node";
import { AppError } from "../../errors.ts";

/**
 * The Kubernetes client configuration: a kubeconfig file when given; inside a pod (the service
 * account token and KUBERNETES_SERVICE_HOST) the in-cluster configuration; otherwise client-node's
 * default lookup ($KUBECONFIG, ~/.kube/config).
 */
export function loadKubeConfig(options: { readonly kubeconfig?: string; readonly env: Readonly<Record<string, string | undefined>> }): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else if (options.env["KUBERNETES_SERVICE_HOST"]) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (cause) {
    throw new AppError("ERR_KUBE_UNAVAILABLE", `cannot load Kubernetes configuration${options.kubeconfig ? ` from ${options.kubeconfig}` : ""}: ${(cause as Error).message}`, { cause });
  }
  if (!kc.getCurrentCluster()) throw new AppError("ERR_KUBE_UNAVAILABLE", "the Kubernetes configuration names no cluster");
  return kc;
}
