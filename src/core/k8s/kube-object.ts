import { z } from "zod";
import { stringMapOf, type JsonObject } from "./json.ts";

/**
 * The part of any Kubernetes object gitops-guard reads by name. Everything else is kept as raw
 * JSON (`loose`), because patches must be computed against the object exactly as it arrived
 * (controller-runtime's PatchResponseFromRaw; kubebuilder#510).
 */
export const objectMetaSchema = z
  .object({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
    deletionTimestamp: z.string().nullish(),
  })
  .loose();

export const kubeObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: objectMetaSchema.optional(),
  })
  .loose();

export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "" (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The version part of an apiVersion: "apps/v1" → "v1". */
export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** Identity used to pair objects: group, kind, namespace, name (the version is not part of it). */
export interface ObjectIdentity {
  /** API group; "" for the core group. */
  readonly group: string;
  readonly kind: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export function identityKey(id: ObjectIdentity): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

/**
 * "Deployment web/api", "ClusterRole admin": how messages name an object. A Namespace is
 * cluster-scoped, but kube-apiserver sets request.namespace to its own name on UPDATE and DELETE
 * (apiserver endpoints/request/requestinfo.go, the /namespaces/{namespace} URL form): shown once.
 */
export function describeObject(kind: string, namespace: string | undefined, name: string | undefined): string {
  const shown = name === undefined || name === "" ? "<unnamed>" : name;
  if (kind === "Namespace" && namespace === name) return `${kind} ${shown}`;
  return namespace ? `${kind} ${namespace}/${shown}` : `${kind} ${shown}`;
}

function metaOf(obj: JsonObject): JsonObject | undefined {
  const meta = obj["metadata"];
  return typeof meta === "object" && meta !== null && !Array.isArray(meta) ? meta : undefined;
}

/** A string field of a raw object's metadata (name, uid, resourceVersion…), or undefined. */
export function metaString(obj: JsonObject | undefined, field: string): string | undefined {
  const value = obj ? metaOf(obj)?.[field] : undefined;
  return typeof value === "string" ? value : undefined;
}

function metaMapOf(obj: JsonObject | undefined, field: "labels" | "annotations"): JsonObject | undefined {
  const map = obj ? metaOf(obj)?.[field] : undefined;
  return typeof map === "object" && map !== null && !Array.isArray(map) ? map : undefined;
}

/** labels/annotations of a raw object (non-string values are ignored). A copy: see metaValue for one key. */
export function metaMap(obj: JsonObject | undefined, field: "labels" | "annotations"): Map<string, string> {
  return stringMapOf(metaMapOf(obj, field));
}

/**
 * One label or annotation of a raw object, or undefined (absent or not a string). No copy: the
 * webhook looks up a few keys per request on objects whose annotations can hold 256 KiB.
 */
export function metaValue(obj: JsonObject | undefined, field: "labels" | "annotations", key: string): string | undefined {
  const map = metaMapOf(obj, field);
  const value = map && Object.hasOwn(map, key) ? map[key] : undefined;
  return typeof value === "string" ? value : undefined;
}
