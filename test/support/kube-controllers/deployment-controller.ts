import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { createNewReplicaSet } from "./deployment-new-replica-set.ts";
import { annotation, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, splitReplicaSets, withAnnotations } from "./deployment-revision.ts";
import { plainStatus, rolloutStatus, isDeploymentComplete } from "./deployment-status.ts";
import { DEFAULT_REVISION_HISTORY_LIMIT, maxSurge, newReplicaSetReplicas, oldReplicaSetScaleDowns, isRollingUpdate, specReplicas, statusCount } from "./deployment-strategy.ts";
import { byCreation, isDeleting, meta, numberField, objectField } from "./json-fields.ts";
import { DEPLOYMENT, POD, REPLICA_SET } from "./kinds.ts";
import { controllerRefOf } from "./owner-references.ts";
import { podPhase } from "./pod-conditions.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

const COMPONENT = "deployment-controller";

/** One pass over one Deployment: its ReplicaSets as this pass sees them (scaled in place). */
interface Pass {
  readonly ctx: ControllerContext;
  readonly deployment: JsonObject;
  newRS: JsonObject | undefined;
  oldRSs: JsonObject[];
}

function all(pass: Pass): JsonObject[] {
  return pass.newRS ? [...pass.oldRSs, pass.newRS] : [...pass.oldRSs];
}

/** scaleReplicaSetAndRecordEvent: spec.replicas and the desired/max-replicas annotations, an Event. */
async function scale(pass: Pass, rs: JsonObject, replicas: number): Promise<void> {
  const { ctx, deployment } = pass;
  const desired = String(specReplicas(deployment));
  const max = String(specReplicas(deployment) + maxSurge(deployment));
  const from = specReplicas(rs);
  if (from === replicas && annotation(rs, DESIRED_REPLICAS_ANNOTATION) === desired && annotation(rs, MAX_REPLICAS_ANNOTATION) === max) return;
  const updated = await tolerateRace(ctx.api.update(refOf(REPLICA_SET, rs), (current) => {
    const next = withAnnotations(current, { [DESIRED_REPLICAS_ANNOTATION]: desired, [MAX_REPLICAS_ANNOTATION]: max });
    next["spec"] = { ...objectField(next, "spec"), replicas };
    return next;
  }), (e) => ctx.report(e));
  if (!updated) return;
  if (from !== replicas) {
    await ctx.event(deployment, "Normal", "ScalingReplicaSet", `Scaled ${replicas > from ? "up" : "down"} replica set ${meta(rs, "name")} from ${from} to ${replicas}`);
  }
  if (rs === pass.newRS) pass.newRS = updated;
  else pass.oldRSs = pass.oldRSs.map((o) => (o === rs ? updated : o));
}

async function writeStatus(pass: Pass, status: JsonObject): Promise<void> {
  await tolerateRace(pass.ctx.api.update(refOf(DEPLOYMENT, pass.deployment), (current) => ({ ...current, status: { ...status, conditions: status["conditions"] ?? [] } }), "status"), (e) => pass.ctx.report(e));
}

/** rolling.go rolloutRolling: scale the new ReplicaSet up, else the old ones down, else clean up. */
async function rolloutRolling(pass: Pass): Promise<void> {
  await ensureNewReplicaSet(pass);
  const newRS = pass.newRS;
  if (newRS) {
    const replicas = specReplicas(pass.deployment);
    const target = specReplicas(newRS) > replicas ? replicas : newReplicaSetReplicas(pass.deployment, all(pass), newRS);
    if (target !== specReplicas(newRS)) {
      await scale(pass, newRS, target);
      return;
    }
    const downs = oldReplicaSetScaleDowns(pass.deployment, pass.oldRSs, newRS);
    for (const { rs, replicas: to } of downs) await scale(pass, rs, to);
    if (downs.length > 0) return;
  }
  if (isDeploymentComplete(pass.deployment, objectField(pass.deployment, "status"))) await cleanup(pass);
}

/** recreate.go rolloutRecreate: old ReplicaSets to 0, wait until no old pod runs, then the new one up. */
async function rolloutRecreate(pass: Pass): Promise<void> {
  const active = pass.oldRSs.filter((rs) => specReplicas(rs) > 0);
  for (const rs of active) await scale(pass, rs, 0);
  if (active.length > 0 || oldPodsRunning(pass)) return;
  await ensureNewReplicaSet(pass);
  if (pass.newRS && specReplicas(pass.newRS) !== specReplicas(pass.deployment)) await scale(pass, pass.newRS, specReplicas(pass.deployment));
  if (isDeploymentComplete(pass.deployment, objectField(pass.deployment, "status"))) await cleanup(pass);
}

