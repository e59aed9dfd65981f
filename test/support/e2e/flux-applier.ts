import { isDeepStrictEqual } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { rawRequest, type RawResponse } from "../kube-apiserver/raw-request.ts";
import { isImmutableError, type ApiFailure } from "./is-immutable-error.ts";

/** The Flux Kustomization doing the applying. */
export interface KustomizationRef {
  readonly name: string;
  readonly namespace: string;
  /** spec.force: recreate every object whose patch fails on an immutable error. Default false. */
  readonly force?: boolean;
}

/** Options of createFluxApplier. */
export interface FluxApplierOptions {
  /** The API server and the bearer token kustomize-controller authenticates with. */
  readonly server: { readonly url: string; readonly caPem: string; readonly token: string };
  readonly kustomization: KustomizationRef;
  /** Milliseconds between polls while a force-deleted object is still there. Default 2000 (Flux opts.WaitInterval); tests pass a few ms. */
  readonly waitIntervalMs?: number;
  /** Milliseconds to wait for a force-deleted object to be gone before failing. Default 30000. */
  readonly waitTimeoutMs?: number;
}

/** Flux's change-set actions for one object. */
export type ApplyAction = "created" | "configured" | "unchanged";

/** What one reconcile did to one object. */
export interface ObjectChange {
  /** "Deployment/shop/web", as Flux names objects (FmtUnstructured). */
  readonly subject: string;
  readonly action: ApplyAction;
  /** The live object was deleted (background propagation) and created again from the desired one. */
  readonly recreated: boolean;
}

/** The result of one reconcile of the Kustomization. */
export interface ReconcileResult {
  /** The Kustomization would be Ready=True: every object dry-ran and applied. */
  readonly ready: boolean;
  /** Objects applied (empty when a dry-run failed: nothing of the stage is applied). */
  readonly changes: readonly ObjectChange[];
  /** The Ready condition's message on failure, e.g. `Deployment/shop/web dry-run failed (Invalid): …`. */
  readonly error?: string;
  /** The API error behind `error`. */
  readonly failure?: ApiFailure;
}

/** A simulated kustomize-controller applying one Kustomization's objects. */
export interface FluxApplier {
  /** One reconcile: apply `objects` (the output of kustomize build) as kustomize-controller does. */
  reconcile(objects: readonly JsonObject[]): Promise<ReconcileResult>;
}

/** kustomize-controller's field manager (kustomize-controller main.go). */
export const FLUX_FIELD_MANAGER = "kustomize-controller";
/** The per-object force marker (api/v1 kustomization_types.go; ForceSelector). */
export const FLUX_FORCE_KEY = "kustomize.toolkit.fluxcd.io/force";
const OWNER_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name";
const OWNER_NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace";

const statusBody = z.object({ kind: z.literal("Status"), code: z.number().int().optional(), reason: z.string().optional(), message: z.string().optional() }).loose();
const apiResourceList = z.object({ resources: z.array(z.object({ name: z.string(), kind: z.string(), namespaced: z.boolean() }).loose()) }).loose();

class ApiError extends Error {
  readonly failure: ApiFailure;
  constructor(failure: ApiFailure) {
    super(failure.message);
    this.name = "ApiError";
    this.failure = failure;
  }
}

function failureOf(response: RawResponse): ApiFailure {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = undefined;
  }
  const status = statusBody.safeParse(body);
  if (!status.success) return { code: response.status, reason: "", message: response.text };
  return { code: status.data.code ?? response.status, reason: status.data.reason ?? "", message: status.data.message ?? "" };
}

function objectOf(response: RawResponse): JsonObject {
  const body: unknown = JSON.parse(response.text);
  if (!isJsonObject(body)) throw new Error(`the API server answered ${response.status} without an object`);
  return body;
}

function metaOf(obj: JsonObject): JsonObject {
  const metadata = isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
  obj["metadata"] = metadata;
  return metadata;
}

function metaText(obj: JsonObject, key: string): string {
  const value = metaOf(obj)[key];
  return typeof value === "string" ? value : "";
}

/** fluxcd/pkg ssa/utils AnyInMetadata with the force selector: label or annotation, non-empty value, strings.EqualFold. */
function forcedByMetadata(obj: JsonObject | undefined): boolean {
  if (obj === undefined) return false;
  const metadata = metaOf(obj);
  return ["labels", "annotations"].some((field) => {
    const map = metadata[field];
    const value = isJsonObject(map) ? map[FLUX_FORCE_KEY] : undefined;
    return typeof value === "string" && value !== "" && value.toLowerCase() === "enabled";
  });
}

