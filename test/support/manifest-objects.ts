import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import type { ManifestObject } from "../../src/core/impact/manifest-object.ts";
import { loadDocuments } from "./load-yaml.ts";

function text(obj: JsonObject | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Objects as check's core receives them, for core tests (the adapter's validation is tested on its own). */
export function toManifestObjects(docs: readonly JsonValue[], source = "test.yaml"): ManifestObject[] {
  return docs.map((doc, i) => {
    if (!isJsonObject(doc)) throw new Error(`${source} document ${i + 1}: not an object`);
    const meta = isJsonObject(doc["metadata"]) ? doc["metadata"] : undefined;
    const apiVersion = text(doc, "apiVersion");
    const kind = text(doc, "kind");
    const name = text(meta, "name");
    if (!apiVersion || !kind || !name) throw new Error(`${source} document ${i + 1}: apiVersion, kind and metadata.name needed`);
    return { apiVersion, kind, name, namespace: text(meta, "namespace"), object: doc, location: { source, document: i + 1 } };
  });
}

/** Every document of a fixture (path relative to test/fixtures) as ManifestObjects. */
export function loadManifestObjects(relativePath: string): ManifestObject[] {
  return toManifestObjects(loadDocuments(relativePath), relativePath);
}
