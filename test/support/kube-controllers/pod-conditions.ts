import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { isDeleting, objectField, objectsField, stringField } from "./json-fields.ts";

/** The pod's condition of `type` (Ready, ContainersReady, PodScheduled, Initialized), if any. */
export function podCondition(pod: JsonObject, type: string): JsonObject | undefined {
  return objectsField(objectField(pod, "status"), "conditions").find((c) => c["type"] === type);
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: JsonObject): boolean {
  return podCondition(pod, "Ready")?.["status"] === "True";
}

/**
 * podutil.IsPodAvailable: ready, and ready for at least minReadySeconds (measured from the Ready
 * condition's lastTransitionTime) at `nowMs`.
 */
export function isPodAvailable(pod: JsonObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(stringField(podCondition(pod, "Ready"), "lastTransitionTime"));
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** status.phase ("" when unset). */
export function podPhase(pod: JsonObject): string {
  return stringField(objectField(pod, "status"), "phase");
}

/** controller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: JsonObject): boolean {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !isDeleting(pod);
}

/**
 * Ready and not terminating: what an EndpointSlice marks `ready: true`, i.e. a pod the Service
 * sends new traffic to.
 */
export function isPodServing(pod: JsonObject): boolean {
  return isPodReady(pod) && !isDeleting(pod);
}
