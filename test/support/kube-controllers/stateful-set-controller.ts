import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { revisionTemplate, syncRevisions, truncateHistory, type Revisions } from "./controller-revisions.ts";
import { specReplicas } from "./deployment-strategy.ts";
import { isDeleting, meta, numberField, objectField, stringField } from "./json-fields.ts";
import { POD, PVC, STATEFUL_SET } from "./kinds.ts";
import { omitZero } from "./omit-zero.ts";
import { ownerReferencesOf } from "./owner-references.ts";
import { isPodAvailable, isPodReady, podPhase } from "./pod-conditions.ts";
import { claimFor, claimTemplates, ordinalOf, podRevision, statefulPod, storageMatches, withClaimVolumes } from "./stateful-set-identity.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

const COMPONENT = "statefulset-controller";

/** One pass over one StatefulSet. */
interface SetPass {
  readonly ctx: ControllerContext;
  readonly set: JsonObject;
  readonly revisions: Revisions;
  /** Claimed pods by ordinal. */
  readonly pods: Map<number, JsonObject>;
  /** Pods whose FailedUpdate was already reported (an Event per pod and revision, not per pass). */
  readonly reported: Set<string>;
}

function isRunningAndReady(pod: JsonObject): boolean {
  return podPhase(pod) === "Running" && isPodReady(pod) && !isDeleting(pod);
}

function retentionPolicy(set: JsonObject, key: "whenDeleted" | "whenScaled"): string {
  return stringField(objectField(objectField(set, "spec"), "persistentVolumeClaimRetentionPolicy"), key) || "Retain";
}

/** createPersistentVolumeClaims: every missing PVC of the ordinal; existing ones are never touched (and never deleted here). */
async function ensureClaims(pass: SetPass, ordinal: number): Promise<boolean> {
  const { ctx, set } = pass;
  for (const template of claimTemplates(set)) {
    const claim = claimFor(set, template, ordinal);
    if (ctx.api.get(refOf(PVC, claim))) continue;
    if (retentionPolicy(set, "whenDeleted") === "Delete") {
      objectField(claim, "metadata")["ownerReferences"] = [{ apiVersion: "apps/v1", kind: "StatefulSet", name: meta(set, "name"), uid: meta(set, "uid") }];
    }
    try {
      await ctx.api.create(claim);
      await ctx.event(set, "Normal", "SuccessfulCreate", `create Claim ${meta(claim, "name")} Pod ${meta(set, "name")}-${ordinal} in StatefulSet ${meta(set, "name")} success`);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.reason === "AlreadyExists") continue;
      ctx.report(error);
      await ctx.event(set, "Warning", "FailedCreate", `create Claim ${meta(claim, "name")} for Pod ${meta(set, "name")}-${ordinal} in StatefulSet ${meta(set, "name")} failed error: ${error.message}`);
      return false;
    }
  }
  return true;
}

/** The template and revision a new pod of `ordinal` gets (newVersionedStatefulSetPod): below the partition, the current one. */
function revisionFor(pass: SetPass, ordinal: number): JsonObject {
  const strategy = objectField(objectField(pass.set, "spec"), "updateStrategy");
  const rolling = objectField(strategy, "rollingUpdate");
  const partition = numberField(rolling, "partition", 0);
  const currentReplicas = numberField(objectField(pass.set, "status"), "currentReplicas", 0);
  const isRolling = stringField(strategy, "type") !== "OnDelete";
  const keepCurrent = isRolling && (Object.hasOwn(rolling, "partition") ? ordinal < partition : ordinal < currentReplicas);
  return keepCurrent ? pass.revisions.current : pass.revisions.update;
}

async function createPod(pass: SetPass, ordinal: number): Promise<void> {
  if (!(await ensureClaims(pass, ordinal))) return;
  const revision = revisionFor(pass, ordinal);
  const pod = statefulPod(pass.set, revisionTemplate(revision), ordinal, meta(revision, "name"));
  try {
    await pass.ctx.api.create(pod);
    await pass.ctx.event(pass.set, "Normal", "SuccessfulCreate", `create Pod ${meta(pod, "name")} in StatefulSet ${meta(pass.set, "name")} successful`);
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    pass.ctx.report(error);
    await pass.ctx.event(pass.set, "Warning", "FailedCreate", `create Pod ${meta(pod, "name")} in StatefulSet ${meta(pass.set, "name")} failed error: ${error.message}`);
  }
}

