import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import { at, condition, str } from "./kstatus-result.ts";

/** Most findings one object's pods contribute to an Event (kept under Kubernetes' 1 KiB message). */
export const MAX_EVIDENCE = 5;

/** Waiting reasons that explain a health check that never passes (kubelet container states). */
const WAITING = new Set(["ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError", "InvalidImageName", "RunContainerError"]);

function containerFindings(pod: string, statuses: unknown): string[] {
  if (!Array.isArray(statuses)) return [];
  const out: string[] = [];
  for (const s of statuses.filter(isJsonObject)) {
    const name = typeof s["name"] === "string" ? s["name"] : "?";
    const waiting = str(s, "state", "waiting", "reason");
    if (waiting !== undefined && WAITING.has(waiting)) out.push(`pod ${pod} container ${name}: ${waiting}`);
    if (str(s, "lastState", "terminated", "reason") === "OOMKilled") out.push(`pod ${pod} container ${name}: OOMKilled (last restart)`);
  }
  return out;
}

/**
 * What the pods behind a failing health check show — the evidence for the recommendation:
 * ImagePullBackOff, CrashLoopBackOff, OOMKilled, unschedulable (with the scheduler's words).
 * Pure: the pods come in as JSON.
 */
export function podEvidence(pods: readonly JsonObject[]): string[] {
  const out: string[] = [];
  for (const pod of pods) {
    const name = str(pod, "metadata", "name") ?? "?";
    const scheduled = condition(pod, "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") out.push(`pod ${name}: Unschedulable: ${scheduled.message.slice(0, 200)}`);
    out.push(...containerFindings(name, at(pod, "status", "initContainerStatuses")), ...containerFindings(name, at(pod, "status", "containerStatuses")));
    if (out.length >= MAX_EVIDENCE) break;
  }
  return [...new Set(out)].slice(0, MAX_EVIDENCE);
}

/** `app=api,tier=web` from a label selector's matchLabels (matchExpressions are not needed to find a workload's pods in practice; undefined without matchLabels). */
export function matchLabelsSelector(workload: JsonObject): string | undefined {
  const labels = at(workload, "spec", "selector", "matchLabels");
  if (!isJsonObject(labels)) return undefined;
  const pairs = Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string");
  return pairs.length === 0 ? undefined : pairs.map(([k, v]) => `${k}=${v}`).join(",");
}
