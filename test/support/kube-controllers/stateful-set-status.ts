import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Revisions } from "./controller-revisions.ts";
import { isDeleting, meta, numberField, objectField, stringField } from "./json-fields.ts";
import { omitZero } from "./omit-zero.ts";
import { isPodAvailable, isPodReady, podPhase } from "./pod-conditions.ts";
import { podRevision } from "./stateful-set-identity.ts";

/** stateful_set_utils.go isRunningAndReady (and not terminating). */
export function isRunningAndReady(pod: JsonObject): boolean {
  return podPhase(pod) === "Running" && isPodReady(pod) && !isDeleting(pod);
}

/** updateStatefulSetStatus: counts over the claimed pods; a finished rollout makes the update revision current. */
export function statefulSetStatus(set: JsonObject, revisions: Revisions, pods: readonly JsonObject[], now: Date): JsonObject {
  const minReady = numberField(objectField(set, "spec"), "minReadySeconds", 0);
  const created = pods.filter((p) => !isDeleting(p));
  const current = meta(revisions.current, "name");
  const update = meta(revisions.update, "name");
  const status: JsonObject = {
    observedGeneration: numberField(objectField(set, "metadata"), "generation", 1),
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter((p) => isRunningAndReady(p) && isPodAvailable(p, minReady, now.getTime())).length,
    currentReplicas: created.filter((p) => podRevision(p) === current).length,
    updatedReplicas: created.filter((p) => podRevision(p) === update).length,
    currentRevision: current,
    updateRevision: update,
    collisionCount: numberField(objectField(set, "status"), "collisionCount", 0),
  };
  const rolling = stringField(objectField(objectField(set, "spec"), "updateStrategy"), "type") !== "OnDelete";
  if (rolling && status["updatedReplicas"] === status["replicas"] && status["readyReplicas"] === status["replicas"]) {
    status["currentReplicas"] = status["updatedReplicas"]!;
    status["currentRevision"] = update;
  }
  return omitZero(status, ["readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"]);
}