async function deletePod(pass: SetPass, pod: JsonObject): Promise<void> {
  await tolerateRace(pass.ctx.api.delete(refOf(POD, pod), { uid: meta(pod, "uid") }), (e) => pass.ctx.report(e));
  await pass.ctx.event(pass.set, "Normal", "SuccessfulDelete", `delete Pod ${meta(pod, "name")} in StatefulSet ${meta(pass.set, "name")} successful`);
}

/**
 * updateStatefulPod when storage does not match: create the missing PVCs and add their volumes to
 * the pod. The API server refuses the pod update (podUpdateValidator), so an adopted pod without
 * the volume of a new claim template blocks the set until it is deleted: FailedUpdate, reported
 * once per pod. Returns false when the pass must stop there.
 */
async function fixStorage(pass: SetPass, pod: JsonObject, ordinal: number): Promise<boolean> {
  if (!(await ensureClaims(pass, ordinal))) return false;
  try {
    await pass.ctx.api.update(refOf(POD, pod), (current) => ({ ...current, spec: { ...objectField(current, "spec"), volumes: withClaimVolumes(pass.set, objectField(current, "spec"), ordinal) } }));
    return true;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    const key = `${meta(pod, "uid")}/${meta(pass.revisions.update, "name")}`;
    if (!pass.reported.has(key)) {
      pass.reported.add(key);
      pass.ctx.report(error);
      await pass.ctx.event(pass.set, "Warning", "FailedUpdate", `update Pod ${meta(pod, "name")} in StatefulSet ${meta(pass.set, "name")} failed error: ${error.message}`);
    }
    return false;
  }
}

/** The replicas loop of updateStatefulSet: create, replace failed, wait (OrderedReady), fix storage. False: stop the pass. */
async function syncReplicas(pass: SetPass, monotonic: boolean): Promise<boolean> {
  for (let ordinal = 0; ordinal < specReplicas(pass.set); ordinal++) {
    const pod = pass.pods.get(ordinal);
    if (pod === undefined) {
      await createPod(pass, ordinal);
      if (monotonic) return false;
      continue;
    }
    if ((podPhase(pod) === "Failed" || podPhase(pod) === "Succeeded") && !isDeleting(pod)) {
      await deletePod(pass, pod);
      if (monotonic) return false;
      continue;
    }
    if (isDeleting(pod) || !isRunningAndReady(pod)) {
      if (monotonic) return false;
      continue;
    }
    if (!storageMatches(pass.set, pod, ordinal) && !(await fixStorage(pass, pod, ordinal))) return false;
  }
  return true;
}

/** Condemned pods (ordinal ≥ replicas), highest first; OrderedReady: one at a time, after it is gone the next. */
async function scaleDown(pass: SetPass, monotonic: boolean): Promise<boolean> {
  const condemned = [...pass.pods.entries()].filter(([o]) => o >= specReplicas(pass.set)).sort(([a], [b]) => b - a);
  for (const [ordinal, pod] of condemned) {
    if (isDeleting(pod)) {
      if (monotonic) return false;
      continue;
    }
    if (retentionPolicy(pass.set, "whenScaled") === "Delete") {
      // updateClaimOwnerRefForSetAndPod: a condemned pod's claims are owned by the pod instead of the set.
      const podRef = { apiVersion: "v1", kind: "Pod", name: meta(pod, "name"), uid: meta(pod, "uid") };
      for (const template of claimTemplates(pass.set)) {
        const ref = refOf(PVC, claimFor(pass.set, template, ordinal));
        await tolerateRace(pass.ctx.api.update(ref, (c) => ({ ...c, metadata: { ...objectField(c, "metadata"), ownerReferences: [...ownerReferencesOf(c).filter((r) => r["uid"] !== meta(pass.set, "uid")), podRef] } })), (e) => pass.ctx.report(e));
      }
    }
    await deletePod(pass, pod);
    if (monotonic) return false;
  }
  return true;
}

/** RollingUpdate: delete the highest-ordinal pod (down to the partition) not on the update revision; wait while one is unhealthy. */
async function rollingUpdate(pass: SetPass): Promise<void> {
  const strategy = objectField(objectField(pass.set, "spec"), "updateStrategy");
  if (stringField(strategy, "type") === "OnDelete") return;
  const partition = numberField(objectField(strategy, "rollingUpdate"), "partition", 0);
  for (let ordinal = specReplicas(pass.set) - 1; ordinal >= partition; ordinal--) {
    const pod = pass.pods.get(ordinal);
    if (!pod) return;
    if (podRevision(pod) !== meta(pass.revisions.update, "name") && !isDeleting(pod)) {
      await deletePod(pass, pod);
      return;
    }
    if (!isRunningAndReady(pod)) return;
  }
}

