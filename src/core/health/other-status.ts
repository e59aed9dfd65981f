import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import { at, condition, current, failed, inProgress, num, str, type HealthResult } from "./kstatus-result.ts";

/** kstatus podConditions: 15 s before an unschedulable pod counts as Failed (ScheduleWindow). */
export const POD_SCHEDULE_WINDOW_MS = 15_000;

function crashLooping(obj: JsonObject): string | undefined {
  const statuses = at(obj, "status", "containerStatuses");
  if (!Array.isArray(statuses)) return undefined;
  for (const s of statuses.filter(isJsonObject)) {
    if (str(s, "state", "waiting", "reason") === "CrashLoopBackOff") return typeof s["name"] === "string" ? s["name"] : "?";
  }
  return undefined;
}

/** kstatus podConditions (the time comes in: the core reads no clock). */
export function podStatus(obj: JsonObject, now: number): HealthResult {
  const phase = str(obj, "status", "phase");
  if (phase === "Succeeded") return current("Pod has completed successfully");
  if (phase === "Failed") return current("Pod has completed, but not successfully");
  if (phase === "Running") {
    if (condition(obj, "Ready")?.status === "True") return current("Pod is Ready");
    const looping = crashLooping(obj);
    if (looping !== undefined) return failed(`Pod container ${looping} is in CrashLoopBackOff`);
    return inProgress("Pod is running but is not Ready");
  }
  const scheduled = condition(obj, "PodScheduled");
  if (phase === "Pending" && scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const since = Date.parse(scheduled.lastTransitionTime);
    if (!Number.isNaN(since) && now - since > POD_SCHEDULE_WINDOW_MS) return failed("Pod could not be scheduled");
    return inProgress("Pod has not been scheduled");
  }
  return inProgress("Pod is in the Pending phase");
}

/** kstatus jobConditions (the Flux fork has no Suspended case). */
export function jobStatus(obj: JsonObject): HealthResult {
  if (condition(obj, "Complete")?.status === "True") return current("Job Completed");
  if (condition(obj, "Failed")?.status === "True") return failed(`Job Failed. failed: ${num(obj, "status", "failed") ?? 0}/${num(obj, "spec", "completions") ?? 1}`);
  if (at(obj, "status", "startTime") === undefined) return inProgress("Job not started");
  return current(`Job in progress. success:${num(obj, "status", "succeeded") ?? 0}, active: ${num(obj, "status", "active") ?? 0}, failed: ${num(obj, "status", "failed") ?? 0}`);
}

export function pvcStatus(obj: JsonObject): HealthResult {
  const phase = str(obj, "status", "phase");
  return phase === "Bound" ? current("PVC is Bound") : inProgress(`PVC is not Bound. phase: ${phase ?? ""}`);
}

/** kstatus serviceConditions: only a LoadBalancer without a clusterIP is in progress (ingress is not checked). */
export function serviceStatus(obj: JsonObject): HealthResult {
  if (str(obj, "spec", "type") === "LoadBalancer" && !str(obj, "spec", "clusterIP")) return inProgress("ClusterIP not set. Service type: LoadBalancer");
  return current("Service is ready");
}

export function crdStatus(obj: JsonObject): HealthResult {
  const names = condition(obj, "NamesAccepted");
  if (names?.status === "False") return failed(names.message || "Names not accepted");
  const established = condition(obj, "Established");
  if (established?.status === "False" && established.reason !== "Installing") return failed(established.message || "CRD not established");
  if (established?.status === "True") return current("CRD is established");
  return inProgress("Install in progress");
}
