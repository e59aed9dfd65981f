import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { byCreation, objectField, stringField } from "./json-fields.ts";
import { equalIgnoreHash } from "./pod-template-hash.ts";

// deploymentutil annotation keys.
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";

/** An annotation of `obj` ("" when absent). */
export function annotation(obj: JsonObject, key: string): string {
  return stringField(objectField(objectField(obj, "metadata"), "annotations"), key);
}

/** `obj` with annotations set (a copy). */
export function withAnnotations(obj: JsonObject, values: Readonly<Record<string, string>>): JsonObject {
  const copy = structuredClone(obj);
  const metadata = objectField(copy, "metadata");
  copy["metadata"] = { ...metadata, annotations: { ...objectField(metadata, "annotations"), ...values } };
  return copy;
}

/** The revision annotation as a number (0 when absent or not a number). */
export function revisionOf(obj: JsonObject): number {
  const value = Number(annotation(obj, REVISION_ANNOTATION));
  return Number.isInteger(value) ? value : 0;
}

/**
 * deploymentutil.FindNewReplicaSet and FindOldReplicaSets: the new ReplicaSet is the oldest one
 * whose pod template equals the Deployment's ignoring pod-template-hash (watch-recovery.md §6.2);
 * every other one is old.
 */
export function splitReplicaSets(deployment: JsonObject, owned: readonly JsonObject[]): { newRS: JsonObject | undefined; oldRSs: JsonObject[] } {
  const template = objectField(objectField(deployment, "spec"), "template");
  const sorted = [...owned].sort(byCreation);
  const newRS = sorted.find((rs) => equalIgnoreHash(objectField(objectField(rs, "spec"), "template"), template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}