/** recreate.go oldPodsRunning: old ReplicaSets report pods, or a pod of one is not Succeeded/Failed (terminating pods count). */
function oldPodsRunning(pass: Pass): boolean {
  if (pass.oldRSs.some((rs) => statusCount(rs, "replicas") > 0)) return true;
  const oldUids = new Set(pass.oldRSs.map((rs) => meta(rs, "uid")));
  return pass.ctx.api.list(POD, meta(pass.deployment, "namespace"))
    .some((pod) => oldUids.has(String(controllerRefOf(pod)?.["uid"])) && podPhase(pod) !== "Succeeded" && podPhase(pod) !== "Failed");
}

async function ensureNewReplicaSet(pass: Pass): Promise<void> {
  const result = await createNewReplicaSet(pass.ctx, pass.deployment, pass.newRS, pass.oldRSs);
  if (result) pass.newRS = result;
}

/** sync.go cleanupDeployment: old ReplicaSets at 0 replicas beyond revisionHistoryLimit, oldest first. */
async function cleanup(pass: Pass): Promise<void> {
  const limit = numberField(objectField(pass.deployment, "spec"), "revisionHistoryLimit", DEFAULT_REVISION_HISTORY_LIMIT);
  const idle = pass.oldRSs.filter((rs) => specReplicas(rs) === 0 && statusCount(rs, "replicas") === 0 && !isDeleting(rs)).sort(byCreation);
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    await tolerateRace(pass.ctx.api.delete(refOf(REPLICA_SET, rs), { uid: meta(rs, "uid") }), (e) => pass.ctx.report(e));
  }
}

/** sync.go isScalingEvent + scale (without proportional scaling): one active ReplicaSet follows spec.replicas. */
async function scalingEvent(pass: Pass): Promise<boolean> {
  const replicas = String(specReplicas(pass.deployment));
  const active = all(pass).filter((rs) => specReplicas(rs) > 0);
  if (!active.some((rs) => annotation(rs, DESIRED_REPLICAS_ANNOTATION) !== "" && annotation(rs, DESIRED_REPLICAS_ANNOTATION) !== replicas)) return false;
  const only = active.length === 1 ? active[0] : active.length === 0 ? pass.newRS : undefined;
  if (only) await scale(pass, only, specReplicas(pass.deployment));
  return only !== undefined;
}

async function syncDeployment(ctx: ControllerContext, deployment: JsonObject): Promise<void> {
  const selector = parseLabelSelector(objectField(deployment, "spec")["selector"]);
  // "This deployment will select all pods": an empty selector is refused by validation; a
  // deployment that has one anyway is left alone, as the controller does.
  if (selector.type === "none" || (selector.labels.length === 0 && selector.expressions.length === 0)) return;
  const candidates = ctx.api.list(REPLICA_SET, meta(deployment, "namespace"));
  const owned = await claimObjects(ctx, REPLICA_SET, deployment, planClaims(deployment, selector, candidates));
  const pass: Pass = { ctx, deployment, ...splitReplicaSets(deployment, owned) };
  const now = ctx.api.now();
  if (isDeleting(deployment) || objectField(deployment, "spec")["paused"] === true) {
    if (!isDeleting(deployment)) await scalingEvent(pass);
    await writeStatus(pass, plainStatus(deployment, all(pass), pass.newRS, now));
    return;
  }
  if (await scalingEvent(pass)) {
    await writeStatus(pass, plainStatus(deployment, all(pass), pass.newRS, now));
    return;
  }
  if (isRollingUpdate(deployment)) await rolloutRolling(pass);
  else await rolloutRecreate(pass);
  const latest = ctx.api.get(refOf(DEPLOYMENT, deployment)) ?? deployment;
  await writeStatus(pass, rolloutStatus(latest, all(pass), pass.newRS, now));
}

/**
 * The Deployment controller (pkg/controller/deployment): claims ReplicaSets by selector
 * (adopting orphans whose labels match, releasing ones that no longer match: watch-recovery.md
 * §6.2), finds the new ReplicaSet (same template ignoring pod-template-hash) or creates
 * `<name>-<hash>`, rolls out with RollingUpdate (maxSurge/maxUnavailable) or Recreate, scales a
 * single active ReplicaSet on a replicas change, cleans up beyond revisionHistoryLimit, and
 * writes status with the Available and Progressing conditions and their real reasons.
 */
export function createDeploymentController(): SimController {
  return {
    name: COMPONENT,
    async sync(ctx) {
      for (const deployment of ctx.api.list(DEPLOYMENT)) {
        try {
          await syncDeployment(ctx, deployment);
        } catch (error) {
          if (error instanceof StatusError) ctx.report(error);
          else throw error;
        }
      }
    },
  };
}
