import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import type { ObjectRef } from "../../core/assess/object-ref.ts";
import { matchLabelsSelector, MAX_EVIDENCE, podEvidence } from "../../core/health/pod-evidence.ts";
import type { KubeHttp } from "./kube-http.ts";

/** Workload kinds whose pods are looked at, and where they are served. */
const WORKLOADS: ReadonlyMap<string, string> = new Map([
  ["Deployment", "/apis/apps/v1/namespaces/%s/deployments/%n"],
  ["StatefulSet", "/apis/apps/v1/namespaces/%s/statefulsets/%n"],
  ["DaemonSet", "/apis/apps/v1/namespaces/%s/daemonsets/%n"],
  ["ReplicaSet", "/apis/apps/v1/namespaces/%s/replicasets/%n"],
  ["Job", "/apis/batch/v1/namespaces/%s/jobs/%n"],
]);

/** Pods read per workload (enough to see a pattern; a big Deployment's pods fail alike). */
const POD_LIMIT = 20;
/** Per request: evidence is a courtesy and must not hold an announcement up for long. */
const TIMEOUT_MS = 3_000;

async function getJson(http: KubeHttp, path: string): Promise<JsonObject | undefined> {
  const r = await http.request("GET", path, { timeoutMs: TIMEOUT_MS });
  return r.status === 200 && isJsonObject(r.body) ? r.body : undefined;
}

/**
 * The evidence behind a failing health check: for each named workload (with a namespace), its
 * pods' waiting reasons, OOM kills and scheduling failures. Errors yield no evidence, never a throw.
 */
export async function collectEvidence(http: KubeHttp, objects: readonly ObjectRef[]): Promise<string[]> {
  const out: string[] = [];
  for (const ref of objects.slice(0, 3)) {
    const template = WORKLOADS.get(ref.kind);
    if (template === undefined || ref.namespace === null) continue;
    try {
      const ns = encodeURIComponent(ref.namespace);
      const workload = await getJson(http, template.replace("%s", ns).replace("%n", encodeURIComponent(ref.name)));
      const selector = workload === undefined ? undefined : matchLabelsSelector(workload);
      if (selector === undefined) continue;
      const list = await getJson(http, `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}&limit=${POD_LIMIT}`);
      const items = Array.isArray(list?.["items"]) ? list["items"].filter(isJsonObject) : [];
      out.push(...podEvidence(items));
    } catch {
      // No evidence for this one.
    }
    if (out.length >= MAX_EVIDENCE) break;
  }
  return out.slice(0, MAX_EVIDENCE);
}
