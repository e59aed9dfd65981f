import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { isDeleting, meta, numberField, objectField, objectsField } from "./json-fields.ts";
import { POD, REPLICA_SET } from "./kinds.ts";
import { omitZero } from "./omit-zero.ts";
import { controllerRefOf } from "./owner-references.ts";
import { isPodActive, isPodAvailable, isPodReady } from "./pod-conditions.ts";
import { podFromTemplate } from "./pod-from-template.ts";
import { podsToDelete } from "./pods-to-delete.ts";
import { removeCondition, setCondition } from "./set-condition.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

// replica_set.go BurstReplicas: at most 500 creations or deletions per sync.
const BURST_REPLICAS = 500;
const COMPONENT = "replicaset-controller";

/** Creates or deletes pods to reach spec.replicas; the error that stopped it, if any. */
async function manageReplicas(ctx: ControllerContext, rs: JsonObject, pods: readonly JsonObject[], related: readonly JsonObject[]): Promise<string | undefined> {
  const diff = pods.length - numberField(objectField(rs, "spec"), "replicas", 1);
  const template = objectField(objectField(rs, "spec"), "template");
  for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
    try {
      const pod = await ctx.api.create(podFromTemplate(template, rs, { generateName: `${meta(rs, "name")}-` }));
      await ctx.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${meta(pod, "name")}`);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      // slowStartBatch stops at the first failure; the error becomes the ReplicaFailure condition.
      ctx.report(error);
      const message = error.message;
      await ctx.event(rs, "Warning", "FailedCreate", `Error creating: ${message}`);
      return message;
    }
  }
  for (const pod of podsToDelete(pods, related, Math.min(diff, BURST_REPLICAS))) {
    await tolerateRace(ctx.api.delete(refOf(POD, pod), { uid: meta(pod, "uid") }), (e) => ctx.report(e));
    await ctx.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${meta(pod, "name")}`);
  }
  return undefined;
}

/** replica_set_utils.go calculateStatus, plus observedGeneration (updateReplicaSetStatus). */
function calculateStatus(rs: JsonObject, pods: readonly JsonObject[], failure: string | undefined, now: Date): JsonObject {
  const spec = objectField(rs, "spec");
  const status = structuredClone(objectField(rs, "status"));
  const templateLabels = labelsOf(objectField(objectField(spec, "template"), "metadata")["labels"]);
  const minReadySeconds = numberField(spec, "minReadySeconds", 0);
  const hasFailure = objectsField(status, "conditions").some((c) => c["type"] === "ReplicaFailure");
  if (failure !== undefined && !hasFailure) {
    const reason = pods.length < numberField(spec, "replicas", 1) ? "FailedCreate" : "FailedDelete";
    status["conditions"] = setCondition(status, { type: "ReplicaFailure", status: "True", reason, message: failure }, { now });
  } else if (failure === undefined && hasFailure) {
    status["conditions"] = removeCondition(status, "ReplicaFailure");
  }
  if (Array.isArray(status["conditions"]) && status["conditions"].length === 0) delete status["conditions"];
  const fullyLabeled = pods.filter((p) => [...templateLabels].every(([k, v]) => labelsOf(objectField(p, "metadata")["labels"]).get(k) === v));
  return omitZero({
    ...status,
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReadySeconds, now.getTime())).length,
    observedGeneration: numberField(objectField(rs, "metadata"), "generation", 1),
  }, ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]);
}

/** Pods of every ReplicaSet with the same controller as `rs` (for the "doubled up" rank). */
function relatedPods(ctx: ControllerContext, rs: JsonObject, pods: readonly JsonObject[]): JsonObject[] {
  const owner = controllerRefOf(rs)?.["uid"];
  if (owner === undefined) return pods.filter((p) => controllerRefOf(p)?.["uid"] === meta(rs, "uid"));
  const siblings = new Set(ctx.api.list(REPLICA_SET, meta(rs, "namespace")).filter((r) => controllerRefOf(r)?.["uid"] === owner).map((r) => meta(r, "uid")));
  return pods.filter((p) => siblings.has(String(controllerRefOf(p)?.["uid"])));
}

async function syncReplicaSet(ctx: ControllerContext, rs: JsonObject): Promise<void> {
  const namespace = meta(rs, "namespace");
  const selector = parseLabelSelector(objectField(rs, "spec")["selector"]);
  if (selector.type === "none") return;
  const active = ctx.api.list(POD, namespace).filter(isPodActive);
  const pods = await claimObjects(ctx, POD, rs, planClaims(rs, selector, active));
  // A ReplicaSet being deleted keeps its pods as they are; the garbage collector handles them.
  const failure = isDeleting(rs) ? undefined : await manageReplicas(ctx, rs, pods, relatedPods(ctx, rs, active));
  const status = calculateStatus(rs, pods, failure, ctx.api.now());
  await tolerateRace(ctx.api.update(refOf(REPLICA_SET, rs), (current) => ({ ...current, status }), "status"), (e) => ctx.report(e)); // no-op when unchanged
}

/**
 * The ReplicaSet controller (pkg/controller/replicaset): claims the active pods its selector
 * matches (adopting orphans, releasing pods whose labels no longer match), creates pods from the
 * template (generateName `<rs>-`) or deletes the surplus in upstream order (podsToDelete), and
 * writes status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas honouring
 * minReadySeconds, observedGeneration, ReplicaFailure on a failed create or delete).
 */
export function createReplicaSetController(): SimController {
  return {
    name: COMPONENT,
    async sync(ctx) {
      for (const rs of ctx.api.list(REPLICA_SET)) await syncReplicaSet(ctx, rs);
    },
  };
}
