import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { FieldError } from "../kube-apiserver/invalid-error.ts";
import type { WriteRequest } from "../kube-apiserver/write-hooks.ts";
import { jsonAt } from "./json-at.ts";
import { semanticDeepEqual } from "./semantic-deep-equal.ts";
import { storageBytes } from "./storage-bytes.ts";

const SPEC_FROZEN = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

function specCopy(pvc: JsonObject | undefined): JsonObject {
  const spec = jsonAt(pvc, "spec");
  return isJsonObject(spec) ? structuredClone(spec) : {};
}

function setStorage(spec: JsonObject, value: JsonObject[string] | undefined): void {
  const resources = isJsonObject(spec["resources"]) ? spec["resources"] : (spec["resources"] = {});
  const requests = isJsonObject(resources["requests"]) ? resources["requests"] : (resources["requests"] = {});
  if (value === undefined) delete requests["storage"];
  else requests["storage"] = value;
}

/** The whole-spec rule: only the listed exceptions may differ (ValidatePersistentVolumeClaimUpdate). */
function frozenSpecError(oldPvc: JsonObject, newPvc: JsonObject, bound: boolean): FieldError[] {
  const oldSpec = specCopy(oldPvc);
  const newSpec = specCopy(newPvc);
  // Bound claims may change the storage request (checked below); the other request keys stay frozen.
  if (bound) setStorage(newSpec, jsonAt(oldSpec, "resources", "requests", "storage"));
  // volumeName may be set once; storageClassName may go from unset to a value.
  if (!oldSpec["volumeName"]) oldSpec["volumeName"] = newSpec["volumeName"] ?? null;
  if (oldSpec["storageClassName"] === undefined || oldSpec["storageClassName"] === null) {
    oldSpec["storageClassName"] = newSpec["storageClassName"] ?? null;
  }
  if (bound) oldSpec["volumeAttributesClassName"] = newSpec["volumeAttributesClassName"] ?? oldSpec["volumeAttributesClassName"] ?? null;
  if (semanticDeepEqual(oldSpec, newSpec)) return [];
  // The real message appends a core.PersistentVolumeClaimSpec diff; elided here.
  return [{ type: "FieldValueForbidden", field: "spec", detail: SPEC_FROZEN }];
}

/** A storage request below the old one: refused unless still above status.capacity (RecoverVolumeExpansionFailure, on since v1.32). */
function shrinkError(oldPvc: JsonObject, newPvc: JsonObject): FieldError[] {
  const from = storageBytes(jsonAt(oldPvc, "spec", "resources", "requests", "storage"));
  const to = storageBytes(jsonAt(newPvc, "spec", "resources", "requests", "storage"));
  if (from === undefined || to === undefined || to >= from) return [];
  const capacity = storageBytes(jsonAt(oldPvc, "status", "capacity", "storage"));
  if (capacity !== undefined && to > capacity) return [];
  return [{ type: "FieldValueForbidden", field: "spec.resources.requests.storage", detail: "field can not be less than status.capacity" }];
}

/**
 * kube-apiserver's ValidatePersistentVolumeClaimUpdate for the cases the stories use
 * (reference/k8s-immutable-fields.md §2.2, v1.33 with default feature gates): the spec is frozen
 * except the storage request and volumeAttributesClassName of Bound claims, a volumeName set once
 * and a storageClassName set from unset; a storage request may not shrink to status.capacity or
 * below: `spec.resources.requests.storage: Forbidden: field can not be less than status.capacity`
 * (422 Invalid). Growth admission (PersistentVolumeClaimResize, 403) is not simulated.
 */
export function pvcValidation(request: WriteRequest): FieldError[] {
  const { object, oldObject } = request;
  if (request.operation !== "UPDATE" || object === undefined || oldObject === undefined || request.subresource !== "") return [];
  const bound = jsonAt(oldObject, "status", "phase") === "Bound";
  return [...frozenSpecError(oldObject, object, bound), ...(bound ? shrinkError(oldObject, object) : [])];
}
