import { z } from "zod";
import { AppError } from "../../errors.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { collectionPath, kubeRequestError, type ServedResource } from "./api-discovery.ts";
import type { KubeHttp } from "./kube-http.ts";

/**
 * Items per LIST page: kubectl's default `--chunk-size` (500). A page is one request; a list of
 * 5,000 Pods is 10 of them, each a bounded answer for the API server and for us.
 */
export const LIST_PAGE_SIZE = 500;

/**
 * The most live objects one check reads (over every list). At about 5-20 KB of JSON each, 100,000
 * objects are 0.5-2 GB: beyond that a check of one change set is the wrong tool, and an
 * unbounded read could take the CI runner down. Exceeding it is an error naming the collection.
 */
export const MAX_LIVE_OBJECTS = 100_000;

/**
 * Pages one collection may take: enough for MAX_LIVE_OBJECTS at full pages (201); a server that
 * keeps answering near-empty pages with a continue token would otherwise loop for ever.
 */
export const MAX_PAGES = Math.ceil(MAX_LIVE_OBJECTS / LIST_PAGE_SIZE) + 1;

/** A LIST answers within this (ms): larger than KubeHttp's 10 s default, a page of 500 large objects takes time. */
export const LIST_TIMEOUT_MS = 30_000;

const listPageSchema = z.looseObject({
  metadata: z.looseObject({ continue: z.string().max(4096).optional() }).optional(),
  items: z.array(z.unknown()).max(LIST_PAGE_SIZE * 2),
});

/** One collection to read: a resource in one namespace (undefined: cluster-scoped). */
export interface ListTarget {
  readonly resource: ServedResource;
  readonly namespace: string | undefined;
}

export interface ListedObjects {
  readonly objects: readonly JsonObject[];
  /** LIST requests made (pages counted). */
  readonly requests: number;
}

/** Counts every object read across lists of one check, to enforce MAX_LIVE_OBJECTS. */
export interface ListBudget {
  remaining: number;
}

/**
 * Reads one collection in pages of LIST_PAGE_SIZE with `limit`/`continue` (one consistent
 * snapshot: the continue token pins the resourceVersion). Items come back in the served version;
 * each keeps its `apiVersion`/`kind` (a LIST answer omits them on items: they are set here from
 * the resource). Errors: AppError naming the collection (401, 403 RBAC, anything else).
 */
export async function listCollection(http: KubeHttp, target: ListTarget, budget: ListBudget): Promise<ListedObjects> {
  const path = collectionPath(target.resource, target.namespace);
  const apiVersion = target.resource.group === "" ? target.resource.version : `${target.resource.group}/${target.resource.version}`;
  const objects: JsonObject[] = [];
  let token: string | undefined;
  let requests = 0;
  do {
    const query = new URLSearchParams({ limit: String(LIST_PAGE_SIZE), ...(token ? { continue: token } : {}) });
    if (requests >= MAX_PAGES) throw new AppError("ERR_KUBE_UNAVAILABLE", `LIST ${path}: still continuing after ${MAX_PAGES} pages; the API server's continue tokens do not end`);
    const response = await http.request("GET", `${path}?${query.toString()}`, { timeoutMs: LIST_TIMEOUT_MS });
    requests += 1;
    if (response.status !== 200) throw kubeRequestError(`LIST ${path}`, response);
    const page = listPageSchema.safeParse(response.body);
    if (!page.success) throw new AppError("ERR_KUBE_UNAVAILABLE", `LIST ${path}: the answer is not a list`);
    for (const item of page.data.items) {
      if (!isJsonObject(item)) continue;
      budget.remaining -= 1;
      if (budget.remaining < 0) {
        throw new AppError("ERR_KUBE_UNAVAILABLE", `LIST ${path}: more than ${MAX_LIVE_OBJECTS} live objects in the collections a check reads; check the manifests namespace by namespace`);
      }
      objects.push({ ...item, apiVersion, kind: target.resource.kind });
    }
    token = page.data.metadata?.continue || undefined;
  } while (token);
  return { objects, requests };
}
