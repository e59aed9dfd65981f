import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import fastJsonPatch, { type Operation as PatchOperation } from "fast-json-patch";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { LoggedRequest } from "../kube-apiserver/handle-request.ts";
import { internalError, StatusError } from "../kube-apiserver/status-error.ts";
import type { AdmissionPlugins, WriteOperation, WriteRequest } from "../kube-apiserver/write-hooks.ts";
import { admissionReviewRequest, type AdmissionUserInfo } from "./admission-review-request.ts";
import { callWebhook, type WebhookCallResult, type WebhookResponse } from "./call-webhook.ts";
import type { WebhookConfigurations, WebhookSpec } from "./webhook-configurations.ts";
import { webhookMatches } from "./webhook-matches.ts";

/** One webhook call as the simulated API server made it, for assertions. Never holds objects. */
export interface WebhookCall {
  /** The webhook's name, e.g. "mutate.gitops-guard.io". */
  readonly webhook: string;
  readonly uid: string;
  readonly operation: WriteOperation;
  readonly dryRun: boolean;
  /** "deployments.apps", "persistentvolumeclaims". */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  /** patched/allowed/denied: the webhook answered; failed-open: a calling error ignored by failurePolicy Ignore; failed: not ignored. */
  readonly outcome: "allowed" | "patched" | "denied" | "failed-open" | "failed";
  /** The denial's code as the client sees it (≥ 400). */
  readonly code?: number;
  /** The denial's Status reason as the client sees it ("" when the webhook gave none). */
  readonly reason?: string;
  /** The denial message as the client sees it (prefixed), or the calling error. */
  readonly message?: string;
  /** The decoded JSONPatch the API server applied (mutating only). */
  readonly patch: readonly PatchOperation[];
  /** Warnings the API server returns to the client as `Warning: 299 - "…"` headers. */
  readonly warnings: readonly string[];
}

/** What the webhook-calling admission plugins need. */
export interface WebhookAdmissionOptions {
  /** The webhooks to call (readWebhookConfigurations()). */
  readonly configurations: WebhookConfigurations;
  /**
   * Where a webhook's Service is reached ("https://127.0.0.1:<port>"; clientConfig.service.path is
   * appended) and its caBundle.
   */
  readonly endpoint: (spec: WebhookSpec) => { readonly baseUrl: string; readonly ca: string };
  /**
   * The identity behind every request. The simulator authenticates one bearer token, so the tests
   * say whom it stands for (e.g. kustomize-controller's ServiceAccount).
   */
  readonly userInfo: AdmissionUserInfo;
  /**
   * The simulated server's request log (SimulatedApiServer.requests): the in-flight write's query
   * gives the fieldManager, and a DELETE's entry its propagationPolicy, which the write hooks do not carry.
   */
  readonly requests: readonly LoggedRequest[];
  /** The stored labels of a namespace (kubernetes.io/metadata.name is added here, as the API server does). */
  readonly namespaceLabels: (namespace: string) => Readonly<Record<string, string>>;
}

/** The plugins to hand to SimulatedApiServer.setAdmission, and the calls they made. */
export interface WebhookAdmission {
  readonly plugins: AdmissionPlugins;
  /** Every call, oldest first. */
  readonly calls: readonly WebhookCall[];
}

function resourceName(write: WriteRequest): string {
  return write.resource.group === "" ? write.resource.plural : `${write.resource.plural}.${write.resource.group}`;
}

/** The logged request being served for this write: the newest unanswered write to its path. */
function inFlightRequest(requests: readonly LoggedRequest[], write: WriteRequest): LoggedRequest | undefined {
  const suffix = write.operation === "CREATE" ? `/${write.resource.plural}` : `/${write.resource.plural}/${write.name}`;
  for (let i = requests.length - 1; i >= 0; i--) {
    const entry = requests[i]!;
    if (entry.status === undefined && entry.method !== "GET" && entry.path.endsWith(suffix)) return entry;
  }
  return undefined;
}

/**
 * webhook/errors/statuserror.go ToStatusErr: a denial reaches the client with code ≥ 400 (400 when
 * unset), the webhook's reason, and the message prefixed `admission webhook "<name>" denied the
 * request: ` (or `… denied the request without explanation`).
 */
export function denialStatus(webhookName: string, status: WebhookResponse["status"]): StatusError {
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const code = status?.code !== undefined && status.code >= 400 ? status.code : 400;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  return new StatusError(code, status?.reason ?? "", message);
}

function decodePatch(encoded: string): PatchOperation[] {
  const decoded: unknown = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  if (!Array.isArray(decoded)) throw new Error("the patch is not a JSON array");
  return decoded.filter((op): op is PatchOperation => isJsonObject(op) && typeof op["op"] === "string" && typeof op["path"] === "string");
}

/**
 * Admission plugins for the simulated API server that call real webhooks as kube-apiserver's
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins do
 * (reference/admission-webhooks.md §1, §2): only matching webhooks; a dry-run refused with 400 by
 * a webhook whose sideEffects is not None/NoneOnDryRun; a fresh uid per call; mutating webhooks in
 * order, each base64 JSONPatch applied to the object the next one sees (a patch that does not
 * apply fails the request with 500, whatever failurePolicy says, as the dispatcher does); validating
 * webhooks in parallel; `allowed: false` turned into the client's error by ToStatusErr; calling
 * errors (transport, timeout, non-200, invalid answer) resolved by failurePolicy — Ignore: the
 * request goes on, Fail: 500 `failed calling webhook`; reinvocation: when a webhook changes the
 * object, the IfNeeded webhooks called before it are called once more, after the first round.
 * Not simulated: objectSelector, matchConditions, matchPolicy conversion.
 */
