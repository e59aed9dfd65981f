import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "../kube-apiserver/api-context.ts";
import { createObject } from "../kube-apiserver/create-object.ts";
import { deleteObject, type PropagationPolicy } from "../kube-apiserver/delete-object.ts";
import type { ResourceType } from "../kube-apiserver/resource-type.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { updateObject } from "../kube-apiserver/update-object.ts";
import { meta } from "./json-fields.ts";
import type { KindRef } from "./kinds.ts";

/** One object of a kind. */
export interface ObjectRef extends KindRef {
  /** "" for cluster-scoped kinds. */
  readonly namespace: string;
  readonly name: string;
}

/** What a controller's DELETE carries. */
export interface ControllerDeleteOptions {
  readonly propagationPolicy?: PropagationPolicy;
  /** Pods: 0 is the kubelet's final delete; absent uses the pod's terminationGracePeriodSeconds. */
  readonly gracePeriodSeconds?: number;
  /** Precondition: delete only the object with this uid (409 otherwise), as controllers do. */
  readonly uid?: string;
}

/**
 * How the simulated controllers reach the cluster: reads straight from storage (a real controller
 * reads its informer cache, which here is never stale), writes through the API server's own write
 * path (admission, validation, optimistic concurrency, watches, the garbage collector), in
 * process: no HTTP, so `server.requests` keeps only what the code under test sent.
 */
export interface ClusterApi {
  /** The simulated clock. */
  now(): Date;
  /** Objects of a kind, sorted by namespace/name; namespace undefined = all namespaces. */
  list(kind: KindRef, namespace?: string): JsonObject[];
  get(ref: ObjectRef): JsonObject | undefined;
  /** POST; the object's metadata.namespace names the collection. */
  create(obj: JsonObject): Promise<JsonObject>;
  /**
   * GuaranteedUpdate of the main endpoint or of /status: `change` gets a private copy of the
   * current object and returns the wanted one (undefined: leave it as it is).
   */
  update(ref: ObjectRef, change: (current: JsonObject) => JsonObject | undefined, subresource?: "status"): Promise<JsonObject>;
  delete(ref: ObjectRef, options?: ControllerDeleteOptions): Promise<void>;
}

/** A ClusterApi over a simulated API server's context. */
export function createClusterApi(ctx: ApiContext): ClusterApi {
  const resourceOf = (kind: KindRef): ResourceType => {
    const resource = ctx.registry.byKind(kind.apiVersion, kind.kind);
    if (!resource) throw new Error(`kube-controllers: the simulated API server does not serve ${kind.apiVersion} ${kind.kind}`);
    return resource;
  };
  return {
    now: () => ctx.now(),
    list(kind, namespace) {
      const resource = resourceOf(kind);
      return ctx.store.list(resource.storageKey, namespace).map(resource.fromStorage);
    },
    get(ref) {
      const resource = resourceOf(ref);
      const stored = ctx.store.get(resource.storageKey, ref.namespace, ref.name);
      return stored ? resource.fromStorage(stored) : undefined;
    },
    create(obj) {
      const resource = resourceOf({ apiVersion: String(obj["apiVersion"]), kind: String(obj["kind"]) });
      return createObject(ctx, resource, resource.namespaced ? meta(obj, "namespace") : "", obj, false);
    },
    update(ref, change, subresource) {
      const resource = resourceOf(ref);
      return updateObject(ctx, { resource, namespace: ref.namespace, name: ref.name, subresource: subresource ?? "" }, (current) => change(current) ?? current, false);
    },
    async delete(ref, options = {}) {
      await deleteObject(ctx, resourceOf(ref), ref.namespace, ref.name, {
        dryRun: false,
        ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
        ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
        ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
      });
    },
  };
}

/** The ref of a stored object of `kind`. */
export function refOf(kind: KindRef, obj: JsonObject): ObjectRef {
  return { ...kind, namespace: meta(obj, "namespace"), name: meta(obj, "name") };
}

/**
 * Runs a write that may lose a race (409 Conflict, 404 Not Found: the object moved or went
 * meanwhile); a real controller requeues and retries on its next sync, as the driver's next
 * round does. Other API errors (admission denials, 422) are reported to `onError`.
 */
export async function tolerateRace<T>(write: Promise<T>, onError: (error: StatusError) => void): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    if (error.code !== 409 && error.code !== 404) onError(error);
    return undefined;
  }
}
