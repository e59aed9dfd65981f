import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, selectorMatches, type Selector } from "../../../src/core/impact/cascade/label-selector.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { isDeleting, meta, objectField } from "./json-fields.ts";
import type { KindRef } from "./kinds.ts";
import { controllerRefOf, controllerRefTo, ownerReferencesOf } from "./owner-references.ts";
import type { ControllerContext } from "./sim-controller.ts";

/** What ControllerRefManager.claimObject decides for each candidate. */
export interface ClaimPlan {
  /** Already ours and still selected: what the controller manages. */
  readonly owned: JsonObject[];
  /** Orphans the controller adopts (then manages). */
  readonly adopt: JsonObject[];
  /** Ours but no longer selected (or no longer a member): the controller reference is removed. */
  readonly release: JsonObject[];
}

/**
 * kubernetes/kubernetes pkg/controller/controller_ref_manager.go claimObject (watch-recovery.md
 * §6.2): an object controlled by another uid is ignored; one controlled by us is kept while the
 * selector (and `member`, the StatefulSet's name check) matches, else released, unless the owner
 * or the object is being deleted; an orphan is adopted when both match and neither the owner nor
 * the object is being deleted.
 */
export function planClaims(owner: JsonObject, selector: Selector, candidates: readonly JsonObject[], member: (obj: JsonObject) => boolean = () => true): ClaimPlan {
  const plan: ClaimPlan = { owned: [], adopt: [], release: [] };
  const uid = meta(owner, "uid");
  for (const obj of candidates) {
    const matches = selectorMatches(selector, labelsOf(objectField(obj, "metadata")["labels"])) && member(obj);
    const ref = controllerRefOf(obj);
    if (ref !== undefined && ref["uid"] !== uid) continue;
    if (ref !== undefined) {
      if (matches) plan.owned.push(obj);
      else if (!isDeleting(owner) && !isDeleting(obj)) plan.release.push(obj);
      continue;
    }
    if (matches && !isDeleting(owner) && !isDeleting(obj)) plan.adopt.push(obj);
  }
  return plan;
}

/**
 * Carries out a ClaimPlan through the API: adoption adds the controller reference only if the
 * object is still an orphan (the real adoption patch carries the object's uid and the API server's
 * ValidateOwnerReferences refuses a second controller); release removes our reference.
 * Returns what the controller now manages: owned plus what it adopted.
 */
export async function claimObjects(ctx: ControllerContext, kind: KindRef, owner: JsonObject, plan: ClaimPlan): Promise<JsonObject[]> {
  const claimed = [...plan.owned];
  const uid = meta(owner, "uid");
  for (const obj of plan.adopt) {
    const adopted = await tolerateRace(ctx.api.update(refOf(kind, obj), (current) => {
      if (controllerRefOf(current) !== undefined || meta(current, "uid") !== meta(obj, "uid")) return undefined;
      current["metadata"] = { ...objectField(current, "metadata"), ownerReferences: [...ownerReferencesOf(current), controllerRefTo(owner)] };
      return current;
    }), (e) => ctx.report(e));
    if (adopted && controllerRefOf(adopted)?.["uid"] === uid) claimed.push(adopted);
  }
  for (const obj of plan.release) {
    await tolerateRace(ctx.api.update(refOf(kind, obj), (current) => {
      current["metadata"] = { ...objectField(current, "metadata"), ownerReferences: ownerReferencesOf(current).filter((r) => r["uid"] !== uid) };
      return current;
    }), (e) => ctx.report(e));
  }
  return claimed;
}
