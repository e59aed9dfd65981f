import {
  AppsV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, KubeConfig,
} from "@kubernetes/client-node";

/** client-node API clients built the ordinary way: KubeConfig.loadFromFile, then makeApiClient. */
export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly events: EventsV1Api;
}

/** Clients for the cluster a kubeconfig file names (e.g. SimulatedApiServer.kubeconfigPath). */
export function kubeClients(kubeconfigPath: string): KubeClients {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    events: kubeConfig.makeApiClient(EventsV1Api),
  };
}
