import { AppError } from "../../errors.ts";
import type { JsonObject } from "../../core/k8s/json.ts";
import { groupOf, metaString } from "../../core/k8s/kube-object.ts";
import { BUILTIN_GROUPS } from "../../core/impact/cluster-scoped-kinds.ts";
import type { ManifestObject } from "../../core/impact/manifest-object.ts";
import { DEFAULT_NAMESPACE } from "../../core/impact/pair-objects.ts";
import { removedApiOf, removedApiTable } from "../../core/kube/removed-apis.ts";
import { createApiDiscovery, type ApiDiscovery, type ServedResource } from "./api-discovery.ts";
import type { KubeHttp } from "./kube-http.ts";
import { runBounded } from "./run-bounded.ts";
import { listCollection, MAX_LIVE_OBJECTS, type ListBudget, type ListTarget } from "./list-live-objects.ts";

/**
 * The kinds the cascade follows besides the changed objects themselves (cascade/*.ts): listed in
 * every namespace the manifests write to, so a Service, PodDisruptionBudget or NetworkPolicy
 * created outside Git is seen too. Secrets are left out on purpose: CI identities rarely may list
 * them, and their values are no business of a check (a Secret in the manifests is still listed).
 */
export const CONTEXT_KINDS: readonly (readonly [apiVersion: string, kind: string])[] = [
  ["v1", "Service"],
  ["v1", "ConfigMap"],
  ["v1", "ServiceAccount"],
  ["v1", "PersistentVolumeClaim"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "DaemonSet"],
  ["batch/v1", "Job"],
  ["batch/v1", "CronJob"],
  ["policy/v1", "PodDisruptionBudget"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["networking.k8s.io/v1", "NetworkPolicy"],
  ["networking.k8s.io/v1", "Ingress"],
  ["rbac.authorization.k8s.io/v1", "RoleBinding"],
  ["monitoring.coreos.com/v1", "ServiceMonitor"],
  ["monitoring.coreos.com/v1", "PodMonitor"],
  ["gateway.networking.k8s.io/v1", "HTTPRoute"],
];

/** Cluster-scoped context: StorageClasses are the facts PVC expansion is judged by. */
const CLUSTER_CONTEXT_KINDS: readonly (readonly [string, string])[] = [["storage.k8s.io/v1", "StorageClass"]];

/** LISTs in flight at once: a handful, as kubectl and client-go informers start them (no storm on the API server). */
export const LIST_CONCURRENCY = 4;

/** Where the live objects are said to come from, in reports (`sources.before`). */
export const LIVE_SOURCE = "<live>";

export interface LiveState {
  /** The live objects read (desired kinds and context kinds), as manifest objects of the before side. */
  readonly objects: readonly ManifestObject[];
  readonly lists: number;
  readonly notListed: readonly string[];
  /** What the server serves, for removed-API findings (true/false once discovery answered). */
  readonly discovery: ApiDiscovery;
}

function targetKey(target: ListTarget): string {
  return `${target.resource.group}/${target.resource.version}/${target.resource.plural}/${target.namespace ?? ""}`;
}

/** The resource a desired object is read as: its own apiVersion, else (a removed API) the successor's. */
async function resourceFor(discovery: ApiDiscovery, table: ReturnType<typeof removedApiTable>, apiVersion: string, kind: string): Promise<ServedResource | undefined> {
  const own = await discovery.resource(apiVersion, kind);
  if (own) return own;
  const successor = removedApiOf(table, apiVersion, kind)?.replacement;
  return successor ? discovery.resource(successor, kind) : undefined;
}

function toManifestObject(object: JsonObject, index: number): ManifestObject | undefined {
  const name = metaString(object, "name");
  const apiVersion = object["apiVersion"];
  const kind = object["kind"];
  if (!name || typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  return { apiVersion, kind, name, namespace: metaString(object, "namespace") || undefined, object, location: { source: LIVE_SOURCE, document: index + 1 } };
}

/**
 * Reads what the desired manifests will meet in the cluster: one paged LIST per kind and
 * namespace they write to (never one GET per object), plus the context kinds (CONTEXT_KINDS) in
 * those namespaces, StorageClasses, and CustomResourceDefinitions when custom resources are
 * among the manifests. A desired kind that cannot be listed (RBAC, server error) is an error; a
 * context kind the server does not serve or RBAC forbids is noted and skipped.
 */
export async function readLiveState(http: KubeHttp, desired: readonly ManifestObject[]): Promise<LiveState> {
  const discovery = createApiDiscovery(http);
  const table = removedApiTable();
  const required = new Map<string, ListTarget>();
  const namespaces = new Set<string>();
  let custom = false;
  for (const object of desired) {
    const group = groupOf(object.apiVersion);
    if (!BUILTIN_GROUPS.has(group) || object.kind === "CustomResourceDefinition") custom = true;
    const resource = await resourceFor(discovery, table, object.apiVersion, object.kind);
    // Not served at all: nothing live to pair with; the removed-API finding says why.
    if (!resource) continue;
    const namespace = resource.namespaced ? (object.namespace ?? DEFAULT_NAMESPACE) : undefined;
    if (namespace !== undefined) namespaces.add(namespace);
    const target = { resource, namespace };
    required.set(targetKey(target), target);
  }
  const notListed: string[] = [];
  const optional = new Map<string, ListTarget>();
  const contextKinds = [...CLUSTER_CONTEXT_KINDS, ...(custom ? [["apiextensions.k8s.io/v1", "CustomResourceDefinition"] as const] : [])];
  for (const [apiVersion, kind] of [...CONTEXT_KINDS, ...contextKinds]) {
    const resource = await discovery.resource(apiVersion, kind);
    if (!resource) {
      notListed.push(`${kind} (${apiVersion}): not served by this API server`);
      continue;
    }
    for (const namespace of resource.namespaced ? [...namespaces].sort() : [undefined]) {
      const target = { resource, namespace };
      if (!required.has(targetKey(target))) optional.set(targetKey(target), target);
    }
  }
  const budget: ListBudget = { remaining: MAX_LIVE_OBJECTS };
  const listed = await runBounded([...required.values()], LIST_CONCURRENCY, (t) => listCollection(http, t, budget));
  const context = await runBounded([...optional.values()], LIST_CONCURRENCY, async (t) => {
    try {
      return await listCollection(http, t, budget);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "ERR_KUBE_FORBIDDEN") throw error;
      notListed.push(`${t.resource.kind} in ${t.namespace === undefined ? "the cluster" : `namespace ${t.namespace}`}: forbidden by RBAC (the cascade does not see them)`);
      return { objects: [], requests: 1 };
    }
  });
  const all = [...listed, ...context];
  const objects = all.flatMap((l) => l.objects).flatMap((o, i) => toManifestObject(o, i) ?? []);
  return { objects, lists: all.reduce((n, l) => n + l.requests, 0), notListed, discovery };
}
