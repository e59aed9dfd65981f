import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { metadataOf, metaString, pendingFinalizers } from "./object-metadata.ts";
import type { ResourceType } from "./resource-type.ts";

/** Deletes one object through the API path (so admission and listeners see it). */
export type RemoveObject = (ctx: ApiContext, resource: ResourceType, namespace: string, name: string,
  options: { propagationPolicy: "Background" | "Foreground"; dryRun: false }) => Promise<unknown>;

interface Located {
  readonly resource: ResourceType;
  readonly object: JsonObject;
}

function everyStoredObject(ctx: ApiContext, namespace?: string): Located[] {
  const seen = new Set<string>();
  const out: Located[] = [];
  for (const resource of ctx.registry.all()) {
    if (seen.has(resource.storageKey) || (namespace !== undefined && !resource.namespaced)) continue;
    seen.add(resource.storageKey);
    for (const object of ctx.store.list(resource.storageKey, namespace)) out.push({ resource, object });
  }
  return out;
}

function ownerUids(obj: JsonObject): string[] {
  const refs = metadataOf(obj)["ownerReferences"];
  return Array.isArray(refs) ? refs.flatMap((r) => (isJsonObject(r) && typeof r["uid"] === "string" ? [r["uid"]] : [])) : [];
}

function dependentsOf(ctx: ApiContext, uid: string): Located[] {
  return everyStoredObject(ctx).filter(({ object }) => ownerUids(object).includes(uid));
}

/** Dependents whose reference to `uid` has blockOwnerDeletion: true (the ones foreground deletion waits for). */
function blockingDependentsOf(ctx: ApiContext, uid: string): Located[] {
  return everyStoredObject(ctx).filter(({ object }) => {
    const refs = metadataOf(structuredClone(object))["ownerReferences"];
    return Array.isArray(refs) && refs.some((r) => isJsonObject(r) && r["uid"] === uid && r["blockOwnerDeletion"] === true);
  });
}

function existingUids(ctx: ApiContext): Set<string> {
  return new Set(everyStoredObject(ctx).map(({ object }) => metaString(object, "uid")));
}

async function removeAll(ctx: ApiContext, items: readonly Located[], remove: RemoveObject): Promise<void> {
  for (const { resource, object } of items) {
    await remove(ctx, resource, metaString(object, "namespace"), metaString(object, "name"), { propagationPolicy: "Background", dryRun: false })
      .catch(() => undefined);
  }
}

/** Drops one finalizer (metadata, or a Namespace's spec) and deletes the object if none are left. */
function dropFinalizer(ctx: ApiContext, resource: ResourceType, stored: JsonObject, finalizer: string): void {
  const next = structuredClone(stored);
  const meta = metadataOf(next);
  if (Array.isArray(meta["finalizers"])) meta["finalizers"] = meta["finalizers"].filter((f) => f !== finalizer);
  if (isJsonObject(next["spec"]) && Array.isArray(next["spec"]["finalizers"])) {
    next["spec"]["finalizers"] = next["spec"]["finalizers"].filter((f) => f !== finalizer);
  }
  const done = pendingFinalizers(next).length === 0;
  ctx.store.write(resource.storageKey, metaString(stored, "namespace"), metaString(stored, "name"), done ? undefined : next);
}

function reread(ctx: ApiContext, resource: ResourceType, obj: JsonObject): JsonObject | undefined {
  return ctx.store.get(resource.storageKey, metaString(obj, "namespace"), metaString(obj, "name"));
}

/**
 * Foreground deletion of the dependents: the GC's attemptToDeleteItem deletes a dependent whose
 * owner waits for it in the foreground too when it has dependents of its own (so a Deployment
 * waits for its ReplicaSets, which wait for their pods), else in the background.
 */
async function deleteDependentsInForeground(ctx: ApiContext, uid: string, remove: RemoveObject): Promise<void> {
  for (const { resource, object } of dependentsOf(ctx, uid)) {
    if (metaString(object, "deletionTimestamp") !== "") continue;
    const policy = dependentsOf(ctx, metaString(object, "uid")).length > 0 ? "Foreground" : "Background";
    await remove(ctx, resource, metaString(object, "namespace"), metaString(object, "name"), { propagationPolicy: policy, dryRun: false })
      .catch(() => undefined);
  }
}

