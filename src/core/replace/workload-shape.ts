import { isJsonObject, type JsonObject, type JsonValue } from "../k8s/json.ts";
import { getAt } from "../k8s/field-path.ts";
import { stringMapOf } from "../k8s/json.ts";
import type { LabelMap } from "./condition.ts";

function labelMap(value: JsonValue | undefined): LabelMap {
  return Object.fromEntries(stringMapOf(value));
}

/** `spec.selector.matchLabels` of a workload. */
export function workloadSelector(obj: JsonObject): LabelMap {
  return labelMap(getAt(obj, ["spec", "selector", "matchLabels"]));
}

/** `spec.template.metadata.labels`: the labels every pod of the workload carries. */
export function templateLabels(obj: JsonObject): LabelMap {
  return labelMap(getAt(obj, ["spec", "template", "metadata", "labels"]));
}

export function sameLabels(a: LabelMap, b: LabelMap): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/** True when every pair of `selector` is in `labels` (an empty selector matches nothing here: it would select every pod). */
export function labelsMatch(selector: LabelMap, labels: LabelMap): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}

/** `spec.replicas`, defaulted to 1 as the API server does. */
export function replicasOf(obj: JsonObject): number {
  const r = getAt(obj, ["spec", "replicas"]);
  return typeof r === "number" && r >= 0 ? r : 1;
}

/** A Deployment's default maxUnavailable: 25 % (apps/v1 defaults.go SetDefaults_Deployment). */
export const DEFAULT_MAX_UNAVAILABLE = "25%";

/**
 * maxUnavailable as a pod count: an int, or a percentage rounded down (intstr
 * GetScaledValueFromIntOrPercent with roundUp false, as the Deployment controller resolves it).
 */
export function maxUnavailableOf(obj: JsonObject, replicas: number): number {
  const kind = obj["kind"];
  const path = kind === "Deployment" ? ["spec", "strategy", "rollingUpdate", "maxUnavailable"] : ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"];
  const raw = getAt(obj, path) ?? (kind === "Deployment" ? DEFAULT_MAX_UNAVAILABLE : 1);
  if (typeof raw === "number") return Math.max(0, Math.floor(raw));
  const m = typeof raw === "string" ? /^(\d+)%$/.exec(raw) : null;
  return m ? Math.floor((Number(m[1]) * replicas) / 100) : 1;
}

/**
 * Ready pods the Service must keep at every moment: replicas − maxUnavailable, at least 1 when
 * there are replicas at all (a Service selecting no ready pod is an outage whatever the budget).
 */
export function minReadyOf(obj: JsonObject): number {
  const replicas = obj["kind"] === "DaemonSet" ? daemonSetSize(obj) : replicasOf(obj);
  if (replicas === 0) return 0;
  return Math.max(1, replicas - maxUnavailableOf(obj, replicas));
}

/** A DaemonSet runs one pod per eligible node: its status says how many. */
function daemonSetSize(obj: JsonObject): number {
  const n = getAt(obj, ["status", "desiredNumberScheduled"]);
  return typeof n === "number" ? n : 1;
}

/** Names of the claim templates of a StatefulSet with their specs, as canonical JSON (a change rolls the pods). */
export function claimTemplates(obj: JsonObject): string {
  const list = getAt(obj, ["spec", "volumeClaimTemplates"]);
  if (!Array.isArray(list)) return "[]";
  return JSON.stringify(list.filter(isJsonObject).map((t) => [getAt(t, ["metadata", "name"]) ?? "", getAt(t, ["spec"]) ?? null]));
}
