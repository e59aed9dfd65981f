import { getAt } from "../../core/k8s/field-path.ts";
import { isJsonObject, stringMapOf, type JsonObject } from "../../core/k8s/json.ts";
import { metaString, metaValue } from "../../core/k8s/kube-object.ts";
import { computeHealth } from "../../core/health/compute-health.ts";
import type { Condition, LabelMap } from "../../core/replace/condition.ts";
import { selectorOf } from "../../core/replace/selector-switch.ts";
import { SELECTING_KINDS } from "../../core/replace/kind-traits.ts";
import { labelsMatch, sameLabels } from "../../core/replace/workload-shape.ts";
import { selectorQuery, uidOf, type KubeObjects } from "./kube-objects.ts";

/** Whether a condition holds, and (when not) what is seen instead: the progress line and the failure reason say it. */
export interface Evaluation {
  readonly holds: boolean;
  readonly detail: string;
}

const yes = (detail: string): Evaluation => ({ holds: true, detail });
const no = (detail: string): Evaluation => ({ holds: false, detail });

/** A pod is ready when its Ready condition is True and it is not terminating (what endpoints count). */
export function podReady(pod: JsonObject): boolean {
  if (metaString(pod, "deletionTimestamp")) return false;
  const conditions = getAt(pod, ["status", "conditions"]);
  return Array.isArray(conditions) && conditions.some((c) => isJsonObject(c) && c["type"] === "Ready" && c["status"] === "True");
}

/** The controller owner reference of an object: {kind, uid}, or undefined (an orphan). */
function controllerOf(obj: JsonObject): { kind: string; uid: string } | undefined {
  const refs = getAt(obj, ["metadata", "ownerReferences"]);
  const ref = Array.isArray(refs) ? refs.find((r) => isJsonObject(r) && r["controller"] === true) : undefined;
  return isJsonObject(ref) && typeof ref["kind"] === "string" && typeof ref["uid"] === "string" ? { kind: ref["kind"], uid: ref["uid"] } : undefined;
}

/**
 * ReplicaSets and Pods carrying the labels that no live controller owns: what an orphaning left
 * behind. `terminating` ones count too unless asked otherwise: "gone" means gone (a pod in its
 * grace period still receives traffic from a client that resolved it).
 */
export async function leftovers(objects: KubeObjects, namespace: string, selector: LabelMap, options: { readonly except: LabelMap; readonly terminating: boolean }): Promise<JsonObject[]> {
  const query = selectorQuery(selector);
  if (query === "") return [];
  const [sets, pods] = await Promise.all([objects.list("apps/v1", "ReplicaSet", namespace, query), objects.list("v1", "Pod", namespace, query)]);
  // A ReplicaSet without a controller is left over; so is a pod without one, or whose ReplicaSet
  // is left over or gone (its pods outlive it until the garbage collector reaches them). Pods of
  // a DaemonSet, StatefulSet or Job are their controller's business.
  const liveSets = new Set(sets.filter((rs) => controllerOf(rs) !== undefined && !metaString(rs, "deletionTimestamp")).map((rs) => metaString(rs, "uid")));
  const leftover = (o: JsonObject): boolean => {
    const owner = controllerOf(o);
    if (owner === undefined) return true;
    return o["kind"] === "Pod" && owner.kind === "ReplicaSet" && !liveSets.has(owner.uid);
  };
  const kept = (o: JsonObject): boolean => labelsMatch(options.except, Object.fromEntries(stringMapOf(getAt(o, ["metadata", "labels"]))));
  return [...sets, ...pods].filter((o) => leftover(o) && !kept(o) && (options.terminating || !metaString(o, "deletionTimestamp")));
}

type Evaluator<K extends Condition["kind"]> = (c: Extract<Condition, { kind: K }>, objects: KubeObjects, now: number, stepStartedAt: number) => Promise<Evaluation>;

async function existence(c: Extract<Condition, { kind: "present" | "absent" }>, objects: KubeObjects): Promise<Evaluation> {
  const obj = await objects.get(c.ref);
  const uid = uidOf(obj);
  const matches = obj !== undefined && (c.uid === undefined || uid === c.uid) && (c.exceptUid === undefined || uid !== c.exceptUid);
  // An object waiting on finalizers (the orphan finalizer) still exists under its name.
  const terminating = obj !== undefined && metaString(obj, "deletionTimestamp") !== undefined;
  if (c.kind === "absent") return matches ? no(terminating ? "still terminating" : "still there") : yes("gone");
  if (matches && !terminating) return yes("exists");
  return no(obj === undefined ? "not found" : terminating ? "terminating" : "the old object is still there");
}

