import type { JsonObject } from "../k8s/json.ts";

/** Where an object was read: enough for a person to find it in the file. */
export interface ManifestLocation {
  /** The file as named on the command line (joined below its folder), or `<stdin>`. */
  readonly source: string;
  /** 1-based position of the YAML document in the file; empty documents (`---` alone) count. */
  readonly document: number;
  /** 1-based position in the `items` of a List document; absent for plain documents. */
  readonly item?: number;
  /** 1-based line where the document (or List item) starts; absent when unknown (JSON input). */
  readonly line?: number;
}

/**
 * One Kubernetes object read from a manifest. The identity fields were validated at the edge;
 * `object` is the raw JSON exactly as written (every field kept, nothing defaulted).
 */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace as written; undefined when absent or empty. */
  readonly namespace: string | undefined;
  readonly object: JsonObject;
  readonly location: ManifestLocation;
}

/** "deploy.yaml document 3 (1-based, line 41)", "list.json document 1 item 2 (1-based)". */
export function formatLocation(location: ManifestLocation): string {
  const item = location.item === undefined ? "" : ` item ${location.item}`;
  const line = location.line === undefined ? "" : `, line ${location.line}`;
  return `${location.source} document ${location.document}${item} (1-based${line})`;
}
