import { z } from "zod";
import { AppError } from "../../errors.ts";
import { statusMessage, type KubeHttp, type KubeResponse } from "./kube-http.ts";

/** One resource the API server serves (an entry of an APIResourceList, subresources left out). */
export interface ServedResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The URL segment: `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

/** metav1.APIResourceList, only the fields read; bounded so a hostile server cannot make us hold much. */
const apiResourceListSchema = z.looseObject({
  resources: z
    .array(z.looseObject({ name: z.string().max(253), kind: z.string().max(253), namespaced: z.boolean() }))
    .max(10_000),
});

/** Resolves apiVersion + kind to the served resource, reading each group/version's discovery document once. */
export interface ApiDiscovery {
  /** The resource, or undefined when the server does not serve this kind in this apiVersion. */
  resource(apiVersion: string, kind: string): Promise<ServedResource | undefined>;
  /** What is known without a request: true/false after resource() read the group/version, else undefined. */
  served(apiVersion: string, kind: string): boolean | undefined;
}

/** `/api/v1` or `/apis/apps/v1`. */
export function discoveryPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The collection path of a resource, in a namespace or cluster-wide. */
export function collectionPath(resource: ServedResource, namespace: string | undefined): string {
  const base = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  return resource.namespaced && namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}` : `${base}/${resource.plural}`;
}

/**
 * An API error as an AppError naming what failed: 401 (credentials), 403 (RBAC, with the
 * server's own sentence: which verb on which resource in which namespace), anything else.
 */
export function kubeRequestError(what: string, response: KubeResponse): AppError {
  if (response.status === 401) return new AppError("ERR_KUBE_UNAVAILABLE", `${what}: the API server refused the credentials of the kubeconfig (401 Unauthorized)`);
  if (response.status === 403) return new AppError("ERR_KUBE_FORBIDDEN", `${what}: forbidden by RBAC (${statusMessage(response)}); grant the check's identity this verb, or leave the object out`);
  return new AppError("ERR_KUBE_UNAVAILABLE", `${what}: ${statusMessage(response)}`);
}

export function createApiDiscovery(http: KubeHttp): ApiDiscovery {
  const documents = new Map<string, Promise<ReadonlyMap<string, ServedResource> | undefined>>();
  const known = new Map<string, ReadonlyMap<string, ServedResource> | undefined>();
  const read = async (apiVersion: string): Promise<ReadonlyMap<string, ServedResource> | undefined> => {
    const path = discoveryPath(apiVersion);
    const response = await http.request("GET", path);
    // 404: the group/version is not served (a removed API, a CRD not installed).
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw kubeRequestError(`GET ${path} (discovery)`, response);
    const parsed = apiResourceListSchema.safeParse(response.body);
    if (!parsed.success) throw new AppError("ERR_KUBE_UNAVAILABLE", `GET ${path} (discovery): not an APIResourceList`);
    const [group, version] = apiVersion.includes("/") ? [apiVersion.slice(0, apiVersion.indexOf("/")), apiVersion.slice(apiVersion.indexOf("/") + 1)] : ["", apiVersion];
    const byKind = new Map<string, ServedResource>();
    for (const r of parsed.data.resources) {
      if (r.name.includes("/") || byKind.has(r.kind)) continue;
      byKind.set(r.kind, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    }
    return byKind;
  };
  return {
    async resource(apiVersion, kind) {
      let document = documents.get(apiVersion);
      if (!document) {
        // A failed read (API server unavailable) is forgotten, so a long-lived caller (watch's
        // replacements) asks again next time instead of failing for ever.
        document = read(apiVersion).catch((error: unknown) => {
          documents.delete(apiVersion);
          throw error;
        });
        documents.set(apiVersion, document);
      }
      const byKind = await document;
      known.set(apiVersion, byKind);
      return byKind?.get(kind);
    },
    served(apiVersion, kind) {
      if (!known.has(apiVersion)) return undefined;
      return known.get(apiVersion)?.has(kind) ?? false;
    },
  };
}
