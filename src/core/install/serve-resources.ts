import type { JsonObject } from "../k8s/json.ts";
import type { InstallOptions } from "./install-options.ts";
import { boundRole, meta, POLICY_CONFIGMAP, SERVE_NAME, TLS_SECRET, type InstallResource } from "./install-resource.ts";
import { restrictedContainerSecurity, restrictedPodSecurity, spreadAcrossNodes } from "./pod-defaults.ts";

/** The port serve listens on in the pod (TLS: /mutate, /validate, /healthz, /readyz, /metrics). */
export const SERVE_PORT = 8443;
/**
 * serve waits this long on SIGTERM before it stops accepting connections: the endpoints
 * controller needs a moment to drop a terminating pod, and kube-apiserver keeps calling it meanwhile.
 */
export const SERVE_SHUTDOWN_DELAY_SECONDS = 5;

const SELECTOR = { "app.kubernetes.io/name": SERVE_NAME };

function serveRbac(ns: string): InstallResource[] {
  const account = { name: SERVE_NAME, namespace: ns };
  return [
    { file: "serve-rbac.yaml", object: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(SERVE_NAME, ns) } },
    ...boundRole({
      file: "serve-rbac.yaml", name: `${SERVE_NAME}-policy`, namespace: ns, serviceAccount: account,
      comment: "serve reads its policy and CRDs, and writes Events; nothing else (no Secrets: its certificate is a mounted volume).",
      rules: [
        { apiGroups: [""], resources: ["configmaps"], resourceNames: [POLICY_CONFIGMAP], verbs: ["get", "list", "watch"], why: "the policy ConfigMap, hot-reloaded (serve --policy-configmap)" },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"], why: "a watch with a fieldSelector on one name is a list/watch of the collection: RBAC cannot scope list/watch by resourceNames for a field-selected watch" },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"], why: "Events on the policy ConfigMap: a rejected policy version is announced where it was applied" },
      ],
    }),
    ...boundRole({
      file: "serve-rbac.yaml", name: `${SERVE_NAME}-crds`, namespace: undefined, serviceAccount: account,
      rules: [
        { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get", "list", "watch"], why: "read-only: immutability a CRD declares (x-kubernetes-validations with oldSelf) becomes rules (serve --watch-crds)" },
      ],
    }),
  ];
}

function serveContainer(options: InstallOptions): JsonObject {
  return {
    name: "gitops-guard",
    image: options.image,
    args: [
      "serve",
      `--port=${SERVE_PORT}`,
      "--cert-dir=/certs",
      `--policy-configmap=${options.namespace}/${POLICY_CONFIGMAP}`,
      "--watch-crds",
      "--records=-",
      `--shutdown-delay-seconds=${SERVE_SHUTDOWN_DELAY_SECONDS}`,
    ],
    env: [{ name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }],
    ports: [{ name: "https", containerPort: SERVE_PORT }],
    readinessProbe: { httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: "/healthz", port: "https", scheme: "HTTPS" }, periodSeconds: 10, failureThreshold: 6 },
    // bench/README.md: RSS plateaus at ~355 MiB under a flood of 8,000 held connections; 512 Mi
    // leaves room above it, and 100m/128Mi is what a quiet cluster uses.
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [{ name: "certs", mountPath: "/certs", readOnly: true }],
  };
}

function serveDeployment(options: InstallOptions): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(SERVE_NAME, options.namespace),
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: { ...SELECTOR } },
      template: {
        metadata: { labels: { ...SELECTOR } },
        spec: {
          serviceAccountName: SERVE_NAME,
          priorityClassName: "system-cluster-critical",
          topologySpreadConstraints: spreadAcrossNodes(SELECTOR),
          securityContext: restrictedPodSecurity(),
          // 5 s shutdown delay + draining in-flight calls (3 s webhook timeout) + flushing records.
          terminationGracePeriodSeconds: 30,
          containers: [serveContainer(options)],
          volumes: [{ name: "certs", secret: { secretName: TLS_SECRET } }],
        },
      },
    },
  };
}

/** serve: its ServiceAccount and RBAC, Service, Deployment and PodDisruptionBudget. */
export function serveResources(options: InstallOptions): InstallResource[] {
  const ns = options.namespace;
  const certificates = options.certificates === "cert-manager"
    ? "issued by cert-manager (certificates.yaml) into the Secret gitops-guard-tls"
    : "tls.crt, tls.key and ca.crt in the Secret gitops-guard-tls, made by `gitops-guard certs` (never ca.key: docs/install.md)";
  return [
    ...serveRbac(ns),
    {
      file: "serve.yaml",
      object: {
        apiVersion: "v1", kind: "Service", metadata: meta(SERVE_NAME, ns, { labels: { ...SELECTOR } }),
        spec: { selector: { ...SELECTOR }, ports: [{ name: "https", port: 443, targetPort: "https" }, { name: "metrics", port: SERVE_PORT, targetPort: "https" }] },
      },
    },
    { file: "serve.yaml", comment: `gitops-guard serve: the admission webhook. Certificates: ${certificates}; reloaded without a restart.`, object: serveDeployment(options) },
    {
      file: "serve.yaml",
      comment: "One pod at a time may be evicted (a drain never takes every replica; with one replica a drain is not blocked forever).",
      object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(SERVE_NAME, ns), spec: { maxUnavailable: 1, selector: { matchLabels: { ...SELECTOR } } } },
    },
  ];
}