/**
 * processDeletingDependentsItem: an owner deleted in the foreground keeps its "foregroundDeletion"
 * finalizer while a dependent that blocks it (blockOwnerDeletion: true) still exists, even one
 * being deleted (a pod in its grace period). Re-run when a dependent goes; an owner that goes
 * then frees its own owners in turn.
 */
function finishForeground(ctx: ApiContext, uid: string): void {
  const owner = everyStoredObject(ctx).find(({ object }) => metaString(object, "uid") === uid);
  if (!owner || !pendingFinalizers(owner.object).includes("foregroundDeletion")) return;
  if (blockingDependentsOf(ctx, uid).length > 0) return;
  dropFinalizer(ctx, owner.resource, owner.object, "foregroundDeletion");
  if (reread(ctx, owner.resource, owner.object) === undefined) for (const next of ownerUids(owner.object)) finishForeground(ctx, next);
}

async function finalizeNamespace(ctx: ApiContext, namespaceName: string, remove: RemoveObject): Promise<void> {
  const ns = ctx.store.get("namespaces", "", namespaceName);
  if (!ns || metaString(ns, "deletionTimestamp") === "") return;
  await removeAll(ctx, everyStoredObject(ctx, namespaceName).filter(({ object }) => metaString(object, "deletionTimestamp") === ""), remove);
  const nsResource = ctx.registry.all().find((r) => r.storageKey === "namespaces");
  const latest = ctx.store.get("namespaces", "", namespaceName);
  if (nsResource && latest && everyStoredObject(ctx, namespaceName).length === 0) dropFinalizer(ctx, nsResource, latest, "kubernetes");
}

/**
 * The garbage collector's and namespace controller's reaction to a delete, run in the background
 * (kube-controller-manager does this asynchronously, so clients must wait for it):
 * - gone with Background: dependents (ownerReferences to its uid) with no other live owner are deleted;
 * - marked with "foregroundDeletion": dependents are deleted (in the foreground when they own
 *   objects themselves), and the finalizer is removed once no dependent with blockOwnerDeletion
 *   is left (re-checked whenever a dependent goes);
 * - marked with "orphan": dependents lose the owner reference, then the finalizer is removed;
 * - a Namespace marked for deletion: everything in it is deleted, then its "kubernetes" finalizer
 *   is removed (re-checked whenever an object in a terminating namespace goes away).
 * Only owners deleted through the simulator trigger collection; dangling owner references in
 * objects put through the test store are left alone.
 */
export function collectAfterDelete(ctx: ApiContext, resource: ResourceType, object: JsonObject, policy: string, remove: RemoveObject): void {
  const uid = metaString(object, "uid");
  const gone = metaString(object, "deletionTimestamp") === "" || reread(ctx, resource, object) === undefined;
  ctx.background.runLater(async () => {
    if (gone) {
      for (const owner of ownerUids(object)) finishForeground(ctx, owner);
      const live = existingUids(ctx);
      const orphans = dependentsOf(ctx, uid).filter(({ object: d }) => !ownerUids(d).some((u) => u !== uid && live.has(u)));
      if (policy !== "Orphan") await removeAll(ctx, orphans, remove);
      const ns = metaString(object, "namespace");
      if (ns !== "") await finalizeNamespace(ctx, ns, remove);
      return;
    }
    const finalizers = pendingFinalizers(object);
    if (finalizers.includes("foregroundDeletion")) {
      await deleteDependentsInForeground(ctx, uid, remove);
      finishForeground(ctx, uid);
    }
    if (finalizers.includes("orphan")) {
      for (const dep of dependentsOf(ctx, uid)) {
        const next = structuredClone(dep.object);
        const meta = metadataOf(next);
        meta["ownerReferences"] = (Array.isArray(meta["ownerReferences"]) ? meta["ownerReferences"] : [])
          .filter((r) => !(isJsonObject(r) && r["uid"] === uid));
        ctx.store.write(dep.resource.storageKey, metaString(next, "namespace"), metaString(next, "name"), next);
      }
      const latest = reread(ctx, resource, object);
      if (latest) dropFinalizer(ctx, resource, latest, "orphan");
    }
    if (object["kind"] === "Namespace") await finalizeNamespace(ctx, metaString(object, "name"), remove);
  });
}
