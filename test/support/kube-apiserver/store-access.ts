import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { kubeTimestamp, metadataOf, metaString } from "./object-metadata.ts";
import type { ResourceType } from "./resource-type.ts";

/** Names one object for the test store. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** Required for namespaced kinds; ignored for cluster-scoped ones. */
  readonly namespace?: string;
  readonly name: string;
}

/**
 * Direct access to the simulated cluster's storage for test setup and assertions. Writes here
 * skip admission, validation, NamespaceLifecycle, status/spec separation and finalizers, but do
 * bump the resourceVersion and reach watches, exactly like a write by another client would.
 */
export interface StoreAccess {
  /**
   * Creates or replaces `obj` (found by apiVersion/kind; a namespaced object without
   * metadata.namespace goes to "default"). Fills uid, creationTimestamp and (when tracked)
   * generation unless given; keeps the existing uid/creationTimestamp on replace. Status is stored
   * as given. Returns the stored object (with its new resourceVersion). Throws for an unknown kind.
   */
  put(obj: JsonObject): JsonObject;
  /** The stored object, or undefined. */
  get(ref: ObjectRef): JsonObject | undefined;
  /** Removes the object at once (no finalizers, no garbage collection); false if it was absent. */
  delete(ref: ObjectRef): boolean;
  /** Stored objects of a kind, sorted by namespace/name; namespace undefined = all. */
  list(apiVersion: string, kind: string, namespace?: string): JsonObject[];
  /** The latest resourceVersion, as a string of digits. */
  resourceVersion(): string;
  /** Forgets the change history: watches and continue tokens from before now get 410 Expired. */
  compact(): void;
}

/** A StoreAccess over the context's store and registry. */
export function createStoreAccess(ctx: ApiContext): StoreAccess {
  const resourceOf = (apiVersion: string, kind: string): ResourceType => {
    const resource = ctx.registry.byKind(apiVersion, kind);
    if (!resource) throw new Error(`simulated API server: no resource serves ${apiVersion} ${kind}; registerResource it first`);
    return resource;
  };
  const namespaceOf = (resource: ResourceType, namespace: string | undefined): string =>
    resource.namespaced ? namespace || "default" : "";
  return {
    put(obj) {
      const resource = resourceOf(String(obj["apiVersion"]), String(obj["kind"]));
      const next = structuredClone(obj);
      const meta = metadataOf(next);
      const namespace = namespaceOf(resource, metaString(next, "namespace"));
      if (resource.namespaced) meta["namespace"] = namespace;
      else delete meta["namespace"];
      const name = metaString(next, "name");
      if (name === "") throw new Error("simulated API server: store.put needs metadata.name");
      const existing = ctx.store.get(resource.storageKey, namespace, name);
      meta["uid"] ??= existing ? metaString(existing, "uid") : ctx.newUid();
      meta["creationTimestamp"] ??= existing ? metaString(existing, "creationTimestamp") : kubeTimestamp(ctx.now());
      if (resource.tracksGeneration) meta["generation"] ??= existing ? metadataOf(existing)["generation"] ?? 1 : 1;
      delete meta["resourceVersion"];
      const change = ctx.store.write(resource.storageKey, namespace, name, resource.toStorage(next))!;
      return resource.fromStorage(change.object);
    },
    get(ref) {
      const resource = resourceOf(ref.apiVersion, ref.kind);
      const stored = ctx.store.get(resource.storageKey, namespaceOf(resource, ref.namespace), ref.name);
      return stored ? resource.fromStorage(stored) : undefined;
    },
    delete(ref) {
      const resource = resourceOf(ref.apiVersion, ref.kind);
      return ctx.store.write(resource.storageKey, namespaceOf(resource, ref.namespace), ref.name, undefined) !== undefined;
    },
    list(apiVersion, kind, namespace) {
      const resource = resourceOf(apiVersion, kind);
      return ctx.store.list(resource.storageKey, namespace).map(resource.fromStorage);
    },
    resourceVersion: () => String(ctx.store.currentResourceVersion()),
    compact: () => ctx.store.compact(),
  };
}
