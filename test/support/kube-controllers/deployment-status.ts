import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { meta, numberField, objectField, objectsField, stringField } from "./json-fields.ts";
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, maxUnavailable, specReplicas, specTotal, statusCount, statusTotal } from "./deployment-strategy.ts";
import { omitZero } from "./omit-zero.ts";
import { removeCondition, setCondition, type ConditionStamp } from "./set-condition.ts";

const COUNTERS = ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"];

/**
 * sync.go calculateStatus: counters from the ReplicaSets' statuses, observedGeneration, and the
 * Available condition (MinimumReplicasAvailable when available ≥ replicas − maxUnavailable, else
 * MinimumReplicasUnavailable).
 */
export function calculateStatus(deployment: JsonObject, all: readonly JsonObject[], newRS: JsonObject | undefined, now: Date): JsonObject {
  const available = statusTotal(all, "availableReplicas");
  const previous = objectField(deployment, "status");
  const status: JsonObject = {
    observedGeneration: numberField(objectField(deployment, "metadata"), "generation", 1),
    replicas: statusTotal(all, "replicas"),
    updatedReplicas: newRS ? statusCount(newRS, "replicas") : 0,
    readyReplicas: statusTotal(all, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal(all) - available),
    conditions: objectsField(previous, "conditions"),
  };
  if (typeof previous["collisionCount"] === "number") status["collisionCount"] = previous["collisionCount"];
  const stamp: ConditionStamp = { now, withUpdateTime: true };
  status["conditions"] = available >= specReplicas(deployment) - maxUnavailable(deployment)
    ? setCondition(status, { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." }, stamp)
    : setCondition(status, { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." }, stamp);
  return status;
}

/** spec.progressDeadlineSeconds (default 600); undefined when it is MaxInt32 (no deadline). */
function progressDeadlineSeconds(deployment: JsonObject): number | undefined {
  const value = numberField(objectField(deployment, "spec"), "progressDeadlineSeconds", DEFAULT_PROGRESS_DEADLINE_SECONDS);
  return value === 2147483647 ? undefined : value;
}

/** deploymentutil.DeploymentComplete. */
export function isDeploymentComplete(deployment: JsonObject, status: JsonObject): boolean {
  const replicas = specReplicas(deployment);
  return numberField(status, "updatedReplicas", 0) === replicas && numberField(status, "replicas", 0) === replicas
    && numberField(status, "availableReplicas", 0) === replicas
    && numberField(status, "observedGeneration", 0) >= numberField(objectField(deployment, "metadata"), "generation", 1);
}

function isProgressing(old: JsonObject, next: JsonObject): boolean {
  const n = (s: JsonObject, f: string): number => numberField(s, f, 0);
  return n(next, "updatedReplicas") > n(old, "updatedReplicas")
    || n(next, "replicas") - n(next, "updatedReplicas") < n(old, "replicas") - n(old, "updatedReplicas")
    || n(next, "readyReplicas") > n(old, "readyReplicas") || n(next, "availableReplicas") > n(old, "availableReplicas");
}

function isTimedOut(deadlineSeconds: number, status: JsonObject, nowMs: number): boolean {
  const condition = objectsField(status, "conditions").find((c) => c["type"] === "Progressing");
  if (!condition || condition["reason"] === "NewReplicaSetAvailable") return false;
  if (condition["reason"] === "ProgressDeadlineExceeded") return true;
  return Date.parse(stringField(condition, "lastUpdateTime")) + deadlineSeconds * 1000 < nowMs;
}

/**
 * progress.go syncRolloutStatus: calculateStatus, then the Progressing condition
 * (NewReplicaSetAvailable when complete, ReplicaSetUpdated on progress with lastUpdateTime moved,
 * ProgressDeadlineExceeded once lastUpdateTime is older than progressDeadlineSeconds) unless the
 * rollout already completed, and ReplicaFailure copied from a ReplicaSet that has it.
 * Returns the status to write.
 */
export function rolloutStatus(deployment: JsonObject, all: readonly JsonObject[], newRS: JsonObject | undefined, now: Date): JsonObject {
  const status = calculateStatus(deployment, all, newRS, now);
  const deadline = progressDeadlineSeconds(deployment);
  const old = objectField(deployment, "status");
  const current = objectsField(old, "conditions").find((c) => c["type"] === "Progressing");
  const stamp: ConditionStamp = { now, withUpdateTime: true };
  const rsName = newRS ? `ReplicaSet "${meta(newRS, "name")}"` : `Deployment "${meta(deployment, "name")}"`;
  if (deadline === undefined) status["conditions"] = removeCondition(status, "Progressing");
  const complete = status["replicas"] === status["updatedReplicas"] && current?.["reason"] === "NewReplicaSetAvailable";
  if (deadline !== undefined && !complete) {
    if (isDeploymentComplete(deployment, status)) {
      status["conditions"] = setCondition(status, { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `${rsName} has successfully progressed.` }, stamp);
    } else if (isProgressing(old, status)) {
      status["conditions"] = setCondition(status, { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `${rsName} is progressing.` }, { ...stamp, touch: true });
    } else if (isTimedOut(deadline, status, now.getTime())) {
      status["conditions"] = setCondition(status, { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: `${rsName} has timed out progressing.` }, stamp);
    }
  }
  const failure = all.flatMap((rs) => objectsField(objectField(rs, "status"), "conditions")).find((c) => c["type"] === "ReplicaFailure" && c["status"] === "True");
  status["conditions"] = failure
    ? setCondition(status, { type: "ReplicaFailure", status: "True", reason: stringField(failure, "reason"), message: stringField(failure, "message") }, stamp)
    : removeCondition(status, "ReplicaFailure");
  return omitZero(status, COUNTERS);
}

/** calculateStatus alone (syncDeploymentStatus: scaling events and deployments being deleted). */
export function plainStatus(deployment: JsonObject, all: readonly JsonObject[], newRS: JsonObject | undefined, now: Date): JsonObject {
  return omitZero(calculateStatus(deployment, all, newRS, now), COUNTERS);
}
