import type { JsonObject } from "../k8s/json.ts";
import { condition, current, failed, inProgress, num, str, type HealthResult } from "./kstatus-result.ts";

/** Replica counts of a Deployment (absent = 0; spec.replicas defaults to 1). */
function deploymentCounts(obj: JsonObject): { spec: number; replicas: number; updated: number; available: number; ready: number } {
  return {
    spec: num(obj, "spec", "replicas") ?? 1,
    replicas: num(obj, "status", "replicas") ?? 0,
    updated: num(obj, "status", "updatedReplicas") ?? 0,
    available: num(obj, "status", "availableReplicas") ?? 0,
    ready: num(obj, "status", "readyReplicas") ?? 0,
  };
}

/** kstatus deploymentConditions (cli-utils pkg/kstatus/status/core.go): first failing check wins. */
export function deploymentStatus(obj: JsonObject): HealthResult {
  const progressing = condition(obj, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return failed("Progress deadline exceeded");
  const { spec, replicas, updated, available, ready } = deploymentCounts(obj);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress(`Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  if (updated > available) return inProgress(`Available: ${available}/${updated}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (num(obj, "spec", "progressDeadlineSeconds") !== undefined && !(progressing?.status === "True" && progressing.reason === "NewReplicaSetAvailable")) {
    return inProgress("ReplicaSet not Available");
  }
  if (condition(obj, "Available")?.status !== "True") return inProgress("Deployment not Available");
  return current(`Deployment is available. Replicas: ${replicas}`);
}

/** kstatus stsConditions. */
export function statefulSetStatus(obj: JsonObject): HealthResult {
  if (str(obj, "spec", "updateStrategy", "type") === "OnDelete") return current("StatefulSet is using the OnDelete strategy");
  const spec = num(obj, "spec", "replicas") ?? 1;
  const replicas = num(obj, "status", "replicas") ?? 0;
  const ready = num(obj, "status", "readyReplicas") ?? 0;
  const currentReplicas = num(obj, "status", "currentReplicas") ?? 0;
  const updated = num(obj, "status", "updatedReplicas") ?? 0;
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  const partition = num(obj, "spec", "updateStrategy", "rollingUpdate", "partition");
  if (partition !== undefined) {
    if (updated < spec - partition) return inProgress(`updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (currentReplicas < spec) return inProgress(`current: ${currentReplicas}/${spec}`);
  if (str(obj, "status", "currentRevision") !== str(obj, "status", "updateRevision")) return inProgress("Waiting for updated revision to match current");
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

/** kstatus daemonsetConditions. */
export function daemonSetStatus(obj: JsonObject): HealthResult {
  if (num(obj, "metadata", "generation") === undefined || num(obj, "status", "observedGeneration") === undefined) return inProgress("missing generation or observedGeneration");
  const desired = num(obj, "status", "desiredNumberScheduled");
  if (desired === undefined) return inProgress("Missing .status.desiredNumberScheduled");
  const checks: [string, number][] = [
    ["Current", num(obj, "status", "currentNumberScheduled") ?? 0],
    ["Updated", num(obj, "status", "updatedNumberScheduled") ?? 0],
    ["Available", num(obj, "status", "numberAvailable") ?? 0],
    ["Ready", num(obj, "status", "numberReady") ?? 0],
  ];
  for (const [what, n] of checks) if (n < desired) return inProgress(`${what}: ${n}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

/** kstatus replicasetConditions. */
export function replicaSetStatus(obj: JsonObject): HealthResult {
  if (condition(obj, "ReplicaFailure")?.status === "True") return inProgress("Replica Failure condition. Check Pods");
  const spec = num(obj, "spec", "replicas") ?? 1;
  for (const [what, key] of [["Labelled", "fullyLabeledReplicas"], ["Available", "availableReplicas"], ["Ready", "readyReplicas"]] as const) {
    const n = num(obj, "status", key) ?? 0;
    if (n < spec) return inProgress(`${what}: ${n}/${spec}`);
  }
  const replicas = num(obj, "status", "replicas") ?? 0;
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}
