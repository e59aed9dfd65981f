import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { decodeContinueToken, encodeContinueToken } from "./continue-token.ts";
import { invalid } from "./invalid-error.ts";
import { objectKey } from "./object-store.ts";
import { metaString } from "./object-metadata.ts";
import { objectSelector } from "./object-selector.ts";
import { apiVersionOf, type ResourceType } from "./resource-type.ts";
import { badRequest, expired } from "./status-error.ts";

// storage/errors.go's message for a continue token whose revision was compacted.
const CONTINUE_EXPIRED = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

function parseLimit(text: string | null): number {
  if (text === null || text === "") return 0;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${text}`);
  return limit;
}

function parseRevision(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw invalid("meta.k8s.io", "ListOptions", "", [{ type: "FieldValueInvalid", field: "resourceVersion", value: text, detail: "must be a non-negative integer" }]);
  }
  return Number(text);
}

/** Where the list reads: its revision and the first key (from a continue token). */
function readPosition(ctx: ApiContext, query: URLSearchParams): { readAt: number; start: string } {
  const token = query.get("continue") ?? "";
  const resourceVersion = query.get("resourceVersion") ?? "";
  if (token !== "") {
    if (resourceVersion !== "" && resourceVersion !== "0") {
      throw invalid("meta.k8s.io", "ListOptions", "", [{ type: "FieldValueForbidden", field: "resourceVersion", detail: "specifying resource version is not allowed when using continue" }]);
    }
    const position = decodeContinueToken(token);
    return { readAt: position.resourceVersion, start: position.start };
  }
  if (query.get("resourceVersionMatch") === "Exact") return { readAt: parseRevision(resourceVersion), start: "" };
  if (resourceVersion !== "") parseRevision(resourceVersion);
  // "", "0" and NotOlderThan all read the latest state here (kube-apiserver may answer "0" from a
  // slightly stale watch cache; a simulator that is never stale is still within the contract).
  return { readAt: ctx.store.currentResourceVersion(), start: "" };
}

/**
 * A LIST answer (`<Kind>List`): the served objects in namespace (undefined = all namespaces)
 * matching labelSelector/fieldSelector, sorted by namespace/name as etcd keys sort. Honours
 * limit/continue (every chunk is read at the first chunk's revision; 410 Expired once that
 * revision is compacted), resourceVersion with resourceVersionMatch=Exact (410 if compacted), and
 * sets remainingItemCount when unfiltered. Items of built-in resources carry no apiVersion/kind,
 * as kube-apiserver's typed lists; custom resources' items keep them.
 */
export function listObjects(ctx: ApiContext, resource: ResourceType, namespace: string | undefined, query: URLSearchParams): JsonObject {
  const selector = objectSelector(resource, namespace, query);
  const limit = parseLimit(query.get("limit"));
  const { readAt, start } = readPosition(ctx, query);
  const continuing = (query.get("continue") ?? "") !== "";
  const snapshot = readAt === ctx.store.currentResourceVersion()
    ? ctx.store.list(resource.storageKey, namespace)
    : ctx.store.listAt(resource.storageKey, namespace, readAt);
  if (snapshot === undefined) {
    throw expired(continuing ? CONTINUE_EXPIRED : `too old resource version: ${readAt} (${ctx.store.oldestResourceVersion()})`);
  }
  const keyOf = (obj: JsonObject): string => objectKey(metaString(obj, "namespace"), metaString(obj, "name"));
  const selected = snapshot.map(resource.fromStorage).filter(selector.matches).filter((obj) => keyOf(obj) >= start);
  const page = limit > 0 ? selected.slice(0, limit) : selected;
  const metadata: JsonObject = { resourceVersion: String(readAt) };
  if (page.length < selected.length) {
    metadata["continue"] = encodeContinueToken({ resourceVersion: readAt, start: `${keyOf(page[page.length - 1]!)}\u0000` });
    if (!selector.filtered) metadata["remainingItemCount"] = selected.length - page.length;
  }
  const items = page.map((obj) => {
    if (resource.custom) return obj;
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
    return rest;
  });
  return { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata, items };
}
