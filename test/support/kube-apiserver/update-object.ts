import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { checkRequestObject } from "./check-request-object.ts";
import { deleteObject } from "./delete-object.ts";
import { collectAfterDelete } from "./garbage-collector.ts";
import { isNoOpUpdate, metadataOf, metaString, pendingFinalizers, prepareForUpdate } from "./object-metadata.ts";
import { groupResource, type ResourceType } from "./resource-type.ts";
import { conflict, notFound } from "./status-error.ts";
import type { WriteRequest } from "./write-hooks.ts";

/** Which object an update targets. */
export interface UpdateTarget {
  readonly resource: ResourceType;
  /** "" for cluster-scoped resources. */
  readonly namespace: string;
  readonly name: string;
  /** "" for the main endpoint, "status" for /status. */
  readonly subresource: string;
}

// GuaranteedUpdate retries when the stored object moved while the update was computed.
const MAX_ATTEMPTS = 5;

/**
 * PUT or PATCH: `change` turns the current object (served form, a private copy) into the wanted
 * one: the PUT body, or the patch applied to it. Then, as kube-apiserver's GuaranteedUpdate:
 * 404 if absent; 409 Conflict if the wanted object names a resourceVersion or uid other than the
 * stored one; server-owned fields and (per subresource) spec or status kept; generation bumped on spec
 * change; admission, validation and listeners; retried when the stored object changed meanwhile.
 * A no-op update stores nothing (no new resourceVersion, no watch event). Removing the last
 * finalizer of a deleting object (with no grace period pending) deletes it. Returns the stored object in the served form.
 */
export async function updateObject(ctx: ApiContext, target: UpdateTarget, change: (current: JsonObject) => JsonObject, dryRun: boolean): Promise<JsonObject> {
  const { resource, namespace, name, subresource } = target;
  for (let attempt = 1; ; attempt++) {
    const stored = ctx.store.get(resource.storageKey, namespace, name);
    if (!stored) throw notFound(groupResource(resource), name);
    const current = resource.fromStorage(stored);
    const currentVersion = metaString(current, "resourceVersion");
    const wanted = checkRequestObject(resource, namespace, name, change(structuredClone(current)));
    const wantedVersion = metaString(wanted, "resourceVersion");
    if (wantedVersion !== "" && wantedVersion !== currentVersion) throw conflict(groupResource(resource), name);
    const wantedUid = metaString(wanted, "uid");
    if (wantedUid !== "" && wantedUid !== metaString(current, "uid")) {
      throw conflict(groupResource(resource), name, `Precondition failed: UID in precondition: ${wantedUid}, UID in object meta: ${metaString(current, "uid")}`);
    }
    const prepared = prepareForUpdate(resource, current, wanted, subresource);
    metadataOf(prepared)["resourceVersion"] = currentVersion;
    const base: WriteRequest = { operation: "UPDATE", resource, subresource, namespace, name, object: prepared, oldObject: current, dryRun };
    const object = (await ctx.hooks.mutate(base)) ?? prepared;
    const request: WriteRequest = { ...base, object };
    ctx.hooks.validate(request);
    await ctx.hooks.validateAndNotify(request);
    if (metaString(ctx.store.get(resource.storageKey, namespace, name) ?? {}, "resourceVersion") !== currentVersion) {
      if (attempt < MAX_ATTEMPTS) continue;
      throw conflict(groupResource(resource), name);
    }
    if (isNoOpUpdate(current, object) || dryRun) return object;
    // Store.ShouldDeleteDuringUpdate: no finalizers left and no grace period pending (a pod in
    // graceful termination stays until its kubelet deletes it).
    const grace = metadataOf(structuredClone(current))["deletionGracePeriodSeconds"];
    const finished = metaString(object, "deletionTimestamp") !== "" && pendingFinalizers(object).length === 0 && (grace === undefined || grace === 0);
    const committed = ctx.store.write(resource.storageKey, namespace, name, finished ? undefined : resource.toStorage(object))!;
    if (finished) collectAfterDelete(ctx, resource, committed.object, "Background", deleteObject);
    return resource.fromStorage(committed.object);
  }
}
