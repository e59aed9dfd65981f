import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { checkNamespaceLifecycle } from "./check-namespace-lifecycle.ts";
import { checkRequestObject } from "./check-request-object.ts";
import { metaString, prepareForCreate } from "./object-metadata.ts";
import { groupResource, type ResourceType } from "./resource-type.ts";
import { alreadyExists, internalError } from "./status-error.ts";
import type { WriteRequest } from "./write-hooks.ts";

/**
 * POST to a collection: request checks, NamespaceLifecycle, server-owned metadata, mutating
 * admission, validation (422), validating admission and onWrite listeners, then the store
 * (409 AlreadyExists if the name is taken; 500 if the body carries a resourceVersion, as etcd3
 * store.Create answers). With dryRun nothing is stored and the answer has no
 * resourceVersion. Returns the created object in the served form.
 */
export async function createObject(ctx: ApiContext, resource: ResourceType, namespace: string, body: JsonObject, dryRun: boolean): Promise<JsonObject> {
  const checked = checkRequestObject(resource, namespace, undefined, body);
  checkNamespaceLifecycle(ctx, resource, namespace);
  const prepared = prepareForCreate(resource, checked, { now: ctx.now(), uid: ctx.newUid(), randomSuffix: ctx.randomSuffix() });
  const base: WriteRequest = {
    operation: "CREATE", resource, subresource: "", namespace, name: metaString(prepared, "name"),
    object: prepared, oldObject: undefined, dryRun,
  };
  const object = (await ctx.hooks.mutate(base)) ?? prepared;
  const request: WriteRequest = { ...base, object };
  ctx.hooks.validate(request);
  await ctx.hooks.validateAndNotify(request);
  // etcd3 store.Create refuses it; the registry passes the plain error through, so clients see a 500.
  if (metaString(checked, "resourceVersion") !== "") throw internalError("resourceVersion should not be set on objects to be created");
  if (ctx.store.get(resource.storageKey, namespace, request.name)) throw alreadyExists(groupResource(resource), request.name);
  if (dryRun) return object;
  const change = ctx.store.write(resource.storageKey, namespace, request.name, resource.toStorage(object));
  return resource.fromStorage(change!.object);
}
