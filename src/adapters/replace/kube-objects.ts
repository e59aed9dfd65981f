import { AppError } from "../../errors.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { groupOf, metaString } from "../../core/k8s/kube-object.ts";
import { BUILTIN_KINDS } from "../../core/replace/kind-traits.ts";
import type { ReplaceRef } from "../../core/replace/replace-ref.ts";
import { createApiDiscovery, discoveryPath } from "../kube/api-discovery.ts";
import { statusMessage, type KubeHttp } from "../kube/kube-http.ts";

/** Objects by reference over the raw JSON client: what the engine reads and writes. */
export interface KubeObjects {
  get(ref: ReplaceRef): Promise<JsonObject | undefined>;
  list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<JsonObject[]>;
  create(ref: ReplaceRef, body: JsonObject): Promise<"created" | "exists">;
  /** DELETE with a uid precondition; "gone" when there was nothing (or only another uid) to delete. */
  delete(ref: ReplaceRef, options: { readonly propagation: "Orphan" | "Foreground" | "Background"; readonly uid: string }): Promise<"deleted" | "gone">;
  mergePatch(ref: ReplaceRef, patch: JsonObject): Promise<void>;
}

const encode = encodeURIComponent;

/**
 * The collection path of a kind: the built-in table first, then API discovery (one GET of
 * /apis/{group}/{version}, remembered) for custom resources.
 */
export function createKubeObjects(http: KubeHttp): KubeObjects {
  const discovery = createApiDiscovery(http);

  async function resourceOf(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean }> {
    const builtin = BUILTIN_KINDS.get(kind);
    if (builtin !== undefined && groupOf(builtin.apiVersion) === groupOf(apiVersion)) return builtin;
    const served = await discovery.resource(apiVersion, kind);
    if (served === undefined) throw new AppError("ERR_KUBE_UNAVAILABLE", `the API server serves no ${kind} in ${apiVersion}`);
    return served;
  }

  async function collection(apiVersion: string, kind: string, namespace: string): Promise<string> {
    const { plural, namespaced } = await resourceOf(apiVersion, kind);
    return namespaced && namespace !== "" ? `${discoveryPath(apiVersion)}/namespaces/${encode(namespace)}/${plural}` : `${discoveryPath(apiVersion)}/${plural}`;
  }

  const objectPath = async (ref: ReplaceRef): Promise<string> => `${await collection(ref.apiVersion, ref.kind, ref.namespace)}/${encode(ref.name)}`;

  const fail = (what: string, r: { status: number; body: unknown }): never => {
    throw new AppError("ERR_KUBE_UNAVAILABLE", `${what}: ${statusMessage(r)}`);
  };

  return {
    async get(ref) {
      const r = await http.request("GET", await objectPath(ref));
      if (r.status === 404) return undefined;
      if (r.status !== 200 || !isJsonObject(r.body)) return fail(`get ${ref.kind} ${ref.namespace}/${ref.name}`, r);
      return r.body;
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const query = labelSelector === undefined ? "" : `?labelSelector=${encode(labelSelector)}`;
      const r = await http.request("GET", `${await collection(apiVersion, kind, namespace)}${query}`);
      // 404 on a collection: the kind is not served (no PDBs or NetworkPolicies on this cluster).
      if (r.status === 404) return [];
      if (r.status !== 200 || !isJsonObject(r.body)) return fail(`list ${kind} in ${namespace || "the cluster"}`, r);
      const items = Array.isArray(r.body["items"]) ? r.body["items"].filter(isJsonObject) : [];
      // Lists carry no kind/apiVersion per item: put them back so every object names itself.
      return items.map((o) => ({ ...o, apiVersion, kind }));
    },
    async create(ref, body) {
      const r = await http.request("POST", await collection(ref.apiVersion, ref.kind, ref.namespace), { body });
      if (r.status === 409) return "exists";
      if (r.status !== 201 && r.status !== 200) return fail(`create ${ref.kind} ${ref.namespace}/${ref.name}`, r);
      return "created";
    },
    async delete(ref, options) {
      const body = { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: options.propagation, preconditions: { uid: options.uid } };
      const r = await http.request("DELETE", await objectPath(ref), { body });
      // 404: already gone; 409: the uid precondition failed, i.e. this object is gone and another has its name.
      if (r.status === 404 || r.status === 409) return "gone";
      if (r.status !== 200 && r.status !== 202) return fail(`delete ${ref.kind} ${ref.namespace}/${ref.name}`, r);
      return "deleted";
    },
    async mergePatch(ref, patch) {
      const r = await http.request("PATCH", await objectPath(ref), { body: patch, contentType: "application/merge-patch+json" });
      if (r.status !== 200) fail(`patch ${ref.kind} ${ref.namespace}/${ref.name}`, r);
    },
  };
}

/** `a=b,c=d` for a label selector query. */
export function selectorQuery(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}

/** The uid of an object, or "". */
export function uidOf(obj: JsonObject | undefined): string {
  return obj === undefined ? "" : metaString(obj, "uid") ?? "";
}
