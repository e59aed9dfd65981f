import type { FieldError } from "../kube-apiserver/invalid-error.ts";
import type { WriteRequest } from "../kube-apiserver/write-hooks.ts";
import { goLabelSelectorText, goStringMapText } from "./go-value-text.ts";
import { jsonAt } from "./json-at.ts";
import { selectorMatchesLabels } from "./selector-matches-labels.ts";
import { semanticDeepEqual } from "./semantic-deep-equal.ts";

/**
 * kube-apiserver's validation of apps/v1 Deployments, limited to what the stories exercise
 * (reference/k8s-immutable-fields.md §2.3):
 * - ValidateDeploymentSpec → ValidatePodTemplateSpecForReplicaSet: the selector is required and
 *   the template labels must match it, on create and update:
 *   ``spec.template.metadata.labels: Invalid value: map[string]string{…}: `selector` does not match template `labels` ``;
 * - deploymentStrategy.ValidateUpdate (apps/v1): `spec.selector` may not change
 *   (ValidateImmutableField, semantic equality):
 *   `spec.selector: Invalid value: v1.LabelSelector{…}: field is immutable`.
 * Other Deployment validation (replicas ≥ 0, container names, …) is not simulated.
 */
export function deploymentValidation(request: WriteRequest): FieldError[] {
  const object = request.object;
  if (object === undefined || request.subresource !== "") return [];
  const errors: FieldError[] = [];
  const selector = jsonAt(object, "spec", "selector");
  const labels = jsonAt(object, "spec", "template", "metadata", "labels");
  if (selector === undefined || selector === null) {
    errors.push({ type: "FieldValueRequired", field: "spec.selector", detail: "" });
  } else if (!selectorMatchesLabels(selector, labels)) {
    errors.push({
      type: "FieldValueInvalid",
      field: "spec.template.metadata.labels",
      detail: `${goStringMapText(labels)}: \`selector\` does not match template \`labels\``,
    });
  }
  const oldSelector = jsonAt(request.oldObject, "spec", "selector");
  if (request.operation === "UPDATE" && !semanticDeepEqual(selector, oldSelector)) {
    errors.push({ type: "FieldValueInvalid", field: "spec.selector", detail: `${goLabelSelectorText(selector)}: field is immutable` });
  }
  return errors;
}
