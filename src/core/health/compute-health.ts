import type { JsonObject } from "../k8s/json.ts";
import { at, condition, current, inProgress, num, str, type HealthResult } from "./kstatus-result.ts";
import { daemonSetStatus, deploymentStatus, replicaSetStatus, statefulSetStatus } from "./workload-status.ts";
import { crdStatus, jobStatus, podStatus, pvcStatus, serviceStatus } from "./other-status.ts";

type Rule = (obj: JsonObject, now: number) => HealthResult;

/** kstatus legacyTypes (core.go) by group/kind. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ["apps/Deployment", deploymentStatus],
  ["apps/StatefulSet", statefulSetStatus],
  ["apps/DaemonSet", daemonSetStatus],
  ["apps/ReplicaSet", replicaSetStatus],
  ["/Pod", podStatus],
  ["batch/Job", jobStatus],
  ["/PersistentVolumeClaim", pvcStatus],
  ["/Service", serviceStatus],
  ["policy/PodDisruptionBudget", () => current("AllowedDisruptions has been computed.")],
  ["/Secret", () => current("Resource is always ready")],
  ["/ConfigMap", () => current("Resource is always ready")],
  ["batch/CronJob", () => current("Resource is always ready")],
  ["apiextensions.k8s.io/CustomResourceDefinition", crdStatus],
]);

/** kstatus checkGenericProperties: deletion, unobserved generation, Reconciling and Stalled conditions. */
function generic(obj: JsonObject): HealthResult | undefined {
  if (at(obj, "metadata", "deletionTimestamp") !== undefined && at(obj, "metadata", "deletionTimestamp") !== null) {
    return { status: "Terminating", message: "Resource scheduled for deletion" };
  }
  const generation = num(obj, "metadata", "generation");
  const observed = num(obj, "status", "observedGeneration");
  if (observed !== undefined && generation !== undefined && observed !== generation) {
    return inProgress(`${str(obj, "kind") ?? "Resource"} generation is ${generation}, but latest observed generation is ${observed}`);
  }
  const reconciling = condition(obj, "Reconciling");
  if (reconciling?.status === "True") return inProgress(reconciling.message || reconciling.reason);
  const stalled = condition(obj, "Stalled");
  if (stalled?.status === "True") return { status: "Failed", message: stalled.message || stalled.reason };
  return undefined;
}

/**
 * kstatus Compute (sigs.k8s.io/cli-utils pkg/kstatus/status/status.go; watch-recovery.md §4.1):
 * generic properties, then the kind's own rule, then a Ready condition, else Current. The health
 * Flux waits for after an apply, and what the replacement engine waits for after a recreate.
 * Pure: `now` (ms) is only read by the Pod scheduling window.
 */
export function computeHealth(obj: JsonObject, now: number): HealthResult {
  const early = generic(obj);
  if (early !== undefined) return early;
  const apiVersion = str(obj, "apiVersion") ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const rule = RULES.get(`${group}/${str(obj, "kind") ?? ""}`);
  if (rule !== undefined) return rule(obj, now);
  const ready = condition(obj, "Ready");
  if (ready?.status === "True") return current(ready.message || "Resource is Ready");
  if (ready !== undefined) return inProgress(ready.message || "Resource not Ready");
  return current("Resource is current");
}
