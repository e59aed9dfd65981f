import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { defineResource, type ResourceType } from "./resource-type.ts";

function stringOf(obj: JsonObject, key: string): string {
  const value = obj[key];
  return typeof value === "string" ? value : "";
}

/**
 * The resources a CustomResourceDefinition serves: one per version with `served: true`, custom
 * (see ResourceType.custom), with a status subresource when the version declares one. Versions
 * share one storage key, and objects are converted between versions by rewriting apiVersion only
 * (conversion strategy None). Webhook conversion and schema validation/pruning are not simulated.
 */
export function resourceTypesFromCrd(crd: JsonObject): ResourceType[] {
  const spec = isJsonObject(crd["spec"]) ? crd["spec"] : {};
  const names = isJsonObject(spec["names"]) ? spec["names"] : {};
  const group = stringOf(spec, "group");
  const plural = stringOf(names, "plural");
  const kind = stringOf(names, "kind");
  if (group === "" || plural === "" || kind === "") return [];
  const shortNames = Array.isArray(names["shortNames"]) ? names["shortNames"].filter((n): n is string => typeof n === "string") : [];
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isJsonObject) : [];
  return versions
    .filter((v) => v["served"] === true && stringOf(v, "name") !== "")
    .map((v) => {
      const subresources = isJsonObject(v["subresources"]) ? v["subresources"] : {};
      return defineResource({
        group, version: stringOf(v, "name"), plural, kind, namespaced: spec["scope"] !== "Cluster",
        singular: stringOf(names, "singular") || kind.toLowerCase(), shortNames, custom: true,
        statusSubresource: isJsonObject(subresources["status"]), storageKey: `${plural}.${group}`,
      });
    });
}

/**
 * What the apiextensions controllers write into a new CRD's status: acceptedNames, storedVersions
 * and the NamesAccepted and Established conditions. kube-apiserver sets these a moment after the
 * create; the simulator sets them in the create itself.
 */
export function establishCrd(crd: JsonObject, now: string): void {
  const spec = isJsonObject(crd["spec"]) ? crd["spec"] : {};
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isJsonObject) : [];
  const storage = versions.find((v) => v["storage"] === true);
  const condition = (type: string, reason: string, message: string): JsonObject =>
    ({ type, status: "True", lastTransitionTime: now, reason, message });
  crd["status"] = {
    acceptedNames: isJsonObject(spec["names"]) ? structuredClone(spec["names"]) : {},
    storedVersions: storage ? [stringOf(storage, "name")] : [],
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
  };
}
