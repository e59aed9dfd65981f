import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { loadDocuments } from "../load-yaml.ts";
import type { ClusterApi } from "./cluster-api.ts";
import { meta } from "./json-fields.ts";

/**
 * Creates every object of a fixture (path relative to test/fixtures) through the API, in file
 * order, creating missing namespaces first (as `kubectl create namespace` would); `edit` may
 * change each object before it is sent, or return undefined to skip it. Returns the created objects.
 */
export async function createFromFixture(api: ClusterApi, relativePath: string, edit: (obj: JsonObject) => JsonObject | undefined = (o) => o): Promise<JsonObject[]> {
  const created: JsonObject[] = [];
  for (const doc of loadDocuments(relativePath)) {
    if (!isJsonObject(doc)) continue;
    const obj = edit(doc);
    if (obj === undefined) continue;
    const namespace = meta(obj, "namespace");
    if (namespace !== "" && !api.get({ apiVersion: "v1", kind: "Namespace", namespace: "", name: namespace })) {
      await api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    }
    created.push(await api.create(obj));
  }
  return created;
}
