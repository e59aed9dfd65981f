import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { collectAfterDelete } from "./garbage-collector.ts";
import { kubeTimestamp, metadataOf, metaString, pendingFinalizers } from "./object-metadata.ts";
import { groupResource, type ResourceType } from "./resource-type.ts";
import { podGracePeriodSeconds } from "./pod-grace-period.ts";
import { conflict, notFound } from "./status-error.ts";

export type PropagationPolicy = "Foreground" | "Background" | "Orphan";

/** DeleteOptions fields the simulator honours (from the query or a DeleteOptions body). */
export interface DeleteOptions {
  /** Default "Background" (apps/v1, core), "Orphan" for batch/v1 Jobs (their registry's default). */
  readonly propagationPolicy?: PropagationPolicy;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Pods only (see podGracePeriodSeconds); other kinds are deleted at once, as their strategies do. */
  readonly gracePeriodSeconds?: number;
  readonly dryRun: boolean;
}

/** The object after DELETE, and whether it is gone (200) or waits on finalizers (202 Accepted). */
export interface DeleteResult {
  readonly object: JsonObject;
  readonly finished: boolean;
}

// The finalizers the garbage collector adds for Foreground and Orphan deletion.
const POLICY_FINALIZER: Partial<Record<PropagationPolicy, string>> = { Foreground: "foregroundDeletion", Orphan: "orphan" };

/**
 * DELETE of one object, as the generic registry store does: 404 if absent; 409 on a failed uid
 * or resourceVersion precondition; validating admission and listeners; then either gone at once
 * (no finalizers) or marked with deletionTimestamp, deletionGracePeriodSeconds 0, the policy's
 * finalizer, generation + 1 (and a Namespace's phase Terminating) to wait for finalizers. The
 * garbage collector then deletes dependents (Background, Foreground) or clears their owner
 * references (Orphan), in the background. A pod with a grace period (podGracePeriodSeconds) is
 * only marked: deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace; it stays until
 * a DELETE with a shorter grace (the kubelet's gracePeriodSeconds=0 once its containers stopped)
 * removes it. Other kinds have no graceful deletion.
 */
export async function deleteObject(ctx: ApiContext, resource: ResourceType, namespace: string, name: string, options: DeleteOptions): Promise<DeleteResult> {
  const stored = ctx.store.get(resource.storageKey, namespace, name);
  if (!stored) throw notFound(groupResource(resource), name);
  const current = resource.fromStorage(stored);
  const { uid, resourceVersion } = options.preconditions ?? {};
  if (uid && uid !== metaString(current, "uid")) {
    throw conflict(groupResource(resource), name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${metaString(current, "uid")}`);
  }
  if (resourceVersion && resourceVersion !== metaString(current, "resourceVersion")) {
    throw conflict(groupResource(resource), name,
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${metaString(current, "resourceVersion")}`);
  }
  await ctx.hooks.validateAndNotify({ operation: "DELETE", resource, subresource: "", namespace, name, object: undefined, oldObject: current, dryRun: options.dryRun });
  if (options.dryRun) return { object: current, finished: true };
  // batch/v1 Jobs orphan their pods when no policy is given (jobStrategy.DefaultGarbageCollectionPolicy,
  // kept for backward compatibility; kubectl sends Background explicitly); everything else deletes them.
  const policy = options.propagationPolicy ?? (resource.storageKey === "jobs.batch" ? "Orphan" : "Background");
  const grace = resource.storageKey === "pods" ? podGracePeriodSeconds(current, options.gracePeriodSeconds) : 0;
  if (metaString(current, "deletionTimestamp") !== "") return shortenGrace(ctx, resource, current, grace);
  const extra = POLICY_FINALIZER[policy];
  if (grace > 0) return markGraceful(ctx, resource, current, { grace, finalizer: extra });
  if (pendingFinalizers(current).length === 0 && extra === undefined) {
    const change = ctx.store.write(resource.storageKey, namespace, name, undefined)!;
    collectAfterDelete(ctx, resource, change.object, policy, deleteObject);
    return { object: resource.fromStorage(change.object), finished: true };
  }
  const marked = structuredClone(current);
  const meta = metadataOf(marked);
  meta["deletionTimestamp"] = kubeTimestamp(ctx.now());
  meta["deletionGracePeriodSeconds"] = 0;
  const finalizers = Array.isArray(meta["finalizers"]) ? meta["finalizers"] : [];
  if (extra !== undefined && !finalizers.includes(extra)) meta["finalizers"] = [...finalizers, extra];
  if (typeof meta["generation"] === "number" && meta["generation"] > 0) meta["generation"] += 1;
  if (marked["kind"] === "Namespace") marked["status"] = { phase: "Terminating" };
  const change = ctx.store.write(resource.storageKey, namespace, name, resource.toStorage(marked))!;
  collectAfterDelete(ctx, resource, change.object, policy, deleteObject);
  return { object: resource.fromStorage(change.object), finished: false };
}

function commitMarked(ctx: ApiContext, resource: ResourceType, marked: JsonObject): DeleteResult {
  const change = ctx.store.write(resource.storageKey, metaString(marked, "namespace"), metaString(marked, "name"), resource.toStorage(marked))!;
  return { object: resource.fromStorage(change.object), finished: false };
}

/** The first DELETE of a pod with a grace period: marked, left for its kubelet to finish. */
function markGraceful(ctx: ApiContext, resource: ResourceType, current: JsonObject, how: { grace: number; finalizer: string | undefined }): DeleteResult {
  const marked = structuredClone(current);
  const meta = metadataOf(marked);
  meta["deletionTimestamp"] = kubeTimestamp(new Date(ctx.now().getTime() + how.grace * 1000));
  meta["deletionGracePeriodSeconds"] = how.grace;
  const finalizers = Array.isArray(meta["finalizers"]) ? meta["finalizers"] : [];
  if (how.finalizer !== undefined && !finalizers.includes(how.finalizer)) meta["finalizers"] = [...finalizers, how.finalizer];
  const result = commitMarked(ctx, resource, marked);
  collectAfterDelete(ctx, resource, result.object, "Background", deleteObject);
  return result;
}

/**
 * A DELETE of an object already being deleted: only a pod's grace period can shrink (the generic
 * store's BeforeDelete "shorten the grace period"); 0 with no finalizers removes it now.
 */
function shortenGrace(ctx: ApiContext, resource: ResourceType, current: JsonObject, grace: number): DeleteResult {
  const meta = metadataOf(structuredClone(current));
  const pending = meta["deletionGracePeriodSeconds"];
  if (resource.storageKey !== "pods" || typeof pending !== "number" || grace >= pending) return { object: current, finished: false };
  if (grace === 0 && pendingFinalizers(current).length === 0) {
    const change = ctx.store.write(resource.storageKey, metaString(current, "namespace"), metaString(current, "name"), undefined)!;
    collectAfterDelete(ctx, resource, change.object, "Background", deleteObject);
    return { object: resource.fromStorage(change.object), finished: true };
  }
  const marked = structuredClone(current);
  const markedMeta = metadataOf(marked);
  markedMeta["deletionTimestamp"] = kubeTimestamp(new Date(ctx.now().getTime() + grace * 1000));
  markedMeta["deletionGracePeriodSeconds"] = grace;
  return commitMarked(ctx, resource, marked);
}