/** fluxcd/pkg ssa/utils FmtUnstructured: Kind/namespace/name (namespace left out for cluster-scoped objects). */
function subjectOf(obj: JsonObject): string {
  const namespace = metaText(obj, "namespace");
  return namespace === "" ? `${String(obj["kind"])}/${metaText(obj, "name")}` : `${String(obj["kind"])}/${namespace}/${metaText(obj, "name")}`;
}

/** The object as hasDrifted compares it: without what the server changes on every write. */
function forDiff(obj: JsonObject): JsonObject {
  const copy = structuredClone(obj);
  const metadata = metaOf(copy);
  for (const key of ["resourceVersion", "generation", "managedFields", "creationTimestamp", "uid"]) delete metadata[key];
  delete copy["status"];
  return copy;
}

interface Planned {
  readonly desired: JsonObject;
  readonly itemPath: string;
  readonly collectionPath: string;
  readonly dryRun: JsonObject;
  /** The live object the dry-run was made against; undefined when absent (or deleted for recreation). */
  readonly live: JsonObject | undefined;
  readonly recreated: boolean;
}

/**
 * A simulated Flux kustomize-controller: fluxcd/pkg ssa ResourceManager.ApplyAll for one
 * Kustomization, step by step as reference/gitops-tools.md §1.1–1.3 describes it:
 * 1. the ownership labels `kustomize.toolkit.fluxcd.io/name|namespace` are set on every object;
 * 2. per object: GET the live object; dry-run apply (fieldManager kustomize-controller);
 * 3. when the dry-run fails, the object exists, the error IsImmutableError (409/422 or
 *    "is immutable"/"immutable field") and force is on — spec.force, or
 *    `kustomize.toolkit.fluxcd.io/force: enabled` (label or annotation, any case) on the desired
 *    OR the live object — DELETE with propagationPolicy Background, poll until it is gone, dry-run
 *    again; any other failure fails the whole Kustomization (nothing is applied: it is stuck);
 * 4. then every object whose dry-run result differs from the live object is applied for real.
 *
 * Substitution: the simulator has no server-side apply (its README), so "apply" is a JSON merge
 * patch of the desired object (PATCH application/merge-patch+json) for an existing object and a
 * POST for a missing one, with the same dryRun=All and fieldManager query. For the objects of these
 * stories this gives what SSA with ForceOwnership gives: the desired fields win, fields the manifest
 * never sets (server-assigned ones, a Job's generated selector, a bound PVC's volumeName, status)
 * stay; it differs only in not removing fields an earlier apply set and this one drops, which no
 * story does. The operation kube-apiserver's admission sees is the same (UPDATE with oldObject, or
 * CREATE), as are dryRun, fieldManager and the error codes.
 */