export function webhookAdmissionPlugins(options: WebhookAdmissionOptions): WebhookAdmission {
  const calls: WebhookCall[] = [];

  const call = async (spec: WebhookSpec, write: WriteRequest, mutating: boolean): Promise<{ uid: string; result: WebhookCallResult }> => {
    if (write.dryRun && spec.sideEffects !== "None" && spec.sideEffects !== "NoneOnDryRun") {
      throw new StatusError(400, "BadRequest", `admission webhook "${spec.name}" does not support dry run`);
    }
    const entry = inFlightRequest(options.requests, write);
    const uid = randomUUID();
    const review = admissionReviewRequest(write, {
      uid,
      userInfo: options.userInfo,
      ...(entry?.query["fieldManager"] !== undefined ? { fieldManager: entry.query["fieldManager"] } : {}),
      ...(entry?.propagationPolicy !== undefined ? { propagationPolicy: entry.propagationPolicy } : {}),
    });
    const { baseUrl, ca } = options.endpoint(spec);
    const endpoint = { url: `${baseUrl}${spec.clientConfig.service.path}`, ca, timeoutMs: spec.timeoutSeconds * 1000, mutating };
    return { uid, result: await callWebhook(endpoint, review, uid) };
  };

  const record = (spec: WebhookSpec, write: WriteRequest, uid: string, rest: Pick<WebhookCall, "outcome" | "code" | "reason" | "message" | "patch" | "warnings">): void => {
    calls.push({
      webhook: spec.name, uid, operation: write.operation, dryRun: write.dryRun, resource: resourceName(write),
      namespace: write.namespace, name: write.name, ...rest,
    });
  };

  /** A calling error: Ignore goes on (undefined), Fail answers 500. */
  const callFailed = (spec: WebhookSpec, write: WriteRequest, uid: string, message: string): StatusError | undefined => {
    const ignored = spec.failurePolicy === "Ignore";
    record(spec, write, uid, { outcome: ignored ? "failed-open" : "failed", message, patch: [], warnings: [] });
    return ignored ? undefined : internalError(`failed calling webhook "${spec.name}": ${message}`);
  };

  const matching = (specs: readonly WebhookSpec[], write: WriteRequest): WebhookSpec[] => {
    const labels = { ...options.namespaceLabels(write.namespace), "kubernetes.io/metadata.name": write.namespace };
    return specs.filter((spec) => webhookMatches(spec, write, labels));
  };

  const mutateOnce = async (spec: WebhookSpec, write: WriteRequest): Promise<JsonObject | undefined> => {
    const { uid, result } = await call(spec, write, true);
    if (result.kind === "call-failed") {
      const failure = callFailed(spec, write, uid, result.message);
      if (failure) throw failure;
      return write.object;
    }
    const { response } = result;
    const warnings = response.warnings ?? [];
    if (!response.allowed) {
      const denial = denialStatus(spec.name, response.status);
      record(spec, write, uid, { outcome: "denied", code: denial.code, reason: denial.reason, message: denial.message, patch: [], warnings });
      throw denial;
    }
    if (response.patch === undefined || response.patch === "") {
      record(spec, write, uid, { outcome: "allowed", patch: [], warnings });
      return write.object;
    }
    let patch: PatchOperation[];
    let patched: unknown;
    try {
      if (write.object === undefined) throw new Error("attempted to modify the object, which is not supported for this operation");
      patch = decodePatch(response.patch);
      patched = fastJsonPatch.applyPatch(structuredClone(write.object), patch, true, false, false).newDocument;
    } catch (error) {
      record(spec, write, uid, { outcome: "failed", message: String(error), patch: [], warnings });
      throw internalError(error instanceof Error ? error.message : String(error));
    }
    if (!isJsonObject(patched)) throw internalError("the patched object is not a JSON object");
    record(spec, write, uid, { outcome: "patched", patch, warnings });
    return patched;
  };

  // mutating/dispatcher.go with the admission chain's reinvocation: a webhook that changed the
  // object makes every earlier IfNeeded webhook due for one more call, in a single second round.
  const mutating = async (write: WriteRequest): Promise<JsonObject | undefined> => {
    let object = write.object;
    const specs = matching(options.configurations.mutating, write);
    let previouslyInvoked: WebhookSpec[] = [];
    const reinvoke = new Set<WebhookSpec>();
    for (const spec of specs) {
      const before = object;
      object = await mutateOnce(spec, { ...write, object });
      if (!isDeepStrictEqual(before, object)) {
        for (const earlier of previouslyInvoked) reinvoke.add(earlier);
        previouslyInvoked = [];
      }
      if (spec.reinvocationPolicy === "IfNeeded") previouslyInvoked.push(spec);
    }
    for (const spec of specs.filter((s) => reinvoke.has(s))) object = await mutateOnce(spec, { ...write, object });
    return object;
  };

  const validating = async (write: WriteRequest): Promise<void> => {
    const specs = matching(options.configurations.validating, write);
    const results = await Promise.all(specs.map((spec) => call(spec, write, false)));
    let first: StatusError | undefined;
    specs.forEach((spec, i) => {
      const { uid, result } = results[i]!;
      if (result.kind === "call-failed") {
        first ??= callFailed(spec, write, uid, result.message);
        return;
      }
      const warnings = result.response.warnings ?? [];
      if (result.response.allowed) {
        record(spec, write, uid, { outcome: "allowed", patch: [], warnings });
        return;
      }
      const denial = denialStatus(spec.name, result.response.status);
      record(spec, write, uid, { outcome: "denied", code: denial.code, reason: denial.reason, message: denial.message, patch: [], warnings });
      first ??= denial;
    });
    if (first) throw first;
  };

  return { plugins: { mutating: [mutating], validating: [validating] }, calls };
}
