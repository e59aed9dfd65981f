import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { meta, objectField } from "./json-fields.ts";

/** metadata.ownerReferences entries that are objects. */
export function ownerReferencesOf(obj: JsonObject): JsonObject[] {
  const refs = objectField(obj, "metadata")["ownerReferences"];
  return Array.isArray(refs) ? refs.filter(isJsonObject) : [];
}

/** The owner reference with controller: true (metav1.GetControllerOf), if any. */
export function controllerRefOf(obj: JsonObject): JsonObject | undefined {
  return ownerReferencesOf(obj).find((r) => r["controller"] === true);
}

/** True when `obj`'s controller reference points at `owner`'s uid. */
export function isControlledBy(obj: JsonObject, owner: JsonObject): boolean {
  return controllerRefOf(obj)?.["uid"] === meta(owner, "uid");
}

/**
 * The reference a controller puts on what it creates or adopts (metav1.NewControllerRef):
 * controller: true and blockOwnerDeletion: true, so a foreground delete of the owner waits for it.
 */
export function controllerRefTo(owner: JsonObject): JsonObject {
  return {
    apiVersion: String(owner["apiVersion"]), kind: String(owner["kind"]), name: meta(owner, "name"), uid: meta(owner, "uid"),
    controller: true, blockOwnerDeletion: true,
  };
}
