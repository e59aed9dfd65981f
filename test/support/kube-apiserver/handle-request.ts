import type { IncomingMessage, ServerResponse } from "node:http";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { acceptedPatchTypes, applyPatch, mediaTypeOf, parseApplyBody, PATCH_TYPES } from "./apply-patch.ts";
import { createObject } from "./create-object.ts";
import { decodeObjectBody } from "./decode-object-body.ts";
import { deleteObject } from "./delete-object.ts";
import { discoveryDocument } from "./discovery-document.ts";
import { listObjects } from "./list-objects.ts";
import { metaString } from "./object-metadata.ts";
import { parseApiPath, type ApiPath } from "./parse-api-path.ts";
import { parseDeleteOptions } from "./parse-delete-options.ts";
import { readRequestBody } from "./read-request-body.ts";
import { groupResource, type ResourceType } from "./resource-type.ts";
import { sendJson } from "./send-json.ts";
import { serveWatch } from "./serve-watch.ts";
import { badRequest, forbidden, internalError, methodNotAllowed, notFound, pathNotFound, StatusError, unauthorized, unsupportedMediaType } from "./status-error.ts";
import { updateObject } from "./update-object.ts";

/** One request as the server saw it, for assertions. Never holds a body (Secrets stay out of logs). */
export interface LoggedRequest {
  readonly method: string;
  /** URL path, e.g. "/api/v1/namespaces/default/configmaps/app". */
  readonly path: string;
  /** Query parameters (the last value of a repeated one). */
  readonly query: Readonly<Record<string, string>>;
  /** The Content-Type header, if any. */
  readonly contentType: string | undefined;
  /** HTTP status of the answer, set once the answer head is written (watches: 200 at start). */
  status: number | undefined;
  /** DELETE only: the propagationPolicy given (query or DeleteOptions body), if any. */
  propagationPolicy?: string;
}

/** What an authorizer is asked (kube-apiserver's authorizer.Attributes, the parts RBAC reads). */
export interface AuthorizationAttributes {
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verb: string;
  readonly group: string;
  /** The plural resource: "deployments". */
  readonly resource: string;
  readonly subresource: string;
  /** "" for cluster-scoped requests and all-namespace collections. */
  readonly namespace: string;
  readonly name: string;
}

/** true allows; false answers 403 Forbidden with RBAC's message. Default (none set): everything allowed. */
export type Authorizer = (attributes: AuthorizationAttributes) => boolean;

/** The user the simulated token authenticates as (named in 403 messages). */
export const SIMULATED_USER = "system:serviceaccount:ci:gitops-guard";

/** What the handler needs beyond the ApiContext. */
export interface HandlerSettings {
  /** Asked before every API request on a resource (discovery and /version are always allowed). */
  readonly authorizer?: Authorizer | undefined;
  /** The bearer token every API request must carry. */
  readonly token: string;
  /** "127.0.0.1:port", for /api's serverAddressByClientCIDRs. */
  readonly serverAddress: () => string;
  /** Where each request is appended. */
  readonly log: LoggedRequest[];
  /** The /version answer's gitVersion, e.g. "v1.33.0". */
  readonly kubernetesVersion: string;
}

const PUBLIC_PATHS = new Set(["/healthz", "/livez", "/readyz", "/version"]);

function successStatus(resource: ResourceType, obj: JsonObject): JsonObject {
  const details: JsonObject = { name: metaString(obj, "name"), kind: resource.plural, uid: metaString(obj, "uid") };
  if (resource.group !== "") details["group"] = resource.group;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details };
}

