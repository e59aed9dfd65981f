import type { JsonObject } from "../k8s/json.ts";
import { WATCH_REPLICAS, type InstallOptions } from "./install-options.ts";
import { boundRole, meta, POLICY_CONFIGMAP, WATCH_LEASE, WATCH_NAME, type InstallResource, type RbacRule } from "./install-resource.ts";
import { restrictedContainerSecurity, restrictedPodSecurity, spreadAcrossNodes } from "./pod-defaults.ts";

/** watch's HTTP port: /metrics, /healthz, /readyz (plain HTTP: nothing secret is served). */
export const WATCH_PORT = 9090;
/**
 * Where watch reads the policy (its `watch.*` thresholds): the policy ConfigMap mounted as a volume
 * (the kubelet reads it, so watch needs no RBAC on ConfigMaps for it). watch reads it at start.
 */
export const WATCH_POLICY_DIR = "/etc/gitops-guard";

const SELECTOR = { "app.kubernetes.io/name": WATCH_NAME };

/**
 * What watch does across the cluster: notice (read), recover (Flux's own levers), replace
 * (orphan-recreate). Each verb is there for one step; RBAC cannot scope by namespace in a
 * ClusterRole, nor by field or annotation, so the reasons say what the code limits itself to.
 */
export const WATCH_CLUSTER_RULES: readonly RbacRule[] = [
  { apiGroups: ["kustomize.toolkit.fluxcd.io"], resources: ["kustomizations"], verbs: ["get", "list", "watch", "patch"], why: "notice stuck Kustomizations; patch only the reconcile.fluxcd.io/requestedAt annotation (flux reconcile's lever) to recover" },
  { apiGroups: ["helm.toolkit.fluxcd.io"], resources: ["helmreleases"], verbs: ["get", "list", "watch", "patch"], why: "notice stuck HelmReleases; patch only reconcile.fluxcd.io/requestedAt, resetAt and forceAt (flux reconcile --reset/--force) to recover" },
  { apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["get", "list", "watch", "patch"], why: "notice stuck Argo CD Applications; recovery (Argo CD 3.3 or later, when the policy allows it) requests a sync operation" },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"], verbs: ["get", "list", "watch", "create", "delete"], why: "replacement: delete the old workload with propagationPolicy Orphan (its pods keep serving), create it from the journal when its owner does not, remove orphaned ReplicaSets once the new one is healthy; no update or patch" },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete", "patch"], why: "replacement of a Job whose template changed (Job templates are immutable): delete and create it again; recovery puts Flux's force marker on a stuck Flux-owned Job (patch, annotations only)" },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "delete"], why: "health evidence, and removing the orphaned old pods after a replacement is healthy (pods are never created directly)" },
  { apiGroups: [""], resources: ["services"], verbs: ["get", "list", "watch", "patch"], why: "blue-green: a Service's selector is switched to the new pods once they are ready (restored on rollback); a Flux-managed one is frozen (kustomize.toolkit.fluxcd.io/reconcile: disabled) meanwhile, then thawed" },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch", "patch"], why: "blue-green: a PodDisruptionBudget that selects the pods through the changed labels is switched to the new pods with the Service, and restored on rollback" },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch", "patch"], why: "blue-green: a NetworkPolicy that selects the pods through the changed labels is switched with the Service, and restored on rollback" },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "list"], why: "Events on the watched objects, in their namespaces; list to know what was already announced" },
];

/** In the guard's own namespace only: the replacement journal. */
export const WATCH_JOURNAL_RULES: readonly RbacRule[] = [
  { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "create", "update", "delete"], why: "the replacement journal (one object per replacement, so a new leader resumes and never repeats a destructive step); create cannot be scoped by name. No Secrets: the journaled objects are workloads, and Secrets here hold the serving key (and with cert-manager the CA key)" },
];

/** In the guard's own namespace only: leader election. */
export const WATCH_LEASE_RULES: readonly RbacRule[] = [
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"], why: "the first replica creates the Lease (create cannot be scoped by resourceNames)" },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [WATCH_LEASE], verbs: ["get", "update"], why: "leader election on its own Lease only" },
];

