import { isDeepStrictEqual } from "node:util";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { ResourceType } from "./resource-type.ts";

/** The metadata object of `obj`, created empty when missing (obj is changed in place). */
export function metadataOf(obj: JsonObject): JsonObject {
  const meta = isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
  obj["metadata"] = meta;
  return meta;
}

/** A metadata string field, "" when absent. */
export function metaString(obj: JsonObject, field: string): string {
  const meta = obj["metadata"];
  const value = isJsonObject(meta) ? meta[field] : undefined;
  return typeof value === "string" ? value : "";
}

/** RFC 3339 with whole seconds, as metav1.Time marshals ("2026-01-02T03:04:05Z"). */
export function kubeTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Metadata the server owns: a client cannot set or change these through create or update
// (rest.FillObjectMetaSystemFields and the update strategies' PrepareForUpdate).
const SERVER_OWNED = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const;

function withoutMetaAndStatus(obj: JsonObject, ignoreStatus: boolean): JsonObject {
  const rest: JsonObject = { ...obj };
  delete rest["metadata"];
  if (ignoreStatus) delete rest["status"];
  return rest;
}

/**
 * What a create stores before admission and validation: server-owned metadata replaced
 * (uid, creationTimestamp, generation 1 when tracked), resourceVersion cleared, status dropped
 * when the resource has a status subresource, then the resource's own PrepareForCreate.
 * `randomSuffix` provides generateName's 5-character suffix.
 */
export function prepareForCreate(resource: ResourceType, obj: JsonObject, facts: { now: Date; uid: string; randomSuffix: string }): JsonObject {
  const out = structuredClone(obj);
  const meta = metadataOf(out);
  for (const field of SERVER_OWNED) delete meta[field];
  delete meta["resourceVersion"];
  if (typeof meta["generateName"] === "string" && !meta["name"]) meta["name"] = `${meta["generateName"]}${facts.randomSuffix}`;
  meta["uid"] = facts.uid;
  meta["creationTimestamp"] = kubeTimestamp(facts.now);
  if (resource.tracksGeneration) meta["generation"] = 1;
  if (resource.statusSubresource) delete out["status"];
  resource.prepareForCreate(out, facts.now);
  return out;
}

/**
 * What an update stores, from the current object and the client's: server-owned metadata kept
 * from `current`; on the main endpoint of a resource with a status subresource `status` kept from
 * `current`; on /status everything but `status` kept from `current`. metadata.generation grows by
 * one when anything outside metadata and status changed (the spec-change rule of the apps, batch
 * and CRD strategies).
 */
export function prepareForUpdate(resource: ResourceType, current: JsonObject, next: JsonObject, subresource: string): JsonObject {
  let out: JsonObject;
  if (subresource === "status") {
    out = structuredClone(current);
    if (next["status"] === undefined) delete out["status"];
    else out["status"] = structuredClone(next["status"]);
  } else {
    out = structuredClone(next);
    if (resource.statusSubresource) {
      if (current["status"] === undefined) delete out["status"];
      else out["status"] = structuredClone(current["status"]);
    }
  }
  const meta = metadataOf(out);
  const currentMeta = metadataOf(structuredClone(current));
  for (const field of SERVER_OWNED) {
    if (currentMeta[field] === undefined) delete meta[field];
    else meta[field] = currentMeta[field];
  }
  const ignoreStatus = resource.statusSubresource || !resource.custom;
  if (resource.tracksGeneration && !isDeepStrictEqual(withoutMetaAndStatus(current, ignoreStatus), withoutMetaAndStatus(out, ignoreStatus))) {
    meta["generation"] = (typeof currentMeta["generation"] === "number" ? currentMeta["generation"] : 0) + 1;
  }
  return out;
}

/** True when the two objects differ only in metadata.resourceVersion: kube-apiserver then writes nothing. */
export function isNoOpUpdate(current: JsonObject, next: JsonObject): boolean {
  const strip = (obj: JsonObject): JsonObject => {
    const copy = structuredClone(obj);
    delete metadataOf(copy)["resourceVersion"];
    return copy;
  };
  return isDeepStrictEqual(strip(current), strip(next));
}

/**
 * Finalizers still holding a deleting object: metadata.finalizers, plus spec.finalizers for a
 * Namespace (the "kubernetes" finalizer the namespace controller removes).
 */
export function pendingFinalizers(obj: JsonObject): string[] {
  const meta = isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
  const list = Array.isArray(meta["finalizers"]) ? meta["finalizers"] : [];
  const spec = isJsonObject(obj["spec"]) ? obj["spec"] : {};
  const specList = obj["kind"] === "Namespace" && Array.isArray(spec["finalizers"]) ? spec["finalizers"] : [];
  return [...list, ...specList].filter((f): f is string => typeof f === "string");
}
