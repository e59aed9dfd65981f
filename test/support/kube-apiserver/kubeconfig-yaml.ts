import { stringify } from "yaml";

/** What a kubeconfig for the simulated API server names. */
export interface KubeconfigFacts {
  /** "https://127.0.0.1:port". */
  readonly server: string;
  /** The CA certificate (PEM); written base64-encoded as certificate-authority-data. */
  readonly caPem: string;
  /** Bearer token of the user. */
  readonly token: string;
  /** The context's default namespace (default "default"). */
  readonly namespace?: string;
}

/**
 * An ordinary kubeconfig (apiVersion v1, kind Config) with one cluster "simulated", one user
 * "simulated-user" authenticating with a bearer token, and current-context "simulated": what
 * `KubeConfig.loadFromFile` and kubectl read.
 */
export function kubeconfigYaml(facts: KubeconfigFacts): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "simulated", cluster: { server: facts.server, "certificate-authority-data": Buffer.from(facts.caPem).toString("base64") } }],
    users: [{ name: "simulated-user", user: { token: facts.token } }],
    contexts: [{ name: "simulated", context: { cluster: "simulated", user: "simulated-user", namespace: facts.namespace ?? "default" } }],
    "current-context": "simulated",
    preferences: {},
  });
}
