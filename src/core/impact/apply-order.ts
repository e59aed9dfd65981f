import { getAt } from "../k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import { describeObject } from "../k8s/kube-object.ts";
import type { ResourceImpact } from "./impact-report.ts";

/** One step of applying the change. */
export interface OrderStep {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** `apply` (create or update in place), `replace` (delete, then create), `delete` (prune). */
  readonly action: "apply" | "replace" | "delete";
}

/**
 * Helm's install order (helm/helm pkg/release/util/kind_sorter.go, InstallOrder): what must exist
 * before what uses it. Kinds not listed (custom resources) come after, Flux objects by dependsOn.
 */
const INSTALL_ORDER = [
  "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
  "ServiceAccount", "Secret", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
  "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "DaemonSet", "Pod",
  "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
  "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
];
const RANK: ReadonlyMap<string, number> = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

const FLUX_KINDS: ReadonlySet<string> = new Set(["Kustomization", "HelmRelease"]);

/** How long a dependsOn chain below an object is, among the changed objects (a cycle counts as 0). */
function depths(resources: readonly ResourceImpact[], objects: ReadonlyMap<string, JsonObject>): Map<string, number> {
  const key = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
  const deps = new Map<string, string[]>();
  for (const r of resources) {
    if (!FLUX_KINDS.has(r.kind)) continue;
    const list = getAt(objects.get(key(r.kind, r.namespace, r.name)), ["spec", "dependsOn"]);
    deps.set(
      key(r.kind, r.namespace, r.name),
      (Array.isArray(list) ? list : []).flatMap((d) => (isJsonObject(d) && typeof d["name"] === "string" ? [key(r.kind, typeof d["namespace"] === "string" ? d["namespace"] : r.namespace, d["name"])] : [])),
    );
  }
  const memo = new Map<string, number>();
  const depth = (k: string, seen: Set<string>): number => {
    const known = memo.get(k);
    if (known !== undefined) return known;
    if (seen.has(k)) return 0;
    seen.add(k);
    const d = Math.max(0, ...(deps.get(k) ?? []).filter((x) => deps.has(x)).map((x) => depth(x, seen) + 1));
    seen.delete(k);
    memo.set(k, d);
    return d;
  };
  for (const k of deps.keys()) depth(k, new Set());
  return memo;
}

function isReplaced(r: ResourceImpact): boolean {
  return r.findings.some((f) => f.severity === "blocking" && (f.strategy === "recreate" || f.strategy === "orphan-recreate" || f.strategy === "blue-green" || f.strategy === "migrate"));
}

/**
 * The order to apply the change in: creations and updates by kind (Helm's install order: what is
 * used before what uses it; Flux objects after their dependencies), replaced objects deleted and
 * created at their place, removed objects last (pruned), users before what they use.
 * `objects` gives each changed object's after (or before) body by `kind/namespace/name`.
 */
export function applyOrder(resources: readonly ResourceImpact[], objects: ReadonlyMap<string, JsonObject>): OrderStep[] {
  const depth = depths(resources, objects);
  const unknown = INSTALL_ORDER.length;
  const rank = (r: ResourceImpact): number => RANK.get(r.kind) ?? unknown;
  const indexed = resources.map((r, i) => ({ r, i, d: depth.get(`${r.kind}/${r.namespace}/${r.name}`) ?? 0 }));
  const applied = indexed.filter((x) => x.r.change !== "removed").sort((a, b) => rank(a.r) - rank(b.r) || a.d - b.d || a.i - b.i);
  const removed = indexed.filter((x) => x.r.change === "removed").sort((a, b) => rank(b.r) - rank(a.r) || a.i - b.i);
  return [
    ...applied.map(({ r }) => ({ kind: r.kind, namespace: r.namespace, name: r.name, action: isReplaced(r) ? ("replace" as const) : ("apply" as const) })),
    ...removed.map(({ r }) => ({ kind: r.kind, namespace: r.namespace, name: r.name, action: "delete" as const })),
  ];
}

/** "replace Deployment shop/storefront" */
export function describeStep(step: OrderStep): string {
  return `${step.action} ${describeObject(step.kind, step.namespace, step.name)}`;
}
