import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { CONTROLLER_REVISION_HASH_LABEL, revisionHash, syncRevisions, truncateHistory, type Revisions } from "./controller-revisions.ts";
import { scaledValue } from "./int-or-percent.ts";
import { byCreation, isDeleting, meta, numberField, objectField, stringField } from "./json-fields.ts";
import { DAEMON_SET, NODE, POD } from "./kinds.ts";
import { omitZero } from "./omit-zero.ts";
import { isPodAvailable, isPodReady, podPhase } from "./pod-conditions.ts";
import { podFromTemplate } from "./pod-from-template.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

const COMPONENT = "daemonset-controller";
// apps/v1 default (pkg/apis/apps/v1/defaults.go): RollingUpdate with maxUnavailable 1, maxSurge 0.
const DEFAULT_MAX_UNAVAILABLE = 1;

function nodeName(pod: JsonObject): string {
  return stringField(objectField(pod, "spec"), "nodeName") || nodeOfAffinity(pod);
}

/** The node a daemon pod is pinned to by its required metadata.name affinity (before the scheduler binds it). */
function nodeOfAffinity(pod: JsonObject): string {
  const terms = objectField(objectField(objectField(objectField(pod, "spec"), "affinity"), "nodeAffinity"), "requiredDuringSchedulingIgnoredDuringExecution")["nodeSelectorTerms"];
  const fields = Array.isArray(terms) ? terms.flatMap((t) => (typeof t === "object" && t !== null && !Array.isArray(t) && Array.isArray(t["matchFields"]) ? t["matchFields"] : [])) : [];
  const value = fields.flatMap((f) => (typeof f === "object" && f !== null && !Array.isArray(f) && Array.isArray(f["values"]) ? f["values"] : []))[0];
  return typeof value === "string" ? value : "";
}

/** nodeShouldRunDaemonPod without taints: a Ready node matching the template's nodeSelector. */
function shouldRun(ds: JsonObject, node: JsonObject): boolean {
  const selector = labelsOf(objectField(objectField(objectField(ds, "spec"), "template"), "spec")["nodeSelector"]);
  const labels = labelsOf(objectField(node, "metadata")["labels"]);
  return [...selector].every(([k, v]) => labels.get(k) === v);
}

/** A daemon pod for `node`: the template, the revision hash label and the node affinity the controller adds (util.ReplaceDaemonSetPodNodeNameNodeAffinity). */
function daemonPod(ds: JsonObject, revisions: Revisions, node: string): JsonObject {
  const pod = podFromTemplate(objectField(objectField(ds, "spec"), "template"), ds, { generateName: `${meta(ds, "name")}-` });
  const metadata = objectField(pod, "metadata");
  pod["metadata"] = { ...metadata, labels: { ...objectField(metadata, "labels"), [CONTROLLER_REVISION_HASH_LABEL]: revisionHash(revisions.update), "pod-template-generation": String(numberField(objectField(ds, "metadata"), "generation", 1)) } };
  pod["spec"] = {
    ...objectField(pod, "spec"),
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }] } } },
  };
  return pod;
}

function isCurrent(pod: JsonObject, revisions: Revisions): boolean {
  return String(objectField(objectField(pod, "metadata"), "labels")[CONTROLLER_REVISION_HASH_LABEL] ?? "") === revisionHash(revisions.update);
}

async function remove(ctx: ControllerContext, ds: JsonObject, pod: JsonObject): Promise<void> {
  await tolerateRace(ctx.api.delete(refOf(POD, pod), { uid: meta(pod, "uid") }), (e) => ctx.report(e));
  await ctx.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${meta(pod, "name")}`);
}

/**
 * podsShouldBeOnNode + syncNodes: create on nodes without a pod, delete failed, surplus (all but
 * the oldest) and misplaced pods. True when it changed something: the real controller then waits
 * for its expectations (the informer seeing those pods) before a rolling update step.
 */
async function manage(ctx: ControllerContext, ds: JsonObject, revisions: Revisions, byNode: Map<string, JsonObject[]>, nodes: readonly JsonObject[]): Promise<boolean> {
  const before = ctx.api.list(POD, meta(ds, "namespace")).map((p) => `${meta(p, "uid")}${meta(p, "deletionTimestamp")}`).join();
  const wanted = new Set(nodes.filter((n) => shouldRun(ds, n)).map((n) => meta(n, "name")));
  for (const [node, pods] of byNode) {
    if (wanted.has(node)) continue;
    for (const pod of pods.filter((p) => !isDeleting(p))) await remove(ctx, ds, pod);
  }
  for (const node of wanted) {
    const pods = byNode.get(node) ?? [];
    if (pods.length === 0) {
      const created = await tolerateRace(ctx.api.create(daemonPod(ds, revisions, node)), (e) => ctx.report(e));
      if (created) await ctx.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${meta(created, "name")}`);
      continue;
    }
    const running = pods.filter((p) => !isDeleting(p));
    for (const pod of running.filter((p) => podPhase(p) === "Failed")) await remove(ctx, ds, pod);
    const alive = running.filter((p) => podPhase(p) !== "Failed").sort(byCreation);
    for (const pod of alive.slice(1)) await remove(ctx, ds, pod);
  }
  return ctx.api.list(POD, meta(ds, "namespace")).map((p) => `${meta(p, "uid")}${meta(p, "deletionTimestamp")}`).join() !== before;
}

