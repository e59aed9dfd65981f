import type { JsonObject } from "../../../src/core/k8s/json.ts";

/** One field-level reason inside a Status's details.causes (metav1.StatusCause). */
export interface StatusCause {
  /** Machine-readable cause, e.g. "FieldValueInvalid", "FieldValueForbidden". */
  readonly reason: string;
  readonly message: string;
  /** Field path, e.g. "spec.selector"; absent when the cause is not about one field. */
  readonly field?: string;
}

/** metav1.StatusDetails; empty members are left out of the body, as Go's omitempty does. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  /** The resource (plural, "configmaps") for NotFound/AlreadyExists/Conflict; the Kind for Invalid. */
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
}

/** A resource named as kube-apiserver names it in messages: group "" → "configmaps", else "deployments.apps". */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/**
 * An API failure answered with a metav1.Status body. Messages and reasons copy
 * k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewAlreadyExists, NewConflict, NewInvalid, …),
 * so clients that match on `reason` or `code` behave as they would against kube-apiserver.
 */
export class StatusError extends Error {
  /** HTTP status code, also the Status `code`. */
  readonly code: number;
  /** metav1.StatusReason, e.g. "NotFound". */
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = "StatusError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The metav1.Status JSON body. */
  toStatus(): JsonObject {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

/** A metav1.Status failure body (kind Status, apiVersion v1, status "Failure"). */
export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): JsonObject {
  const body: JsonObject = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message };
  if (reason !== "") body["reason"] = reason;
  if (details !== undefined) body["details"] = detailsJson(details);
  body["code"] = code;
  return body;
}

function detailsJson(details: StatusDetails): JsonObject {
  const out: JsonObject = {};
  if (details.name) out["name"] = details.name;
  if (details.group) out["group"] = details.group;
  if (details.kind) out["kind"] = details.kind;
  if (details.uid) out["uid"] = details.uid;
  if (details.causes && details.causes.length > 0) {
    out["causes"] = details.causes.map((c) => {
      const cause: JsonObject = { reason: c.reason, message: c.message };
      if (c.field !== undefined) cause["field"] = c.field;
      return cause;
    });
  }
  return out;
}

/** "configmaps" or "deployments.apps". */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** 404 NotFound: `configmaps "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`,
    { name, group: gr.group, kind: gr.resource });
}

/** 404 for a path that names no resource: kube-apiserver's generic answer, with empty details. */
export function pathNotFound(): StatusError {
  return new StatusError(404, "NotFound", "the server could not find the requested resource", {});
}

/** 409 AlreadyExists: `configmaps "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`,
    { name, group: gr.group, kind: gr.resource });
}

/** 409 Conflict on a stale resourceVersion: the optimistic-concurrency message client-go retries on. */
export function conflict(gr: GroupResource, name: string, detail?: string): StatusError {
  const why = detail ?? "the object has been modified; please apply your changes to the latest version and try again";
  return new StatusError(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    { name, group: gr.group, kind: gr.resource });
}

/** 410 Expired: a watch or list from a resourceVersion older than the retained history. */
export function expired(message: string): StatusError {
  return new StatusError(410, "Expired", message);
}

/** 400 BadRequest, no details. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, "BadRequest", message);
}

/** 401 Unauthorized: missing or wrong bearer token. */
export function unauthorized(): StatusError {
  return new StatusError(401, "Unauthorized", "Unauthorized");
}

/** 403 Forbidden with an optional cause (NamespaceLifecycle uses reason "NamespaceTerminating"). */
export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(403, "Forbidden", message, details);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): StatusError {
  return new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

/** 413 RequestEntityTooLarge: kube-apiserver refuses bodies over 3 MiB. */
export function requestTooLarge(limitBytes: number): StatusError {
  return new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limitBytes}`);
}

/** 415 UnsupportedMediaType, listing the media types the endpoint accepts. */
export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return new StatusError(415, "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);
}

/** 500 InternalError. */
export function internalError(message: string): StatusError {
  return new StatusError(500, "InternalError", `Internal error occurred: ${message}`);
}

/** 422 with no field causes: what kube-apiserver answers when a JSON patch cannot be applied. */
export function unprocessable(message: string): StatusError {
  return new StatusError(422, "Invalid", message);
}