const healthy: Evaluator<"healthy"> = async (c, objects, now) => {
  const obj = await objects.get(c.ref);
  if (obj === undefined) return no("not found");
  if (c.exceptUid !== undefined && uidOf(obj) === c.exceptUid) return no("the old object is still there");
  const health = computeHealth(obj, now);
  return health.status === "Current" ? yes(health.message) : no(`${health.status}: ${health.message}`);
};

const readyPods: Evaluator<"ready-pods"> = async (c, objects) => {
  if (c.min === 0) return yes("no pods required");
  const pods = await objects.list("v1", "Pod", c.namespace, selectorQuery(c.selector));
  const ready = pods.filter(podReady).length;
  return ready >= c.min ? yes(`${ready} ready`) : no(`${ready}/${c.min} ready`);
};

const selectorIs: Evaluator<"selector"> = async (c, objects) => {
  const obj = await objects.get(c.ref);
  if (obj === undefined) return no("not found");
  const kind = SELECTING_KINDS.find((k) => k.kind === c.ref.kind) ?? { apiVersion: c.ref.apiVersion, kind: c.ref.kind, plural: "", path: c.path, form: c.form };
  return sameLabels(selectorOf(obj, kind), c.value) ? yes("switched") : no("another selector");
};

const annotation: Evaluator<"annotation"> = async (c, objects) => {
  const obj = await objects.get(c.ref);
  if (obj === undefined) return c.value === null ? yes("object gone") : no("not found");
  const value = metaValue(obj, "annotations", c.key) ?? null;
  return value === c.value ? yes("set") : no(`${c.key}: ${value ?? "absent"}`);
};

const noLeftovers: Evaluator<"no-leftovers"> = async (c, objects) => {
  const left = await leftovers(objects, c.namespace, c.selector, { except: c.except, terminating: true });
  return left.length === 0 ? yes("none left") : no(`${left.length} left: ${left.slice(0, 5).map((o) => `${String(o["kind"])} ${metaString(o, "name") ?? ""}`).join(", ")}`);
};

const podRenewed: Evaluator<"pod-renewed"> = async (c, objects) => {
  const pod = await objects.get({ apiVersion: "v1", kind: "Pod", namespace: c.namespace, name: c.name });
  if (pod === undefined) return no("not re-created yet");
  if (uidOf(pod) === c.oldUid) return no("the old pod is still there");
  return podReady(pod) ? yes("ready") : no("not ready");
};

const elapsed: Evaluator<"elapsed"> = (c, _objects, now, stepStartedAt) => {
  const left = c.seconds * 1000 - (now - stepStartedAt);
  return Promise.resolve(left <= 0 ? yes("elapsed") : no(`${Math.ceil(left / 1000)} s left`));
};

/** The new generation: ReplicaSets matching the selector but not kept, and the pods they own (pods outlive their set until the garbage collector reaches them). */
export async function newGeneration(objects: KubeObjects, namespace: string, selector: LabelMap, keep: readonly string[]): Promise<JsonObject[]> {
  const query = selectorQuery(selector);
  if (query === "") return [];
  const kept = new Set(keep);
  const [sets, pods] = await Promise.all([objects.list("apps/v1", "ReplicaSet", namespace, query), objects.list("v1", "Pod", namespace, query)]);
  const doomed = sets.filter((rs) => !kept.has(metaString(rs, "uid") ?? ""));
  const theirs = pods.filter((p) => {
    const owner = controllerOf(p);
    return owner?.kind === "ReplicaSet" && !kept.has(owner.uid);
  });
  return [...doomed, ...theirs];
}

const generationGone: Evaluator<"generation-gone"> = async (c, objects) => {
  const left = await newGeneration(objects, c.namespace, c.selector, c.keep);
  return left.length === 0 ? yes("gone") : no(`${left.length} left: ${left.slice(0, 5).map((o) => `${String(o["kind"])} ${metaString(o, "name") ?? ""}`).join(", ")}`);
};

/** Evaluates one condition against the cluster; `stepStartedAt` (ms) times the drain. */
export function evaluateCondition(c: Condition, objects: KubeObjects, now: number, stepStartedAt: number): Promise<Evaluation> {
  switch (c.kind) {
    case "present":
    case "absent":
      return existence(c, objects);
    case "healthy":
      return healthy(c, objects, now, stepStartedAt);
    case "ready-pods":
      return readyPods(c, objects, now, stepStartedAt);
    case "selector":
      return selectorIs(c, objects, now, stepStartedAt);
    case "annotation":
      return annotation(c, objects, now, stepStartedAt);
    case "no-leftovers":
      return noLeftovers(c, objects, now, stepStartedAt);
    case "generation-gone":
      return generationGone(c, objects, now, stepStartedAt);
    case "pod-renewed":
      return podRenewed(c, objects, now, stepStartedAt);
    case "elapsed":
      return elapsed(c, objects, now, stepStartedAt);
  }
}
