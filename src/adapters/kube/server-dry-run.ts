import { z } from "zod";
import { isJsonObject, ownValue, setOwn, type JsonObject } from "../../core/k8s/json.ts";
import { appliedObject } from "../../core/impact/live/applied-object.ts";
import { dryRunWrite } from "../../core/impact/live/dry-run-write.ts";
import { verdict, type ServerVerdict } from "../../core/impact/live/live-report.ts";
import { collectionPath, kubeRequestError, type ApiDiscovery } from "./api-discovery.ts";
import type { KubeHttp } from "./kube-http.ts";
import { runBounded } from "./run-bounded.ts";

/** The longest server message kept in a report (kube-apiserver's field errors are a few hundred characters). */
export const MAX_SERVER_MESSAGE = 2_000;
/** Dry runs in flight at once (each is a full admission pass on the API server, webhooks included). */
export const DRY_RUN_CONCURRENCY = 4;

/** metav1.Status, only the fields read. */
const statusSchema = z.looseObject({
  reason: z.string().max(256).optional(),
  message: z.string().optional(),
  details: z.looseObject({ causes: z.array(z.looseObject({ field: z.string().max(1024).optional() })).max(1_000).optional() }).optional(),
});

/** One object to dry-run: what Git wants, and what is live (undefined: it is new). */
export interface DryRunItem {
  readonly desired: JsonObject;
  readonly live: JsonObject | undefined;
  /** The namespace it was paired in ("" cluster-scoped). */
  readonly namespace: string;
  readonly name: string;
}

function withNamespace(object: JsonObject, namespace: string | undefined): JsonObject {
  if (namespace === undefined) return object;
  const metadata = isJsonObject(object["metadata"]) ? { ...object["metadata"] } : {};
  metadata["namespace"] = namespace;
  return { ...object, metadata };
}

/** The merged object for an update: no managedFields (the server keeps its own when a write omits them). */
function updateBody(live: JsonObject, desired: JsonObject): JsonObject {
  const applied = appliedObject(live, desired);
  const metadata = applied["metadata"];
  if (!isJsonObject(metadata)) return applied;
  const kept: JsonObject = {};
  for (const key of Object.keys(metadata)) if (key !== "managedFields") setOwn(kept, key, ownValue(metadata, key) ?? null);
  return { ...applied, metadata: kept };
}

function refusal(operation: "apply" | "create" | "update", status: number, body: unknown, secret: boolean): ServerVerdict {
  const parsed = statusSchema.safeParse(body);
  const reason = parsed.success ? (parsed.data.reason ?? "") : "";
  const fields = parsed.success ? (parsed.data.details?.causes ?? []).flatMap((c) => (c.field ? [c.field] : [])) : [];
  const text = parsed.success ? (parsed.data.message ?? "") : typeof body === "string" ? body : "";
  // A Secret's field errors may quote its values (`Invalid value: "…"`): only the fields are kept.
  const message = secret ? `(message withheld: Secret; the server named ${fields.length > 0 ? fields.join(", ") : "no field"})` : text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text;
  return verdict.refused(operation, status, reason, message, fields);
}

/**
 * RBAC's 403 (`… is forbidden: User "u" cannot patch resource "deployments" in API group "apps" …`,
 * apiserver endpoints/handlers/responsewriters forbidden()) rather than an admission plugin's.
 */
function isRbacDenial(body: unknown): boolean {
  const parsed = statusSchema.safeParse(body);
  return parsed.success && /: User "[^"]*" cannot [a-z]+ resource "/.test(parsed.data.message ?? "");
}

async function dryRunOne(http: KubeHttp, discovery: ApiDiscovery, item: DryRunItem): Promise<ServerVerdict> {
  const apiVersion = typeof item.desired["apiVersion"] === "string" ? item.desired["apiVersion"] : "";
  const kind = typeof item.desired["kind"] === "string" ? item.desired["kind"] : "";
  const resource = await discovery.resource(apiVersion, kind);
  if (!resource) return verdict.notSent(`the API server does not serve ${kind} in ${apiVersion}`);
  const namespace = resource.namespaced ? item.namespace : undefined;
  const collection = collectionPath(resource, namespace);
  const itemPath = `${collection}/${encodeURIComponent(item.name)}`;
  const write = dryRunWrite(item.desired, item.live);
  const secret = resource.group === "" && kind === "Secret";
  let method: string;
  let path: string;
  let body: JsonObject;
  let contentType: string | undefined;
  if (write.operation === "apply") {
    method = "PATCH";
    path = `${itemPath}?${new URLSearchParams({ dryRun: "All", fieldManager: write.fieldManager, force: "true" }).toString()}`;
    body = withNamespace(item.desired, namespace);
    contentType = "application/apply-patch+yaml";
  } else if (write.operation === "update" && item.live) {
    method = "PUT";
    path = `${itemPath}?dryRun=All`;
    body = updateBody(item.live, withNamespace(item.desired, namespace));
  } else {
    method = "POST";
    path = `${collection}?dryRun=All`;
    body = withNamespace(item.desired, namespace);
  }
  const response = await http.request(method, path, { body, ...(contentType ? { contentType } : {}) });
  if (response.status === 200 || response.status === 201) return verdict.accepted(write.operation);
  // Credentials and RBAC are the run's failure (exit 3), not a verdict on the object. Admission
  // answers 403 too (PodSecurity, ResourceQuota, webhooks that set it): that is a verdict.
  if (response.status === 401 || (response.status === 403 && isRbacDenial(response.body))) throw kubeRequestError(`dry run ${method} ${itemPath}`, response);
  return refusal(write.operation, response.status, response.body, secret);
}

/**
 * Sends each object as a server-side dry run (`dryRun=All`: admission, validation and webhooks
 * run, nothing is stored), with the write its owner would do (dryRunWrite), and returns the API
 * server's verdicts in the items' order.
 */
export async function serverDryRun(http: KubeHttp, discovery: ApiDiscovery, items: readonly DryRunItem[]): Promise<ServerVerdict[]> {
  return runBounded(items, DRY_RUN_CONCURRENCY, (item) => dryRunOne(http, discovery, item));
}
