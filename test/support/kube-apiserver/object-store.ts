import type { JsonObject } from "../../../src/core/k8s/json.ts";

/** One committed change, as etcd's watch reports it. */
export interface StoredChange {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  /** Global revision of this change (kube-apiserver's resourceVersion is etcd's revision). */
  readonly resourceVersion: number;
  readonly storageKey: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  /** State after the change; for DELETED the last state, carrying the deletion's resourceVersion. */
  readonly object: JsonObject;
  /** State before the change; undefined for ADDED. */
  readonly previous: JsonObject | undefined;
}

/** In-memory etcd: objects by storage key, one global revision counter and a bounded change history. */
export interface ObjectStore {
  /** The latest revision (starts at 1 on an empty store, like a fresh etcd). */
  currentResourceVersion(): number;
  /**
   * Revisions at or above this one can still be watched from or listed at; older ones get 410
   * Expired (etcd compaction). Moves up as the history drops its oldest changes.
   */
  oldestResourceVersion(): number;
  /** A copy of one stored object. */
  get(storageKey: string, namespace: string, name: string): JsonObject | undefined;
  /** Copies of the stored objects under a key, sorted by namespace/name; namespace undefined = all. */
  list(storageKey: string, namespace?: string): JsonObject[];
  /** list() as it was at `resourceVersion`; undefined when that revision is compacted away. */
  listAt(storageKey: string, namespace: string | undefined, resourceVersion: number): JsonObject[] | undefined;
  /** Changes (all keys) after `resourceVersion`, oldest first; undefined when compacted away. */
  changesSince(resourceVersion: number): StoredChange[] | undefined;
  /**
   * Commits an object (next) or a deletion (next undefined; no-op if absent): bumps the revision,
   * stamps next's metadata.resourceVersion, records and publishes the change.
   */
  write(storageKey: string, namespace: string, name: string, next: JsonObject | undefined): StoredChange | undefined;
  /** Calls `listener` synchronously after every committed change; returns the unsubscribe function. */
  subscribe(listener: (change: StoredChange) => void): () => void;
  /** Drops the whole history, as an etcd compaction at the current revision does. */
  compact(): void;
}

/** Sort key of an object within its storage key: "ns/name", or "name" when cluster-scoped. */
export function objectKey(namespace: string, name: string): string {
  return namespace === "" ? name : `${namespace}/${name}`;
}

function withResourceVersion(obj: JsonObject, rv: number): JsonObject {
  const copy = structuredClone(obj);
  const meta = typeof copy["metadata"] === "object" && copy["metadata"] !== null && !Array.isArray(copy["metadata"])
    ? copy["metadata"] : {};
  copy["metadata"] = { ...meta, resourceVersion: String(rv) };
  return copy;
}

function inNamespace(key: string, namespace: string | undefined): boolean {
  return namespace === undefined || key.startsWith(`${namespace}/`);
}

function sortedValues(objects: Map<string, JsonObject>, namespace: string | undefined): JsonObject[] {
  return [...objects.entries()]
    .filter(([key]) => inNamespace(key, namespace))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, obj]) => structuredClone(obj));
}

/**
 * An empty store. `historyLimit` (changes, default 1000; kube-apiserver's watch cache holds 100
 * to 1000s and etcd compacts every 5 minutes) bounds how far back watches and continue tokens reach.
 */
export function createObjectStore(historyLimit = 1000): ObjectStore {
  const objects = new Map<string, Map<string, JsonObject>>();
  const history: StoredChange[] = [];
  const listeners = new Set<(change: StoredChange) => void>();
  let revision = 1;
  let compactedThrough = 1;

  const bucket = (storageKey: string): Map<string, JsonObject> => {
    let found = objects.get(storageKey);
    if (!found) {
      found = new Map();
      objects.set(storageKey, found);
    }
    return found;
  };

  return {
    currentResourceVersion: () => revision,
    oldestResourceVersion: () => compactedThrough,
    get(storageKey, namespace, name) {
      const found = objects.get(storageKey)?.get(objectKey(namespace, name));
      return found ? structuredClone(found) : undefined;
    },
    list(storageKey, namespace) {
      return sortedValues(objects.get(storageKey) ?? new Map(), namespace);
    },
    listAt(storageKey, namespace, resourceVersion) {
      if (resourceVersion < compactedThrough) return undefined;
      // Undo, newest first, every change after the asked revision.
      const state = new Map(objects.get(storageKey) ?? []);
      for (let i = history.length - 1; i >= 0 && history[i]!.resourceVersion > resourceVersion; i--) {
        const change = history[i]!;
        if (change.storageKey !== storageKey) continue;
        const key = objectKey(change.namespace, change.name);
        if (change.previous === undefined) state.delete(key);
        else state.set(key, change.previous);
      }
      return sortedValues(state, namespace);
    },
    changesSince(resourceVersion) {
      if (resourceVersion < compactedThrough) return undefined;
      return history.filter((c) => c.resourceVersion > resourceVersion);
    },
    write(storageKey, namespace, name, next) {
      const objectsOfKey = bucket(storageKey);
      const key = objectKey(namespace, name);
      const previous = objectsOfKey.get(key);
      if (next === undefined && previous === undefined) return undefined;
      revision += 1;
      const stamped = withResourceVersion(next ?? previous!, revision);
      if (next === undefined) objectsOfKey.delete(key);
      else objectsOfKey.set(key, stamped);
      const type = next === undefined ? "DELETED" : previous === undefined ? "ADDED" : "MODIFIED";
      const change: StoredChange = { type, resourceVersion: revision, storageKey, namespace, name, object: stamped, previous };
      history.push(change);
      while (history.length > historyLimit) compactedThrough = history.shift()!.resourceVersion;
      for (const listener of [...listeners]) listener(change);
      return change;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    compact() {
      history.length = 0;
      compactedThrough = revision;
    },
  };
}