function watchRbac(ns: string): InstallResource[] {
  const account = { name: WATCH_NAME, namespace: ns };
  return [
    { file: "watch-rbac.yaml", object: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(WATCH_NAME, ns) } },
    ...boundRole({
      file: "watch-rbac.yaml", name: WATCH_NAME, namespace: undefined, serviceAccount: account, rules: WATCH_CLUSTER_RULES,
      comment: "gitops-guard watch: notice, recover, replace. create on workloads cluster-wide is the widest grant of the install (a replacement recreates the object from the journal); with recovery.mode dry-run (the installed policy with --mode audit) or off, watch changes nothing but Events.",
    }),
    // The Lease's Role keeps its 0.1.0 name: renaming it would leave the leader without it for a moment during the upgrade.
    ...boundRole({ file: "watch-rbac.yaml", name: `${WATCH_NAME}-lease`, namespace: ns, serviceAccount: account, rules: WATCH_LEASE_RULES }),
    ...boundRole({ file: "watch-rbac.yaml", name: `${WATCH_NAME}-journal`, namespace: ns, serviceAccount: account, rules: WATCH_JOURNAL_RULES }),
  ];
}

function watchContainer(options: InstallOptions): JsonObject {
  return {
    name: "watch",
    image: options.image,
    args: [
      "watch",
      `--port=${WATCH_PORT}`,
      `--lease-name=${WATCH_LEASE}`,
      `--policy-file=${WATCH_POLICY_DIR}/policy.yaml`,
      "--records=-",
      // Escalations to Flux's notification-controller (its Alerts and Providers forward them).
      "--flux-events-url=http://notification-controller.flux-system.svc.cluster.local./",
    ],
    env: [
      { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ],
    ports: [{ name: "http-metrics", containerPort: WATCH_PORT }],
    readinessProbe: { httpGet: { path: "/readyz", port: "http-metrics" }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: "/healthz", port: "http-metrics" }, periodSeconds: 10, failureThreshold: 6 },
    // bench/README.md: 5,000 watched objects idle at tens of MiB of heap.
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [{ name: "policy", mountPath: WATCH_POLICY_DIR, readOnly: true }],
  };
}

/** watch: ServiceAccount, RBAC, Deployment (leader-elected), metrics Service, PDB. */
export function watchResources(options: InstallOptions): InstallResource[] {
  const ns = options.namespace;
  const replicas = Math.min(WATCH_REPLICAS, options.replicas);
  return [
    ...watchRbac(ns),
    {
      file: "watch.yaml",
      comment: `gitops-guard watch: ${replicas === 1 ? "one replica" : `${replicas} replicas`}, one leader (Lease ${WATCH_LEASE}); every replica serves /metrics and health.`,
      object: {
        apiVersion: "apps/v1", kind: "Deployment", metadata: meta(WATCH_NAME, ns),
        spec: {
          replicas,
          selector: { matchLabels: { ...SELECTOR } },
          template: {
            metadata: { labels: { ...SELECTOR } },
            spec: {
              serviceAccountName: WATCH_NAME,
              topologySpreadConstraints: spreadAcrossNodes(SELECTOR),
              securityContext: restrictedPodSecurity(),
              // On SIGTERM the leader releases its Lease (the standby takes over at once), then the
              // watches, the port, queued notifications (≤ 3 s) and the records close.
              terminationGracePeriodSeconds: 15,
              containers: [watchContainer(options)],
              volumes: [{ name: "policy", configMap: { name: POLICY_CONFIGMAP } }],
            },
          },
        },
      },
    },
    { file: "watch.yaml", object: { apiVersion: "v1", kind: "Service", metadata: meta(`${WATCH_NAME}-metrics`, ns, { labels: { ...SELECTOR } }), spec: { selector: { ...SELECTOR }, ports: [{ name: "http-metrics", port: WATCH_PORT, targetPort: "http-metrics" }] } } },
    { file: "watch.yaml", object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(WATCH_NAME, ns), spec: { maxUnavailable: 1, selector: { matchLabels: { ...SELECTOR } } } } },
  ];
}
