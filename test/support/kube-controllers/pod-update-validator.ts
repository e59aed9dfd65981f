import { isDeepStrictEqual } from "node:util";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { FieldError } from "../kube-apiserver/invalid-error.ts";
import type { Validator } from "../kube-apiserver/write-hooks.ts";
import { objectField, objectsField, stringField } from "./json-fields.ts";

// pkg/apis/core/validation ValidatePodUpdate's refusal, word for word (Kubernetes 1.27+).
export const POD_UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** A pod spec with the fields an update may change set aside. */
function frozenPart(spec: JsonObject, nodeNameWasEmpty: boolean): JsonObject {
  const copy = structuredClone(spec);
  for (const list of ["containers", "initContainers"]) {
    if (Array.isArray(copy[list])) copy[list] = objectsField(copy, list).map((c) => ({ ...c, image: null }));
  }
  delete copy["activeDeadlineSeconds"];
  delete copy["tolerations"];
  delete copy["terminationGracePeriodSeconds"];
  delete copy["schedulingGates"];
  // The binding subresource sets spec.nodeName once; the simulated scheduler does it by update.
  if (nodeNameWasEmpty) delete copy["nodeName"];
  return copy;
}

/**
 * The API server's pod update validation (ValidatePodUpdate), which the simulated API server does
 * not have: a pod's spec is immutable but for images, activeDeadlineSeconds, tolerations,
 * terminationGracePeriodSeconds, schedulingGates and a first nodeName. This is what makes an
 * adopted StatefulSet pod without the volume of a new claim template impossible to fix in place
 * (kubernetes/kubernetes#141876: FailedUpdate until the pod is deleted).
 */
export const podUpdateValidator: Validator = (request) => {
  if (request.operation !== "UPDATE" || request.subresource !== "" || !request.object || !request.oldObject) return undefined;
  const before = objectField(request.oldObject, "spec");
  const after = objectField(request.object, "spec");
  const wasUnbound = stringField(before, "nodeName") === "";
  if (isDeepStrictEqual(frozenPart(before, wasUnbound), frozenPart(after, wasUnbound))) return undefined;
  const error: FieldError = { type: "FieldValueForbidden", field: "spec", detail: POD_UPDATE_FORBIDDEN };
  return [error];
};