export function createFluxApplier(options: FluxApplierOptions): FluxApplier {
  const { server, kustomization } = options;
  const waitIntervalMs = options.waitIntervalMs ?? 2000;
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const resources = new Map<string, { plural: string; namespaced: boolean }>();

  const send = (method: string, path: string, body?: JsonObject, contentType = "application/json"): Promise<RawResponse> => {
    if (body === undefined) return rawRequest(server, { method, path, token: server.token, headers: { Accept: "application/json" } });
    const text = JSON.stringify(body);
    // Content-Length always: Node does not chunk a DELETE body by default, and an unframed body breaks the connection.
    const headers = { "Content-Type": contentType, Accept: "application/json", "Content-Length": String(Buffer.byteLength(text)) };
    return rawRequest(server, { method, path, token: server.token, body: text, headers });
  };

  /** The REST mapping from discovery, as controller-runtime's RESTMapper finds it. */
  const paths = async (obj: JsonObject): Promise<{ itemPath: string; collectionPath: string }> => {
    const apiVersion = String(obj["apiVersion"]);
    const kind = String(obj["kind"]);
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let mapping = resources.get(`${apiVersion}/${kind}`);
    if (!mapping) {
      const response = await send("GET", base);
      if (response.status !== 200) throw new ApiError(failureOf(response));
      const found = apiResourceList.parse(JSON.parse(response.text)).resources.find((r) => r.kind === kind && !r.name.includes("/"));
      if (!found) throw new Error(`no resource serves ${apiVersion} ${kind}`);
      mapping = { plural: found.name, namespaced: found.namespaced };
      resources.set(`${apiVersion}/${kind}`, mapping);
    }
    const namespace = metaText(obj, "namespace") || "default";
    const collectionPath = mapping.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace)}/${mapping.plural}` : `${base}/${mapping.plural}`;
    return { collectionPath, itemPath: `${collectionPath}/${encodeURIComponent(metaText(obj, "name"))}` };
  };

  const getLive = async (itemPath: string): Promise<JsonObject | undefined> => {
    const response = await send("GET", itemPath);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ApiError(failureOf(response));
    return objectOf(response);
  };

  const apply = async (desired: JsonObject, at: { itemPath: string; collectionPath: string }, exists: boolean, dryRun: boolean): Promise<JsonObject> => {
    const query = `?${dryRun ? "dryRun=All&" : ""}fieldManager=${FLUX_FIELD_MANAGER}`;
    const response = exists
      ? await send("PATCH", `${at.itemPath}${query}`, desired, "application/merge-patch+json")
      : await send("POST", `${at.collectionPath}${query}`, desired);
    if (response.status !== 200 && response.status !== 201) throw new ApiError(failureOf(response));
    return objectOf(response);
  };

  const deleteAndWait = async (subject: string, itemPath: string): Promise<void> => {
    const response = await send("DELETE", itemPath, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    if (response.status !== 200 && response.status !== 202 && response.status !== 404) {
      throw new Error(`${subject} immutable field detected, failed to delete object: ${failureOf(response).message}`);
    }
    const deadline = Date.now() + waitTimeoutMs;
    while ((await getLive(itemPath)) !== undefined) {
      if (Date.now() > deadline) throw new Error(`${subject} immutable field detected, failed to wait for object to be deleted: timeout after ${waitTimeoutMs} ms`);
      await sleep(waitIntervalMs);
    }
  };

  const plan = async (desired: JsonObject): Promise<Planned> => {
    const at = await paths(desired);
    const live = await getLive(at.itemPath);
    try {
      return { desired, ...at, dryRun: await apply(desired, at, live !== undefined, true), live, recreated: false };
    } catch (error) {
      const force = kustomization.force === true || forcedByMetadata(desired) || forcedByMetadata(live);
      if (!(error instanceof ApiError) || live === undefined || !isImmutableError(error.failure) || !force) throw error;
      await deleteAndWait(subjectOf(desired), at.itemPath);
      return { desired, ...at, dryRun: await apply(desired, at, false, true), live: undefined, recreated: true };
    }
  };

  return {
    async reconcile(objects) {
      const desiredObjects = objects.map((obj) => {
        const copy = structuredClone(obj);
        const metadata = metaOf(copy);
        const labels = isJsonObject(metadata["labels"]) ? metadata["labels"] : {};
        metadata["labels"] = { ...labels, [OWNER_NAME_LABEL]: kustomization.name, [OWNER_NAMESPACE_LABEL]: kustomization.namespace };
        return copy;
      });
      const planned: Planned[] = [];
      for (const desired of desiredObjects) {
        try {
          planned.push(await plan(desired));
        } catch (error) {
          if (!(error instanceof ApiError)) return { ready: false, changes: [], error: error instanceof Error ? error.message : String(error) };
          const reason = error.failure.reason === "" ? "" : ` (${error.failure.reason})`;
          return { ready: false, changes: [], error: `${subjectOf(desired)} dry-run failed${reason}: ${error.failure.message}`, failure: error.failure };
        }
      }
      const changes: ObjectChange[] = [];
      for (const item of planned) {
        const subject = subjectOf(item.desired);
        const { live } = item;
        const drifted = metaText(item.dryRun, "resourceVersion") === "" || live === undefined || !isDeepStrictEqual(forDiff(item.dryRun), forDiff(live));
        if (!drifted) {
          changes.push({ subject, action: "unchanged", recreated: item.recreated });
          continue;
        }
        try {
          await apply(item.desired, item, live !== undefined, false);
        } catch (error) {
          const failure = error instanceof ApiError ? error.failure : undefined;
          return { ready: false, changes, error: `${subject} apply failed: ${error instanceof Error ? error.message : String(error)}`, ...(failure ? { failure } : {}) };
        }
        changes.push({ subject, action: live !== undefined ? "configured" : "created", recreated: item.recreated });
      }
      return { ready: true, changes };
    },
  };
}
