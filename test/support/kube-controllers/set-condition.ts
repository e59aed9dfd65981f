import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import { objectsField } from "./json-fields.ts";

/** A condition as a controller wants it. */
export interface WantedCondition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
}

/** How setCondition stamps the condition. */
export interface ConditionStamp {
  readonly now: Date;
  /** Deployment conditions carry lastUpdateTime too. Default false. */
  readonly withUpdateTime?: boolean;
  /**
   * Rewrite even when status and reason are unchanged (the Deployment's Progressing condition
   * moves lastUpdateTime on every bit of progress: syncRolloutStatus). Default false.
   */
  readonly touch?: boolean;
}

/**
 * The conditions of `status` with `wanted` set, as the controllers' SetCondition helpers do
 * (deploymentutil.SetDeploymentCondition): unchanged when status and reason are the same (the
 * message is not compared); lastTransitionTime kept when only the reason changes; the condition
 * moves to the end of the list (filterOutCondition then append).
 */
export function setCondition(status: JsonObject, wanted: WantedCondition, stamp: ConditionStamp): JsonObject[] {
  const current = objectsField(status, "conditions");
  const existing = current.find((c) => c["type"] === wanted.type);
  if (!stamp.touch && existing && existing["status"] === wanted.status && existing["reason"] === wanted.reason) return current;
  const time = kubeTimestamp(stamp.now);
  const keepTransition = existing !== undefined && existing["status"] === wanted.status && typeof existing["lastTransitionTime"] === "string";
  const next: JsonObject = {
    type: wanted.type, status: wanted.status,
    ...(stamp.withUpdateTime ? { lastUpdateTime: time } : {}),
    lastTransitionTime: keepTransition ? String(existing["lastTransitionTime"]) : time,
    reason: wanted.reason, message: wanted.message,
  };
  return [...current.filter((c) => c["type"] !== wanted.type), next];
}

/** The conditions of `status` without `type`. */
export function removeCondition(status: JsonObject, type: string): JsonObject[] {
  return objectsField(status, "conditions").filter((c) => c["type"] !== type);
}
