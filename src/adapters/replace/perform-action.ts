import { AppError } from "../../errors.ts";
import { cloneJson, type JsonObject } from "../../core/k8s/json.ts";
import { metaString, metaValue } from "../../core/k8s/kube-object.ts";
import { creatableObject } from "../../core/replace/creatable-object.ts";
import type { JournalInput } from "../../core/replace/journal.ts";
import { SELECTING_KINDS } from "../../core/replace/kind-traits.ts";
import { describeRef, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import type { StepAction } from "../../core/replace/replace-step.ts";
import { FLUX_RECONCILE_ANNOTATION, FLUX_RECONCILE_DISABLED, selectorOf } from "../../core/replace/selector-switch.ts";
import { SELECTOR_HOLD_ANNOTATION, switchedHold } from "../../core/replace/selector-hold.ts";
import { leftovers, newGeneration } from "./evaluate-condition.ts";
import { uidOf, type KubeObjects } from "./kube-objects.ts";

/** Flux's reconcile request annotation (fluxcd/pkg apis/meta ReconcileRequestAnnotation). */
export const FLUX_REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";

/** helm-controller's one-off forced release; must equal requestedAt (fluxcd/pkg apis/meta ForceRequestAnnotation). */
export const FLUX_FORCE_AT = "reconcile.fluxcd.io/forceAt";

type Act<T extends StepAction["type"]> = (a: Extract<StepAction, { type: T }>, objects: KubeObjects, input: JournalInput, now: number) => Promise<void>;

const deleteOne: Act<"delete"> = async (a, objects) => {
  const current = await objects.get(a.ref);
  const uid = uidOf(current);
  if (current === undefined || (a.uid !== undefined && uid !== a.uid) || (a.exceptUid !== undefined && uid === a.exceptUid)) return;
  await objects.delete(a.ref, { propagation: a.propagation, uid });
};

const create: Act<"create"> = async (a, objects, input) => {
  const source = a.body === "desired" ? input.desired : input.live;
  if (source === null) throw new AppError("ERR_INTERNAL", "the journal holds no desired object");
  await objects.create(a.ref, creatableObject(source));
};

/** A merge patch that sets the selector at `path` to exactly `to` (a merge patch merges maps: keys to drop are set to null). */
const switchSelector: Act<"switch-selector"> = async (a, objects) => {
  const obj = await objects.get(a.ref);
  if (obj === undefined) throw new AppError("ERR_KUBE_UNAVAILABLE", `${describeRef(a.ref)} not found`);
  const kind = SELECTING_KINDS.find((k) => k.kind === a.ref.kind);
  const current = kind === undefined ? {} : selectorOf(obj, kind);
  const labels: JsonObject = { ...Object.fromEntries(Object.keys(current).map((k) => [k, null])), ...cloneJson({ ...a.to }) };
  let patch: JsonObject = a.form === "map" ? labels : { matchLabels: labels };
  for (const segment of [...a.path].reverse()) patch = { [segment]: patch };
  // One patch for the selector and its hold: the webhook lets a request through that changes the
  // hold, and keeps the selector of one that does not. A hold someone removed is not put back.
  const hold = metaValue(obj, "annotations", SELECTOR_HOLD_ANNOTATION);
  if (a.hold !== undefined && hold !== undefined) {
    patch = { ...patch, metadata: { annotations: { [SELECTOR_HOLD_ANNOTATION]: a.hold === "switched" ? switchedHold(hold) : null } } };
  }
  await objects.mergePatch(a.ref, patch);
};

const deleteLeftovers: Act<"delete-leftovers"> = async (a, objects) => {
  for (const o of await leftovers(objects, a.namespace, a.selector, { except: a.except, terminating: false })) {
    const ref: ReplaceRef = { apiVersion: String(o["apiVersion"]), kind: String(o["kind"]), namespace: a.namespace, name: metaString(o, "name") ?? "" };
    await objects.delete(ref, { propagation: "Background", uid: uidOf(o) });
  }
};

/**
 * Sends one step's action. Each is idempotent on its own: deletes carry a uid precondition and
 * skip an object already gone, a create of an existing name is a no-op, patches set values.
 */
export async function performAction(a: StepAction, objects: KubeObjects, input: JournalInput, now: number): Promise<void> {
  switch (a.type) {
    case "freeze":
      return objects.mergePatch(a.ref, { metadata: { annotations: { [FLUX_RECONCILE_ANNOTATION]: FLUX_RECONCILE_DISABLED, [SELECTOR_HOLD_ANNOTATION]: a.hold } } });
    case "unfreeze":
      if ((await objects.get(a.ref)) === undefined) return;
      return objects.mergePatch(a.ref, { metadata: { annotations: { [FLUX_RECONCILE_ANNOTATION]: null, [SELECTOR_HOLD_ANNOTATION]: null } } });
    case "delete":
      return deleteOne(a, objects, input, now);
    case "create":
      return create(a, objects, input, now);
    case "request-reconcile": {
      // helm-controller leaves an in-sync release alone on a plain request: forceAt with the same
      // token makes it upgrade, and an upgrade creates what is missing (watch-recovery.md §2, §6.3).
      const token = new Date(now).toISOString();
      const annotations: JsonObject = a.owner.kind === "HelmRelease" ? { [FLUX_REQUESTED_AT]: token, [FLUX_FORCE_AT]: token } : { [FLUX_REQUESTED_AT]: token };
      return objects.mergePatch(a.owner, { metadata: { annotations } });
    }
    case "switch-selector":
      return switchSelector(a, objects, input, now);
    case "delete-pod":
      await objects.delete({ apiVersion: "v1", kind: "Pod", namespace: a.namespace, name: a.name }, { propagation: "Background", uid: a.uid });
      return;
    case "delete-leftovers":
      return deleteLeftovers(a, objects, input, now);
    case "delete-generation":
      for (const rs of (await newGeneration(objects, a.namespace, a.selector, a.keep)).filter((o) => o["kind"] === "ReplicaSet" && !metaString(o, "deletionTimestamp"))) {
        await objects.delete({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace: a.namespace, name: metaString(rs, "name") ?? "" }, { propagation: "Background", uid: uidOf(rs) });
      }
      return;
    case "wait":
      return;
  }
}
