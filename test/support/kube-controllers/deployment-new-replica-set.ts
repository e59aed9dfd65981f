import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { annotation, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, revisionOf, withAnnotations } from "./deployment-revision.ts";
import { maxSurge, newReplicaSetReplicas, specReplicas } from "./deployment-strategy.ts";
import { meta, numberField, objectField, objectsField } from "./json-fields.ts";
import { DEPLOYMENT, REPLICA_SET } from "./kinds.ts";
import { controllerRefTo, isControlledBy } from "./owner-references.ts";
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from "./pod-template-hash.ts";
import { setCondition } from "./set-condition.ts";
import type { ControllerContext } from "./sim-controller.ts";

// deploymentutil annotationsToSkip: not copied from the Deployment to its ReplicaSets.
const SKIPPED_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration", REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history", DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, "deprecated.deployment.rollback.to"]);

function copiedAnnotations(deployment: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(objectField(objectField(deployment, "metadata"), "annotations"))) {
    if (!SKIPPED_ANNOTATIONS.has(key) && typeof value === "string") out[key] = value;
  }
  return out;
}

/** Writes the Deployment's revision annotation and, when given, a Progressing condition (sync.go getNewReplicaSet). */
async function recordOnDeployment(ctx: ControllerContext, deployment: JsonObject, revision: string, progressing?: { reason: string; message: string; status?: "True" | "False" }): Promise<void> {
  const ref = refOf(DEPLOYMENT, deployment);
  if (annotation(deployment, REVISION_ANNOTATION) !== revision) {
    await tolerateRace(ctx.api.update(ref, (current) => withAnnotations(current, { [REVISION_ANNOTATION]: revision })), (e) => ctx.report(e));
  }
  if (!progressing) return;
  await tolerateRace(ctx.api.update(ref, (current) => {
    const status = objectField(current, "status");
    const conditions = setCondition(status, { type: "Progressing", status: progressing.status ?? "True", reason: progressing.reason, message: progressing.message }, { now: ctx.api.now(), withUpdateTime: true });
    return { ...current, status: { ...status, conditions } };
  }, "status"), (e) => ctx.report(e));
}

async function bumpCollisionCount(ctx: ControllerContext, deployment: JsonObject): Promise<void> {
  await tolerateRace(ctx.api.update(refOf(DEPLOYMENT, deployment), (current) => {
    const status = objectField(current, "status");
    return { ...current, status: { ...status, collisionCount: numberField(status, "collisionCount", 0) + 1 } };
  }, "status"), (e) => ctx.report(e));
}

/** An existing new ReplicaSet: revision and minReadySeconds brought up to date, FoundNewReplicaSet noted. */
async function syncExisting(ctx: ControllerContext, deployment: JsonObject, existing: JsonObject, newRevision: number): Promise<JsonObject> {
  const minReady = numberField(objectField(deployment, "spec"), "minReadySeconds", 0);
  let rs = existing;
  if (revisionOf(existing) < newRevision || numberField(objectField(existing, "spec"), "minReadySeconds", 0) !== minReady) {
    rs = await tolerateRace(ctx.api.update(refOf(REPLICA_SET, existing), (current) => {
      const next = revisionOf(current) < newRevision ? withAnnotations(current, { [REVISION_ANNOTATION]: String(newRevision) }) : current;
      next["spec"] = { ...objectField(next, "spec"), minReadySeconds: minReady };
      return next;
    }), (e) => ctx.report(e)) ?? existing;
  }
  const hasProgressing = objectsField(objectField(deployment, "status"), "conditions").some((c) => c["type"] === "Progressing");
  await recordOnDeployment(ctx, deployment, annotation(rs, REVISION_ANNOTATION),
    hasProgressing ? undefined : { reason: "FoundNewReplicaSet", message: `Found new replica set "${meta(rs, "name")}"` });
  return rs;
}

function newReplicaSetObject(deployment: JsonObject, oldRSs: readonly JsonObject[], revision: number): JsonObject {
  const spec = objectField(deployment, "spec");
  const template = structuredClone(objectField(spec, "template"));
  const hash = computeHash(template, typeof objectField(deployment, "status")["collisionCount"] === "number" ? numberField(objectField(deployment, "status"), "collisionCount", 0) : undefined);
  const templateMeta = objectField(template, "metadata");
  const labels = { ...objectField(templateMeta, "labels"), [POD_TEMPLATE_HASH_LABEL]: hash };
  template["metadata"] = { ...templateMeta, labels };
  const selector = objectField(spec, "selector");
  const rs: JsonObject = {
    apiVersion: "apps/v1", kind: "ReplicaSet",
    metadata: {
      name: `${meta(deployment, "name")}-${hash}`, namespace: meta(deployment, "namespace"), labels, ownerReferences: [controllerRefTo(deployment)],
      annotations: {
        ...copiedAnnotations(deployment), [REVISION_ANNOTATION]: String(revision),
        [DESIRED_REPLICAS_ANNOTATION]: String(specReplicas(deployment)), [MAX_REPLICAS_ANNOTATION]: String(specReplicas(deployment) + maxSurge(deployment)),
      },
    },
    spec: {
      replicas: 0, minReadySeconds: numberField(spec, "minReadySeconds", 0),
      selector: { ...selector, matchLabels: { ...objectField(selector, "matchLabels"), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template,
    },
  };
  rs["spec"] = { ...objectField(rs, "spec"), replicas: newReplicaSetReplicas(deployment, [...oldRSs, rs], rs) };
  return rs;
}

/**
 * sync.go getNewReplicaSet with createIfNotExisted: the existing new ReplicaSet brought up to
 * date, or a new `<deployment>-<pod-template-hash>` (template and selector carry the hash label,
 * revision = highest old revision + 1, replicas from NewRSNewReplicas). A name taken by a
 * ReplicaSet with another template is a hash collision: status.collisionCount + 1 and retry next
 * pass. Returns the new ReplicaSet, or undefined when none exists yet.
 */
export async function createNewReplicaSet(ctx: ControllerContext, deployment: JsonObject, existing: JsonObject | undefined, oldRSs: readonly JsonObject[]): Promise<JsonObject | undefined> {
  const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
  if (existing) return syncExisting(ctx, deployment, existing, newRevision);
  const wanted = newReplicaSetObject(deployment, oldRSs, newRevision);
  try {
    const created = await ctx.api.create(wanted);
    const replicas = specReplicas(created);
    if (replicas > 0) await ctx.event(deployment, "Normal", "ScalingReplicaSet", `Scaled up replica set ${meta(created, "name")} from 0 to ${replicas}`);
    await recordOnDeployment(ctx, deployment, String(newRevision), { reason: "NewReplicaSetCreated", message: `Created new replica set "${meta(created, "name")}"` });
    return created;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    if (error.reason === "AlreadyExists") {
      const taken = ctx.api.get(refOf(REPLICA_SET, wanted));
      const template = objectField(objectField(deployment, "spec"), "template");
      if (taken && isControlledBy(taken, deployment) && equalIgnoreHash(objectField(objectField(taken, "spec"), "template"), template)) return taken;
      await bumpCollisionCount(ctx, deployment);
      return undefined;
    }
    const message = `Failed to create new replica set "${meta(wanted, "name")}": ${error.message}`;
    ctx.report(error);
    await ctx.event(deployment, "Warning", "ReplicaSetCreateError", message);
    await recordOnDeployment(ctx, deployment, annotation(deployment, REVISION_ANNOTATION), { reason: "ReplicaSetCreateError", message, status: "False" });
    return undefined;
  }
}
