import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ResourceRegistry } from "./resource-registry.ts";
import type { ResourceType } from "./resource-type.ts";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function apiResources(resources: readonly ResourceType[]): JsonObject[] {
  return resources.flatMap((r) => {
    const main: JsonObject = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS };
    if (r.shortNames.length > 0) main["shortNames"] = [...r.shortNames];
    const status: JsonObject[] = r.statusSubresource
      ? [{ name: `${r.plural}/status`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: ["get", "patch", "update"] }]
      : [];
    return [main, ...status];
  });
}

function groupVersions(registry: ResourceRegistry): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of registry.all()) {
    if (r.group === "") continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: readonly string[]): JsonObject {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0]! };
}

/**
 * The legacy (unaggregated) discovery documents: /api (APIVersions), /api/v1 (APIResourceList),
 * /apis (APIGroupList), /apis/{group} (APIGroup), /apis/{group}/{version} (APIResourceList).
 * Undefined for any other path or an unknown group/version. Aggregated discovery
 * (apidiscovery.k8s.io/v2) and OpenAPI documents are not simulated.
 */
export function discoveryDocument(registry: ResourceRegistry, segments: readonly string[], serverAddress: string): JsonObject | undefined {
  const [root, a, b, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (root === "api" && a === undefined) {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
  }
  if (root === "api" && a === "v1" && b === undefined) {
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: "v1", resources: apiResources(registry.all().filter((r) => r.group === "")) };
  }
  if (root !== "apis") return undefined;
  const groups = groupVersions(registry);
  if (a === undefined) {
    return { kind: "APIGroupList", apiVersion: "v1", groups: [...groups].map(([name, versions]) => apiGroup(name, versions)) };
  }
  const versions = groups.get(a);
  if (!versions) return undefined;
  if (b === undefined) return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(a, versions) };
  if (!versions.includes(b)) return undefined;
  const resources = registry.all().filter((r) => r.group === a && r.version === b);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: `${a}/${b}`, resources: apiResources(resources) };
}
