import { isDeepStrictEqual } from "node:util";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, parseLabelSelector, selectorMatches } from "../../../src/core/impact/cascade/label-selector.ts";
import { refOf, tolerateRace, type ClusterApi } from "./cluster-api.ts";
import { specReplicas } from "./deployment-strategy.ts";
import { scaledValue } from "./int-or-percent.ts";
import { isDeleting, meta, numberField, objectField } from "./json-fields.ts";
import { DEPLOYMENT, PDB, POD, REPLICA_SET, STATEFUL_SET } from "./kinds.ts";
import { controllerRefOf } from "./owner-references.ts";
import { isPodReady } from "./pod-conditions.ts";
import { setCondition } from "./set-condition.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

/**
 * The scale of the controller a pod belongs to (disruption.go finders): a ReplicaSet's, or its
 * Deployment's when it has one; a StatefulSet's. Undefined for a pod without a controller or with
 * one the finders do not know (DaemonSet, Job): the real controller then reports an error.
 */
function controllerScale(api: ClusterApi, pod: JsonObject): { uid: string; replicas: number } | undefined {
  const ref = controllerRefOf(pod);
  if (!ref) return undefined;
  const namespace = meta(pod, "namespace");
  const name = String(ref["name"]);
  const find = (kind: typeof REPLICA_SET): JsonObject | undefined => {
    const found = api.get({ ...kind, namespace, name });
    return found && meta(found, "uid") === ref["uid"] ? found : undefined;
  };
  if (ref["kind"] === "StatefulSet") {
    const set = find(STATEFUL_SET);
    return set ? { uid: meta(set, "uid"), replicas: specReplicas(set) } : undefined;
  }
  if (ref["kind"] !== "ReplicaSet") return undefined;
  const rs = find(REPLICA_SET);
  if (!rs) return undefined;
  const owner = controllerRefOf(rs);
  const deployment = owner?.["kind"] === "Deployment" ? api.get({ ...DEPLOYMENT, namespace, name: String(owner["name"]) }) : undefined;
  if (deployment && meta(deployment, "uid") === owner?.["uid"]) return { uid: meta(deployment, "uid"), replicas: specReplicas(deployment) };
  return { uid: meta(rs, "uid"), replicas: specReplicas(rs) };
}

/** expectedPods from the controllers' scale (each counted once); undefined when a pod's controller is unknown. */
function expectedScale(api: ClusterApi, pods: readonly JsonObject[]): number | undefined {
  const scales = new Map<string, number>();
  for (const pod of pods) {
    const scale = controllerScale(api, pod);
    if (!scale) return undefined;
    scales.set(scale.uid, scale.replicas);
  }
  return [...scales.values()].reduce((a, b) => a + b, 0);
}

/** getExpectedPodCount: (expectedPods, desiredHealthy) for maxUnavailable, minAvailable as an integer or a percentage. */
function expectations(api: ClusterApi, pdb: JsonObject, pods: readonly JsonObject[]): { expected: number; desired: number } | undefined {
  const spec = objectField(pdb, "spec");
  if (spec["maxUnavailable"] !== undefined) {
    const expected = expectedScale(api, pods);
    return expected === undefined ? undefined : { expected, desired: Math.max(0, expected - scaledValue(spec["maxUnavailable"], expected, true, 0)) };
  }
  const minAvailable = spec["minAvailable"];
  if (typeof minAvailable === "number") return { expected: pods.length, desired: minAvailable };
  const expected = expectedScale(api, pods);
  return expected === undefined ? undefined : { expected, desired: scaledValue(minAvailable, expected, true, 0) };
}

async function syncPdb(ctx: ControllerContext, pdb: JsonObject): Promise<void> {
  // policy/v1: an empty selector selects every pod of the namespace, a null one none.
  const selector = parseLabelSelector(objectField(pdb, "spec")["selector"]);
  const pods = ctx.api.list(POD, meta(pdb, "namespace")).filter((p) => selectorMatches(selector, labelsOf(objectField(p, "metadata")["labels"])));
  const healthy = pods.filter((p) => isPodReady(p) && !isDeleting(p)).length;
  const counts = expectations(ctx.api, pdb, pods) ?? { expected: 0, desired: 0 };
  const allowed = Math.max(0, healthy - counts.desired);
  const previous = objectField(pdb, "status");
  const status: JsonObject = {
    ...previous,
    observedGeneration: numberField(objectField(pdb, "metadata"), "generation", 1),
    disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: counts.desired, expectedPods: counts.expected,
  };
  status["conditions"] = setCondition(status, allowed > 0
    ? { type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "" }
    : { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "" }, { now: ctx.api.now() });
  if (isDeepStrictEqual(status, previous)) return;
  await tolerateRace(ctx.api.update(refOf(PDB, pdb), (c) => ({ ...c, status }), "status"), (e) => ctx.report(e));
}

/**
 * The disruption controller (pkg/controller/disruption): each PodDisruptionBudget's status from
 * the pods its selector picks: currentHealthy (Ready, not terminating), desiredHealthy and
 * expectedPods (minAvailable as an integer counts the selected pods; maxUnavailable and
 * percentages use the scale of the pods' Deployments, ReplicaSets and StatefulSets),
 * disruptionsAllowed, the DisruptionAllowed condition (SufficientPods / InsufficientPods).
 * Status only: nothing evicts here, so a budget never blocks anything.
 */
export function createDisruptionController(): SimController {
  return {
    name: "disruption-controller",
    async sync(ctx) {
      for (const pdb of ctx.api.list(PDB)) await syncPdb(ctx, pdb);
    },
  };
}