function versionInfo(gitVersion: string): JsonObject {
  const [major = "1", minor = "0"] = gitVersion.replace(/^v/, "").split(".");
  return { major, minor, gitVersion, gitCommit: "simulated", gitTreeState: "clean", buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.24.0", compiler: "gc", platform: "linux/amd64" };
}

function resolve(ctx: ApiContext, path: ApiPath): ResourceType {
  const resource = ctx.registry.lookup(path.group, path.version, path.plural);
  if (!resource) throw pathNotFound();
  if (!resource.namespaced && path.namespace !== undefined) throw pathNotFound();
  if (resource.namespaced && path.name !== undefined && path.namespace === undefined) throw pathNotFound();
  const subresourceOk = path.subresource === "" || (path.subresource === "status" && resource.statusSubresource);
  if (!subresourceOk) throw pathNotFound();
  return resource;
}

async function serveCollection(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: ApiPath, resource: ResourceType, url: URL): Promise<void> {
  const query = url.searchParams;
  const method = req.method ?? "GET";
  if (method === "GET") {
    const watch = path.watchPrefix || query.get("watch") === "true" || query.get("watch") === "1";
    if (watch) serveWatch(ctx, resource, path.namespace, query, res);
    else sendJson(res, 200, listObjects(ctx, resource, path.namespace, query));
    return;
  }
  if (method === "POST" && (path.namespace !== undefined || !resource.namespaced)) {
    const body = decodeObjectBody(req.headers["content-type"], await readRequestBody(req));
    sendJson(res, 201, await createObject(ctx, resource, path.namespace ?? "", body, query.getAll("dryRun").includes("All")));
    return;
  }
  if (method === "DELETE") {
    const options = parseDeleteOptions(query, await readRequestBody(req));
    const items = listObjects(ctx, resource, path.namespace, query)["items"];
    for (const item of (Array.isArray(items) ? items : []).filter(isJsonObject)) {
      await deleteObject(ctx, resource, metaString(item, "namespace"), metaString(item, "name"), options);
    }
    sendJson(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" });
    return;
  }
  throw methodNotAllowed();
}

async function serveItem(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: ApiPath, resource: ResourceType, url: URL, entry: LoggedRequest): Promise<void> {
  const query = url.searchParams;
  const namespace = path.namespace ?? "";
  const name = path.name!;
  const target = { resource, namespace, name, subresource: path.subresource };
  const dryRun = query.getAll("dryRun").includes("All");
  switch (req.method) {
    case "GET": {
      const stored = ctx.store.get(resource.storageKey, namespace, name);
      if (!stored) throw notFound(groupResource(resource), name);
      return sendJson(res, 200, resource.fromStorage(stored));
    }
    case "PUT": {
      const body = decodeObjectBody(req.headers["content-type"], await readRequestBody(req));
      return sendJson(res, 200, await updateObject(ctx, target, () => body, dryRun));
    }
    case "PATCH": {
      const contentType = req.headers["content-type"] ?? "";
      const accepted = acceptedPatchTypes(resource.custom);
      if (!accepted.includes(mediaTypeOf(contentType))) throw unsupportedMediaType(accepted);
      const text = await readRequestBody(req);
      if (mediaTypeOf(contentType) === PATCH_TYPES.apply) {
        if (!query.get("fieldManager")) throw badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        // Server-side apply creates what does not exist yet (201).
        if (path.subresource === "" && !ctx.store.get(resource.storageKey, namespace, name)) {
          return sendJson(res, 201, await createObject(ctx, resource, namespace, parseApplyBody(text), dryRun));
        }
      }
      return sendJson(res, 200, await updateObject(ctx, target, (current) => applyPatch(contentType, current, text, resource.custom), dryRun));
    }
    case "DELETE": {
      if (path.subresource !== "") throw methodNotAllowed();
      const options = parseDeleteOptions(query, await readRequestBody(req));
      if (options.propagationPolicy !== undefined) entry.propagationPolicy = options.propagationPolicy;
      const result = await deleteObject(ctx, resource, namespace, name, options);
      if (!result.finished) return sendJson(res, 202, result.object);
      return sendJson(res, 200, resource.custom ? result.object : successStatus(resource, result.object));
    }
    default:
      throw methodNotAllowed();
  }
}

function verbOf(method: string, url: URL, path: ApiPath): string {
  const watch = path.watchPrefix || url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
  switch (method) {
    case "GET":
      return watch ? "watch" : path.name === undefined ? "list" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return path.name === undefined ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

/** RBAC's denial, worded as kube-apiserver words it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go). */
function authorize(authorizer: Authorizer | undefined, method: string, url: URL, path: ApiPath, resource: ResourceType): void {
  if (!authorizer) return;
  const attributes: AuthorizationAttributes = {
    verb: verbOf(method, url, path), group: resource.group, resource: resource.plural, subresource: path.subresource,
    namespace: path.namespace ?? "", name: path.name ?? "",
  };
  if (authorizer(attributes)) return;
  const qualified = resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
  const what = `${qualified}${attributes.name ? ` "${attributes.name}"` : ""}`;
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : "at the cluster scope";
  const sub = attributes.subresource ? `/${attributes.subresource}` : "";
  throw forbidden(`${what} is forbidden: User "${SIMULATED_USER}" cannot ${attributes.verb} resource "${resource.plural}${sub}" in API group "${resource.group}" ${where}`, {
    name: attributes.name, group: resource.group, kind: resource.plural,
  });
}

async function route(ctx: ApiContext, settings: HandlerSettings, req: IncomingMessage, res: ServerResponse, url: URL, entry: LoggedRequest): Promise<void> {
  if (req.method === "GET" && PUBLIC_PATHS.has(url.pathname)) {
    if (url.pathname === "/version") return sendJson(res, 200, versionInfo(settings.kubernetesVersion));
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("ok");
    return;
  }
  if (req.headers.authorization !== `Bearer ${settings.token}`) throw unauthorized();
  const segments = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  if (req.method === "GET") {
    const document = discoveryDocument(ctx.registry, segments, settings.serverAddress());
    if (document) return sendJson(res, 200, document);
  }
  const path = parseApiPath(segments);
  if (!path) throw pathNotFound();
  const resource = resolve(ctx, path);
  authorize(settings.authorizer, req.method ?? "GET", url, path, resource);
  if (path.name === undefined) return serveCollection(ctx, req, res, path, resource, url);
  const watchOne = path.watchPrefix || url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
  if (req.method === "GET" && watchOne && path.subresource === "") {
    // A watch on one object is a watch on its collection narrowed to its name (the apiserver's own rewrite).
    const query = new URLSearchParams(url.searchParams);
    query.set("fieldSelector", [query.get("fieldSelector"), `metadata.name=${path.name}`].filter(Boolean).join(","));
    return serveWatch(ctx, resource, path.namespace, query, res);
  }
  return serveItem(ctx, req, res, path, resource, url, entry);
}

/**
 * The simulated kube-apiserver's HTTP handler: /healthz, /livez, /readyz and /version without
 * authentication; everything else needs `Authorization: Bearer <token>` (401 Status otherwise);
 * discovery documents; then GET/LIST/WATCH/POST/PUT/PATCH/DELETE/DELETECOLLECTION on registered
 * resources. Failures are metav1.Status bodies with their HTTP code. Every request is logged.
 */
export function createRequestHandler(ctx: ApiContext, settings: HandlerSettings): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "https://simulated.invalid");
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers["content-type"],
      status: undefined,
    };
    settings.log.push(entry);
    route(ctx, settings, req, res, url, entry)
      .catch((error: unknown) => {
        const status = error instanceof StatusError ? error : internalError(error instanceof Error ? error.message : String(error));
        if (res.headersSent) res.destroy();
        else sendJson(res, status.code, status.toStatus());
      })
      .finally(() => {
        entry.status = res.statusCode;
      });
  };
}
