import type { InstallOptions } from "./install-options.ts";
import { meta, SERVE_NAME, type InstallResource } from "./install-resource.ts";
import { SERVE_PORT } from "./serve-resources.ts";

/**
 * Only kube-apiserver (from the control-plane CIDRs given) and Prometheus may reach serve's port.
 * Emitted only when the CIDRs are given: where the API server's traffic comes from differs by
 * distribution (docs/install.md "Network policy"), and a policy that misses it turns the guard off.
 */
export function networkPolicyResources(options: InstallOptions): InstallResource[] {
  if (options.controlPlaneCidrs.length === 0 || !options.components.includes("serve")) return [];
  const port = [{ port: SERVE_PORT, protocol: "TCP" }];
  return [{
    file: "networkpolicy.yaml",
    comment: "Kubelet probes come from the pod's own node; most CNIs (Calico, Cilium) always admit host traffic to local pods, which this policy does not change.",
    object: {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta(`${SERVE_NAME}-webhook`, options.namespace),
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": SERVE_NAME } },
        policyTypes: ["Ingress"],
        ingress: [
          { from: options.controlPlaneCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: port },
          { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": options.prometheusNamespace } } }], ports: port },
        ],
      },
    },
    notes: [
      { path: ["spec", "ingress", 0], comment: "kube-apiserver → POST /mutate, /validate" },
      { path: ["spec", "ingress", 1], comment: "Prometheus → GET /metrics" },
    ],
  }];
}