/** updateStatefulSetStatus: counts over the claimed pods; a finished rollout makes the update revision current. */
function statusOf(pass: SetPass, now: Date): JsonObject {
  const { set, revisions } = pass;
  const minReady = numberField(objectField(set, "spec"), "minReadySeconds", 0);
  const pods = [...pass.pods.values()];
  const created = pods.filter((p) => !isDeleting(p));
  const current = meta(revisions.current, "name");
  const update = meta(revisions.update, "name");
  const status: JsonObject = {
    observedGeneration: numberField(objectField(set, "metadata"), "generation", 1),
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter((p) => isRunningAndReady(p) && isPodAvailable(p, minReady, now.getTime())).length,
    currentReplicas: created.filter((p) => podRevision(p) === current).length,
    updatedReplicas: created.filter((p) => podRevision(p) === update).length,
    currentRevision: current,
    updateRevision: update,
    collisionCount: numberField(objectField(set, "status"), "collisionCount", 0),
  };
  const rolling = stringField(objectField(objectField(set, "spec"), "updateStrategy"), "type") !== "OnDelete";
  if (rolling && status["updatedReplicas"] === status["replicas"] && status["readyReplicas"] === status["replicas"]) {
    status["currentReplicas"] = status["updatedReplicas"]!;
    status["currentRevision"] = update;
  }
  return omitZero(status, ["readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"]);
}

async function syncStatefulSet(ctx: ControllerContext, set: JsonObject, reported: Set<string>): Promise<void> {
  const selector = parseLabelSelector(objectField(set, "spec")["selector"]);
  if (selector.type === "none") return;
  const bumpCollision = async (): Promise<void> => {
    await tolerateRace(ctx.api.update(refOf(STATEFUL_SET, set), (c) => ({ ...c, status: { ...objectField(c, "status"), collisionCount: numberField(objectField(c, "status"), "collisionCount", 0) + 1 } }), "status"), (e) => ctx.report(e));
  };
  const revisions = await syncRevisions(ctx, set, bumpCollision);
  if (!revisions) return;
  // getPodsForStatefulSet: only pods named after the set are claimed (isMemberOf), watch-recovery.md §6.2.
  const candidates = ctx.api.list(POD, meta(set, "namespace"));
  const claimed = await claimObjects(ctx, POD, set, planClaims(set, selector, candidates, (pod) => ordinalOf(set, pod) !== undefined));
  const pods = new Map<number, JsonObject>();
  for (const pod of claimed) pods.set(ordinalOf(set, pod)!, pod);
  const pass: SetPass = { ctx, set, revisions, pods, reported };
  if (!isDeleting(set)) {
    const monotonic = stringField(objectField(set, "spec"), "podManagementPolicy") !== "Parallel";
    if (await syncReplicas(pass, monotonic) && await scaleDown(pass, monotonic)) await rollingUpdate(pass);
    const inUse = new Set([...pods.values()].map(podRevision));
    await truncateHistory(ctx, revisions, inUse, numberField(objectField(set, "spec"), "revisionHistoryLimit", 10));
  }
  const status = statusOf(pass, ctx.api.now());
  await tolerateRace(ctx.api.update(refOf(STATEFUL_SET, set), (c) => ({ ...c, status: { ...status, ...(objectField(c, "status")["conditions"] ? { conditions: objectField(c, "status")["conditions"]! } : {}) } }), "status"), (e) => ctx.report(e));
}

/**
 * The StatefulSet controller (pkg/controller/statefulset): ControllerRevisions per template
 * (adopted after an orphan delete like the pods), pods `<set>-<ordinal>` claimed by selector and
 * name (a pod of another name is never adopted), created in order and only after the previous one
 * is Running and Ready (OrderedReady) or all at once (Parallel), one PVC per claim template
 * `<claim>-<set>-<ordinal>` created when missing and never deleted (unless
 * persistentVolumeClaimRetentionPolicy says Delete: then owned by the set or, when scaled down,
 * the pod, and left to the garbage collector), failed pods replaced, scale-down from the highest
 * ordinal, RollingUpdate from the highest ordinal down to the partition, one pod at a time and
 * readiness-gated, OnDelete left alone; an adopted pod missing a new claim volume blocks the set
 * (FailedUpdate). Status: replicas, readyReplicas, availableReplicas, currentReplicas,
 * updatedReplicas, currentRevision, updateRevision, collisionCount, observedGeneration.
 */
export function createStatefulSetController(): SimController {
  const reported = new Set<string>();
  return {
    name: COMPONENT,
    async sync(ctx) {
      for (const set of ctx.api.list(STATEFUL_SET)) await syncStatefulSet(ctx, set, reported);
    },
  };
}
