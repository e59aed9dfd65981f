import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { GroupResource } from "./status-error.ts";

/**
 * One REST resource the simulated API server serves: its URL segments, its kind and the
 * registry-strategy facts that change behaviour (status subresource, generation, CRD-ness).
 * Built with defineResource; added at run time with SimulatedApiServer.registerResource.
 */
export interface ResourceType {
  /** API group; "" for the core group (served under /api/v1). */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, the URL segment: "configmaps". */
  readonly plural: string;
  /** Lower-case singular, as discovery shows it: "configmap". */
  readonly singular: string;
  readonly kind: string;
  /** true: under /namespaces/{ns}/; false: cluster-scoped. */
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /**
   * Objects are stored under this key. Two resources share it when they are one kind seen through
   * two APIs: core v1 events and events.k8s.io/v1 events are the same objects in kube-apiserver.
   * Default: "plural.group" ("configmaps" for core).
   */
  readonly storageKey: string;
  /**
   * Served from a CustomResourceDefinition. Changes, as in kube-apiserver: strategic merge patch is
   * refused with 415, list items keep apiVersion/kind, DELETE answers the object (not a Status),
   * metadata.generation is tracked.
   */
  readonly custom: boolean;
  /** Has a /status subresource: the main endpoint ignores .status, /status changes only .status. */
  readonly statusSubresource: boolean;
  /** metadata.generation is 1 on create and grows by 1 on every change outside metadata and status. */
  readonly tracksGeneration: boolean;
  /** Field selector labels beyond metadata.name/metadata.namespace: label → dotted path in the object. */
  readonly fieldSelectors: Readonly<Record<string, string>>;
  /** Stored form → the form this resource serves (default: the stored object with this apiVersion). */
  readonly fromStorage: (stored: JsonObject) => JsonObject;
  /** Served form → stored form (default: unchanged). */
  readonly toStorage: (served: JsonObject) => JsonObject;
  /** Registry strategy's PrepareForCreate beyond the common metadata (e.g. Namespace phase Active). */
  readonly prepareForCreate: (obj: JsonObject, now: Date) => void;
}

/** What defineResource needs; everything else has the defaults documented on ResourceType. */
export type ResourceSpec = Pick<ResourceType, "group" | "version" | "plural" | "kind" | "namespaced">
  & Partial<Omit<ResourceType, "group" | "version" | "plural" | "kind" | "namespaced">>;

/** "v1" or "apps/v1". */
export function apiVersionOf(resource: Pick<ResourceType, "group" | "version">): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

/** A ResourceType with defaults filled in (see the field docs on ResourceType). */
export function defineResource(spec: ResourceSpec): ResourceType {
  const apiVersion = apiVersionOf(spec);
  const custom = spec.custom ?? false;
  return {
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    storageKey: spec.group === "" ? spec.plural : `${spec.plural}.${spec.group}`,
    custom,
    statusSubresource: false,
    tracksGeneration: custom,
    fieldSelectors: {},
    fromStorage: (stored) => ({ ...stored, apiVersion, kind: spec.kind }),
    toStorage: (served) => served,
    prepareForCreate: () => undefined,
    ...spec,
  };
}

/** The group and plural, as error messages name the resource. */
export function groupResource(resource: Pick<ResourceType, "group" | "plural">): GroupResource {
  return { group: resource.group, resource: resource.plural };
}
