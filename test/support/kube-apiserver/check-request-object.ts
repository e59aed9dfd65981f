import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { metadataOf, metaString } from "./object-metadata.ts";
import { apiVersionOf, type ResourceType } from "./resource-type.ts";
import { badRequest } from "./status-error.ts";

/**
 * The checks kube-apiserver makes on a request body against its URL before anything else:
 * apiVersion/kind must be the endpoint's (missing ones are filled in, as the decoder defaults
 * them), metadata.namespace must be empty or the URL's (rest.EnsureObjectNamespaceMatchesRequestNamespace),
 * and on update metadata.name must be empty or the URL's. Returns a copy with apiVersion, kind,
 * namespace (and name when `urlName` is given) set. Violations are 400 BadRequest.
 */
export function checkRequestObject(resource: ResourceType, namespace: string, urlName: string | undefined, body: JsonObject): JsonObject {
  const obj = structuredClone(body);
  const apiVersion = apiVersionOf(resource);
  if (typeof obj["apiVersion"] === "string" && obj["apiVersion"] !== "" && obj["apiVersion"] !== apiVersion) {
    throw badRequest(`the API version in the data (${obj["apiVersion"]}) does not match the expected API version (${apiVersion})`);
  }
  if (typeof obj["kind"] === "string" && obj["kind"] !== "" && obj["kind"] !== resource.kind) {
    throw badRequest(`the kind in the data (${obj["kind"]}) does not match the expected kind (${resource.kind})`);
  }
  obj["apiVersion"] = apiVersion;
  obj["kind"] = resource.kind;
  const meta = metadataOf(obj);
  const bodyNamespace = metaString(obj, "namespace");
  if (resource.namespaced) {
    if (bodyNamespace !== "" && bodyNamespace !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta["namespace"] = namespace;
  } else {
    delete meta["namespace"];
  }
  if (urlName !== undefined) {
    const bodyName = metaString(obj, "name");
    if (bodyName !== "" && bodyName !== urlName) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${urlName})`);
    }
    meta["name"] = urlName;
  }
  return obj;
}