/** rollingUpdate (maxSurge 0): delete old pods that are unavailable, then old available ones while fewer than maxUnavailable nodes are unavailable. */
async function rollingUpdate(ctx: ControllerContext, ds: JsonObject, revisions: Revisions, byNode: Map<string, JsonObject[]>, wanted: ReadonlySet<string>): Promise<void> {
  const desired = wanted.size;
  const strategy = objectField(objectField(ds, "spec"), "updateStrategy");
  if (stringField(strategy, "type") === "OnDelete") return;
  const maxUnavailable = scaledValue(objectField(strategy, "rollingUpdate")["maxUnavailable"], desired, true, DEFAULT_MAX_UNAVAILABLE);
  const minReady = numberField(objectField(ds, "spec"), "minReadySeconds", 0);
  const nowMs = ctx.api.now().getTime();
  // A node that should run a pod and has none is unavailable too.
  let unavailable = [...wanted].filter((node) => (byNode.get(node) ?? []).length === 0).length;
  const replace: JsonObject[] = [];
  const candidates: JsonObject[] = [];
  for (const pods of byNode.values()) {
    const alive = pods.filter((p) => !isDeleting(p));
    if (alive.length !== 1) {
      unavailable += 1;
      continue;
    }
    const pod = alive[0]!;
    const available = isPodAvailable(pod, minReady, nowMs);
    if (isCurrent(pod, revisions)) {
      if (!available) unavailable += 1;
    } else if (!available) replace.push(pod);
    else if (unavailable < maxUnavailable) candidates.push(pod);
  }
  const budget = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
  for (const pod of [...replace, ...candidates.slice(0, budget)]) await remove(ctx, ds, pod);
}

function statusOf(ds: JsonObject, revisions: Revisions, byNode: Map<string, JsonObject[]>, wanted: ReadonlySet<string>, nowMs: number): JsonObject {
  const minReady = numberField(objectField(ds, "spec"), "minReadySeconds", 0);
  let scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  for (const [node, pods] of byNode) {
    const alive = pods.filter((p) => !isDeleting(p));
    if (alive.length === 0) continue;
    if (!wanted.has(node)) {
      misscheduled += 1;
      continue;
    }
    scheduled += 1;
    const pod = alive.sort(byCreation)[0]!;
    if (isPodReady(pod)) ready += 1;
    if (isPodAvailable(pod, minReady, nowMs)) available += 1;
    if (isCurrent(pod, revisions)) updated += 1;
  }
  return omitZero({
    currentNumberScheduled: scheduled, numberMisscheduled: misscheduled, desiredNumberScheduled: wanted.size,
    numberReady: ready, observedGeneration: numberField(objectField(ds, "metadata"), "generation", 1),
    updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: Math.max(0, wanted.size - available),
  }, ["numberAvailable", "numberUnavailable", "updatedNumberScheduled"]);
}

async function syncDaemonSet(ctx: ControllerContext, ds: JsonObject): Promise<void> {
  const selector = parseLabelSelector(objectField(ds, "spec")["selector"]);
  if (selector.type === "none") return;
  const bumpCollision = async (): Promise<void> => {
    await tolerateRace(ctx.api.update(refOf(DAEMON_SET, ds), (c) => ({ ...c, status: { ...objectField(c, "status"), collisionCount: numberField(objectField(c, "status"), "collisionCount", 0) + 1 } }), "status"), (e) => ctx.report(e));
  };
  const revisions = await syncRevisions(ctx, ds, bumpCollision);
  if (!revisions) return;
  const pods = await claimObjects(ctx, POD, ds, planClaims(ds, selector, ctx.api.list(POD, meta(ds, "namespace"))));
  const nodes = ctx.api.list(NODE);
  const byNode = new Map<string, JsonObject[]>();
  for (const pod of pods) byNode.set(nodeName(pod), [...(byNode.get(nodeName(pod)) ?? []), pod]);
  const wanted = new Set(nodes.filter((n) => shouldRun(ds, n)).map((n) => meta(n, "name")));
  if (!isDeleting(ds)) {
    if (!(await manage(ctx, ds, revisions, byNode, nodes))) await rollingUpdate(ctx, ds, revisions, byNode, wanted);
    await truncateHistory(ctx, revisions, new Set(pods.map((p) => String(objectField(objectField(p, "metadata"), "labels")[CONTROLLER_REVISION_HASH_LABEL] ?? ""))), numberField(objectField(ds, "spec"), "revisionHistoryLimit", 10));
  }
  const status = statusOf(ds, revisions, byNode, wanted, ctx.api.now().getTime());
  await tolerateRace(ctx.api.update(refOf(DAEMON_SET, ds), (c) => ({ ...c, status: { ...status, ...(typeof objectField(c, "status")["collisionCount"] === "number" ? { collisionCount: objectField(c, "status")["collisionCount"]! } : {}) } }), "status"), (e) => ctx.report(e));
}

/**
 * The DaemonSet controller (pkg/controller/daemon): ControllerRevisions per template, pods claimed
 * by selector (orphans adopted, so a re-created DaemonSet with the same selector keeps the running
 * pods; with a new selector old and new pods run side by side on each node), one pod per Ready
 * node matching the template's nodeSelector, pinned by node affinity; failed, surplus and
 * misplaced pods deleted; RollingUpdate with maxUnavailable (default 1; a node's new pod starts
 * only after its old one is gone) or OnDelete; status with the scheduled/ready/available/updated
 * counts. No taints and tolerations, no maxSurge.
 */
export function createDaemonSetController(): SimController {
  return {
    name: COMPONENT,
    async sync(ctx) {
      for (const ds of ctx.api.list(DAEMON_SET)) await syncDaemonSet(ctx, ds);
    },
  };
}
