import type { FieldError } from "../kube-apiserver/invalid-error.ts";
import type { WriteRequest } from "../kube-apiserver/write-hooks.ts";
import { goLabelSelectorText } from "./go-value-text.ts";
import { jsonAt } from "./json-at.ts";
import { semanticDeepEqual } from "./semantic-deep-equal.ts";

/**
 * kube-apiserver's ValidateJobSpecUpdate for batch/v1 Jobs, limited to what the stories exercise
 * (reference/k8s-immutable-fields.md §2.4): `spec.selector` and `spec.template` may not change.
 * The real message prints the whole `core.PodTemplateSpec{…}` Go value (kilobytes); it is elided
 * here, the words Flux and people read (`Invalid value: …: field is immutable`, 422 Invalid) are
 * the same. Not simulated: the suspended-job exception for scheduling directives, completions and
 * the other frozen fields, create-time validation beyond the generated selector.
 */
export function jobValidation(request: WriteRequest): FieldError[] {
  if (request.operation !== "UPDATE" || request.object === undefined || request.subresource !== "") return [];
  const errors: FieldError[] = [];
  const selector = jsonAt(request.object, "spec", "selector");
  if (!semanticDeepEqual(selector, jsonAt(request.oldObject, "spec", "selector"))) {
    errors.push({ type: "FieldValueInvalid", field: "spec.selector", detail: `${goLabelSelectorText(selector)}: field is immutable` });
  }
  if (!semanticDeepEqual(jsonAt(request.object, "spec", "template"), jsonAt(request.oldObject, "spec", "template"))) {
    errors.push({ type: "FieldValueInvalid", field: "spec.template", detail: "core.PodTemplateSpec{…}: field is immutable" });
  }
  return errors;
}
