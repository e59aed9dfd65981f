/**
 * Typed errors with stable codes. Each code maps to exactly one HTTP status (when the error
 * reaches the webhook's HTTP edge) and one process exit code (when it reaches a CLI command).
 * A denial is not an error: it is a Decision value. Errors are for bad input and broken I/O.
 *
 * Exit codes follow DESIGN "Check": 0 nothing blocking, 1 blocking findings, 2 usage or input
 * error, 3 runtime or cluster error.
 */

export const ERROR_CODES = {
  /** A CLI flag or argument is missing or malformed. */
  ERR_USAGE: { httpStatus: 400, exitCode: 2 },
  /** A manifest file is not YAML/JSON, or a document is not a Kubernetes object. */
  ERR_MANIFEST_INVALID: { httpStatus: 400, exitCode: 2 },
  /** Two documents on one side of a comparison share group, kind, namespace and name. */
  ERR_MANIFEST_DUPLICATE: { httpStatus: 400, exitCode: 2 },
  /** A file or folder named on the command line cannot be read. */
  ERR_INPUT_UNREADABLE: { httpStatus: 400, exitCode: 2 },
  /** An `audit` input line is malformed and --strict was given (without it, such lines are counted). */
  ERR_AUDIT_INPUT_MALFORMED: { httpStatus: 400, exitCode: 2 },
  /** The request body is not JSON or not an AdmissionReview. */
  ERR_REVIEW_INVALID: { httpStatus: 400, exitCode: 2 },
  /** The request body is not `application/json` in UTF-8 (the only encoding kube-apiserver sends, and JSON's: RFC 8259 §8.1). */
  ERR_REVIEW_MEDIA_TYPE: { httpStatus: 415, exitCode: 2 },
  /**
   * The review nests deeper than the webhook judges (MAX_JUDGED_DEPTH): answered by the failure
   * mode, never walked (the walks are recursive and one such review must not cost the others).
   */
  ERR_REVIEW_TOO_DEEP: { httpStatus: 422, exitCode: 2 },
  /** The client did not present a certificate signed by the configured client CA (`serve --client-ca`). */
  ERR_UNAUTHENTICATED: { httpStatus: 401, exitCode: 2 },
  /** The request body is larger than the webhook's body limit. */
  ERR_REVIEW_TOO_LARGE: { httpStatus: 413, exitCode: 2 },
  /** A policy document (file or ConfigMap) does not match the policy schema. */
  ERR_POLICY_INVALID: { httpStatus: 400, exitCode: 2 },
  /** Serving certificates cannot be read, generated or parsed. */
  ERR_TLS: { httpStatus: 500, exitCode: 3 },
  /** The webhook was asked to decide before any valid policy had loaded (answered by the failure mode). */
  ERR_POLICY_NOT_LOADED: { httpStatus: 503, exitCode: 3 },
  /** The Kubernetes API server cannot be reached or answered with an error. */
  ERR_KUBE_UNAVAILABLE: { httpStatus: 503, exitCode: 3 },
  /** The API server refused a request of the command's identity (RBAC 403): the message names the verb, resource and namespace. */
  ERR_KUBE_FORBIDDEN: { httpStatus: 503, exitCode: 3 },
  /** The decision thread stopped answering (a decision ran past the stall limit): answered by the failure mode. */
  ERR_DECISION_STALLED: { httpStatus: 503, exitCode: 3 },
  /** An unexpected failure inside gitops-guard (a bug). */
  ERR_INTERNAL: { httpStatus: 500, exitCode: 3 },
} as const satisfies Record<string, { httpStatus: number; exitCode: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}

/** The exit code for any thrown value: AppErrors carry theirs, anything else is a runtime error. */
export function exitCodeOf(err: unknown): number {
  return err instanceof AppError ? err.exitCode : ERROR_CODES.ERR_INTERNAL.exitCode;
}

/** A thrown value as an Error (a throw of a string or anything else is wrapped, its text kept). */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The message of a thrown value, whatever was thrown. */
export function messageOf(value: unknown): string {
  return toError(value).message;
}
