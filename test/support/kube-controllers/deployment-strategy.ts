import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { scaledValue } from "./int-or-percent.ts";
import { byCreation, numberField, objectField, stringField } from "./json-fields.ts";

// apps/v1 defaults (pkg/apis/apps/v1/defaults.go): RollingUpdate with maxSurge and maxUnavailable
// 25 %, replicas 1, progressDeadlineSeconds 600, revisionHistoryLimit 10. The simulated API server
// does not default, so the controller reads absent fields as these.
export const DEFAULT_MAX_SURGE = "25%";
export const DEFAULT_MAX_UNAVAILABLE = "25%";
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** spec.replicas (default 1). */
export function specReplicas(obj: JsonObject): number {
  return numberField(objectField(obj, "spec"), "replicas", 1);
}

/** status.<field> (default 0). */
export function statusCount(obj: JsonObject, field: string): number {
  return numberField(objectField(obj, "status"), field, 0);
}

/** True unless spec.strategy.type is "Recreate". */
export function isRollingUpdate(deployment: JsonObject): boolean {
  return stringField(objectField(objectField(deployment, "spec"), "strategy"), "type") !== "Recreate";
}

function rollingParams(deployment: JsonObject): JsonObject {
  return objectField(objectField(objectField(deployment, "spec"), "strategy"), "rollingUpdate");
}

/** deploymentutil.ResolveFenceposts: surge rounded up, unavailable down; both 0 → unavailable 1. */
export function resolveFenceposts(deployment: JsonObject): { readonly surge: number; readonly unavailable: number } {
  const replicas = specReplicas(deployment);
  const params = rollingParams(deployment);
  const surge = scaledValue(params["maxSurge"], replicas, true, DEFAULT_MAX_SURGE);
  const unavailable = scaledValue(params["maxUnavailable"], replicas, false, DEFAULT_MAX_UNAVAILABLE);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** deploymentutil.MaxUnavailable: 0 for Recreate or 0 replicas; never above replicas. */
export function maxUnavailable(deployment: JsonObject): number {
  const replicas = specReplicas(deployment);
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(deployment).unavailable, replicas);
}

/** deploymentutil.MaxSurge: 0 for Recreate. */
export function maxSurge(deployment: JsonObject): number {
  return isRollingUpdate(deployment) ? resolveFenceposts(deployment).surge : 0;
}

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export function specTotal(replicaSets: readonly JsonObject[]): number {
  return replicaSets.reduce((sum, rs) => sum + specReplicas(rs), 0);
}

/** Sum of a status counter over the ReplicaSets (GetActual/Ready/AvailableReplicaCountForReplicaSets). */
export function statusTotal(replicaSets: readonly JsonObject[], field: string): number {
  return replicaSets.reduce((sum, rs) => sum + statusCount(rs, field), 0);
}

/**
 * deploymentutil.NewRSNewReplicas: Recreate → replicas; RollingUpdate → scale the new ReplicaSet
 * up while all ReplicaSets together stay within replicas + maxSurge (maxSurge rounded up, not
 * fenceposted), never beyond replicas.
 */
export function newReplicaSetReplicas(deployment: JsonObject, all: readonly JsonObject[], newRS: JsonObject): number {
  const replicas = specReplicas(deployment);
  if (!isRollingUpdate(deployment)) return replicas;
  const surge = scaledValue(rollingParams(deployment)["maxSurge"], replicas, true, DEFAULT_MAX_SURGE);
  const current = specTotal(all);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, replicas - specReplicas(newRS));
}

/** One ReplicaSet scaled to a new spec.replicas. */
export interface ScaleTo {
  readonly rs: JsonObject;
  readonly replicas: number;
}

/**
 * rolling.go reconcileOldReplicaSets: how far the old ReplicaSets may go down now. First
 * cleanupUnhealthyReplicas (old pods that are not available go first, within maxScaledDown =
 * all − minAvailable − unavailable pods of the new ReplicaSet), then
 * scaleDownOldReplicaSetsForRollingUpdate (available pods above replicas − maxUnavailable),
 * oldest ReplicaSet first.
 */
export function oldReplicaSetScaleDowns(deployment: JsonObject, oldRSs: readonly JsonObject[], newRS: JsonObject): ScaleTo[] {
  if (specTotal(oldRSs) === 0) return [];
  const minAvailable = specReplicas(deployment) - maxUnavailable(deployment);
  const newUnavailable = specReplicas(newRS) - statusCount(newRS, "availableReplicas");
  const maxScaledDown = specTotal([...oldRSs, newRS]) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const replicasOf = new Map(oldRSs.map((rs) => [rs, specReplicas(rs)]));
  let cleaned = 0;
  const sorted = [...oldRSs].sort(byCreation);
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const spec = replicasOf.get(rs)!;
    const unhealthy = spec - statusCount(rs, "availableReplicas");
    if (spec === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    replicasOf.set(rs, spec - down);
    cleaned += down;
  }
  const available = statusTotal([...oldRSs, newRS], "availableReplicas");
  let budget = Math.max(0, available - minAvailable);
  for (const rs of sorted) {
    if (budget <= 0) break;
    const spec = replicasOf.get(rs)!;
    if (spec === 0) continue;
    const down = Math.min(spec, budget);
    replicasOf.set(rs, spec - down);
    budget -= down;
  }
  return sorted.filter((rs) => replicasOf.get(rs) !== specReplicas(rs)).map((rs) => ({ rs, replicas: replicasOf.get(rs)! }));
}
