import type { JsonValue } from "../../../src/core/k8s/json.ts";
import { StatusError } from "./status-error.ts";

/**
 * One field validation error, as k8s.io/apimachinery/pkg/util/validation/field.Error.
 * `type` is the cause reason ("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", …).
 */
export interface FieldError {
  readonly type: FieldErrorType;
  /** Field path, e.g. "spec.selector" or "spec.template.spec.containers[0].image". */
  readonly field: string;
  /** Human explanation, e.g. "field is immutable". */
  readonly detail: string;
  /** The refused value; shown only for FieldValueInvalid/NotSupported, as field.Error does. */
  readonly value?: JsonValue;
}

export type FieldErrorType =
  | "FieldValueInvalid"
  | "FieldValueForbidden"
  | "FieldValueRequired"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueTooLong";

// field.ErrorType.String() in apimachinery.
const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: "Invalid value",
  FieldValueForbidden: "Forbidden",
  FieldValueRequired: "Required value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueTooLong: "Too long",
};

/** field.Error.ErrorBody(): "Invalid value: \"x\": field is immutable", "Forbidden: …". */
export function fieldErrorBody(error: FieldError): string {
  const showsValue = error.type === "FieldValueInvalid" || error.type === "FieldValueNotSupported"
    || error.type === "FieldValueDuplicate";
  const head = showsValue && error.value !== undefined
    ? `${TYPE_TEXT[error.type]}: ${JSON.stringify(error.value)}`
    : TYPE_TEXT[error.type];
  return error.detail === "" ? head : `${head}: ${error.detail}`;
}

/**
 * 422 Invalid, as apierrors.NewInvalid: message `Deployment.apps "web" is invalid: spec.selector: …`
 * (several errors are joined as "[a, b]"), details.kind is the Kind (not the resource), one cause per
 * field error.
 */
export function invalid(group: string, kind: string, name: string, errors: readonly FieldError[]): StatusError {
  const qualifiedKind = group === "" ? kind : `${kind}.${group}`;
  const parts = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const joined = parts.length === 1 ? parts[0]! : `[${parts.join(", ")}]`;
  return new StatusError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}
