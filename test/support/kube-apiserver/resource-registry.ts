import { apiVersionOf, type ResourceType } from "./resource-type.ts";

/** The resources a simulated API server serves; mutable so CRDs can add theirs at run time. */
export interface ResourceRegistry {
  /** Adds a resource, replacing any with the same group, version and plural. */
  register(resource: ResourceType): void;
  /** Stops serving group/version/plural (its stored objects stay in the store). */
  unregister(group: string, version: string, plural: string): void;
  /** The resource behind a URL's group, version and plural segments. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined;
  /** The resource that serves objects of this apiVersion and kind. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined;
  /** Every resource, in registration order. */
  all(): readonly ResourceType[];
}

function urlKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** A registry holding `initial` (usually builtinResources()). */
export function createResourceRegistry(initial: readonly ResourceType[]): ResourceRegistry {
  const byUrl = new Map<string, ResourceType>();
  const registry: ResourceRegistry = {
    register(resource) {
      byUrl.set(urlKey(resource.group, resource.version, resource.plural), resource);
    },
    unregister(group, version, plural) {
      byUrl.delete(urlKey(group, version, plural));
    },
    lookup(group, version, plural) {
      return byUrl.get(urlKey(group, version, plural));
    },
    byKind(apiVersion, kind) {
      return [...byUrl.values()].find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
    },
    all() {
      return [...byUrl.values()];
    },
  };
  for (const resource of initial) registry.register(resource);
  return registry;
}
