import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createdMs, meta, objectField, objectsField, stringField } from "./json-fields.ts";
import { isPodReady, podCondition, podPhase } from "./pod-conditions.ts";

// controller_utils.go podPhaseToOrdinal: Pending < Unknown < Running (others rank with Pending).
const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

function nodeOf(pod: JsonObject): string {
  return stringField(objectField(pod, "spec"), "nodeName");
}

function deletionCost(pod: JsonObject): number {
  const value = Number(stringField(objectField(objectField(pod, "metadata"), "annotations"), DELETION_COST_ANNOTATION));
  return Number.isFinite(value) ? value : 0;
}

function maxRestarts(pod: JsonObject): number {
  return Math.max(0, ...objectsField(objectField(pod, "status"), "containerStatuses").map((c) => (typeof c["restartCount"] === "number" ? c["restartCount"] : 0)));
}

function readySinceMs(pod: JsonObject): number {
  return Date.parse(stringField(podCondition(pod, "Ready"), "lastTransitionTime")) || 0;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The `count` pods a ReplicaSet deletes first when it scales down (controller_utils.go
 * ActivePodsWithRanks.Less): unscheduled before scheduled; Pending < Unknown < Running; not ready
 * before ready; lower pod-deletion-cost first; more related pods on the same node first; ready
 * for a shorter time first; more container restarts first; newer before older; then by name.
 * `related` are the pods of the owner's other ReplicaSets too (their node counts rank "doubled
 * up" pods). The LogarithmicScaleDown bucketing of ready and creation times is not modelled:
 * times compare exactly.
 */
export function podsToDelete(pods: readonly JsonObject[], related: readonly JsonObject[], count: number): JsonObject[] {
  const onNode = new Map<string, number>();
  for (const pod of related) onNode.set(nodeOf(pod), (onNode.get(nodeOf(pod)) ?? 0) + 1);
  const key = (pod: JsonObject): number[] => [
    nodeOf(pod) === "" ? 0 : 1,
    PHASE_ORDINAL[podPhase(pod)] ?? 0,
    isPodReady(pod) ? 1 : 0,
    deletionCost(pod),
    -(nodeOf(pod) === "" ? 0 : onNode.get(nodeOf(pod)) ?? 0),
    isPodReady(pod) ? -readySinceMs(pod) : 0,
    -maxRestarts(pod),
    -createdMs(pod),
  ];
  return [...pods].sort((a, b) => compareKeys(key(a), key(b)) || meta(a, "name").localeCompare(meta(b, "name"))).slice(0, Math.max(0, count));
}
