import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { annotation, MAX_REPLICAS_ANNOTATION } from "./deployment-revision.ts";
import { maxSurge, specReplicas, specTotal, statusCount, type ScaleTo } from "./deployment-strategy.ts";
import { createdMs, meta, numberField, objectField } from "./json-fields.ts";

/** deploymentutil.IsSaturated: the new ReplicaSet has all replicas, desired as such, all available. */
function isSaturated(deployment: JsonObject, newRS: JsonObject | undefined): boolean {
  const replicas = specReplicas(deployment);
  return newRS !== undefined && specReplicas(newRS) === replicas && annotation(newRS, "deployment.kubernetes.io/desired-replicas") === String(replicas)
    && statusCount(newRS, "availableReplicas") === replicas;
}

/** getReplicaSetFraction: the ReplicaSet's share of the change, from the max-replicas annotation written at its last scale. */
function fraction(rs: JsonObject, deployment: JsonObject): number {
  const replicas = specReplicas(deployment);
  if (replicas === 0) return -specReplicas(rs);
  const maxNow = replicas + maxSurge(deployment);
  let maxBefore = Number(annotation(rs, MAX_REPLICAS_ANNOTATION));
  if (!Number.isInteger(maxBefore) || maxBefore === 0) {
    maxBefore = numberField(objectField(deployment, "status"), "replicas", 0);
    if (maxBefore === 0) return 0;
  }
  // integer.RoundToInt32: half away from zero.
  const size = (specReplicas(rs) * maxNow) / maxBefore;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/**
 * sync.go scale, for a replicas change: one active ReplicaSet (or none: the new, else the newest)
 * takes the whole count; a saturated new ReplicaSet sends the old ones to 0; otherwise, during a
 * rolling update, the difference to replicas + maxSurge is spread proportionally (GetProportion),
 * larger ReplicaSets first (newer first when scaling up, older first when scaling down), leftovers
 * to the first. Returns every ReplicaSet to write, unchanged sizes included: scaling also brings the
 * desired-replicas and max-replicas annotations up to date, which ends the scaling event.
 */
export function scaleForReplicasChange(deployment: JsonObject, newRS: JsonObject | undefined, oldRSs: readonly JsonObject[], rolling: boolean): ScaleTo[] {
  const replicas = specReplicas(deployment);
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  const active = all.filter((rs) => specReplicas(rs) > 0);
  const newest = [...oldRSs].sort((a, b) => createdMs(b) - createdMs(a))[0];
  const only = active.length === 1 ? active[0] : active.length === 0 ? newRS ?? newest : undefined;
  if (only) return [{ rs: only, replicas }];
  if (isSaturated(deployment, newRS)) return oldRSs.filter((rs) => specReplicas(rs) > 0).map((rs) => ({ rs, replicas: 0 }));
  const unchanged = active.map((rs) => ({ rs, replicas: specReplicas(rs) }));
  if (!rolling) return unchanged;
  const allowed = replicas > 0 ? replicas + maxSurge(deployment) : 0;
  const toAdd = allowed - specTotal(active);
  if (toAdd === 0) return unchanged;
  const newer = (a: JsonObject, b: JsonObject): number => createdMs(b) - createdMs(a) || meta(b, "name").localeCompare(meta(a, "name"));
  const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? newer(a, b) : -newer(a, b)));
  let added = 0;
  const sizes = sorted.map((rs) => {
    if (toAdd === added) return specReplicas(rs);
    const share = toAdd > 0 ? Math.min(fraction(rs, deployment), toAdd - added) : Math.max(fraction(rs, deployment), toAdd - added);
    added += share;
    return specReplicas(rs) + share;
  });
  sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return sorted.map((rs, i) => ({ rs, replicas: sizes[i]! }));
}
