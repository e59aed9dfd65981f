import { TOOL_MARKER_ANNOTATION } from "../admission/mark-object.ts";
import { FLUX_FORCE_ANNOTATION, FLUX_FORCE_VALUE, MARK_ANNOTATIONS } from "../decide/mark-annotations.ts";
import { cloneJson, isJsonObject, type JsonObject } from "../k8s/json.ts";

import { REPLACE_LABEL } from "../admission/mark-object.ts";

export { REPLACE_LABEL };

/** Metadata the API server assigns: never sent on a create (a uid or resourceVersion there is refused). */
const SERVER_METADATA = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

/**
 * An object as it can be POSTed again: no status, no server-assigned metadata, no owner
 * references (the old ones name controllers that may be gone), no finalizers the old object
 * collected, and without the replacement marks (the new object is the replacement).
 */
export function creatableObject(obj: JsonObject): JsonObject {
  const out = cloneJson(obj);
  delete out["status"];
  const meta = isJsonObject(out["metadata"]) ? out["metadata"] : {};
  out["metadata"] = meta;
  for (const key of SERVER_METADATA) delete meta[key];
  delete meta["ownerReferences"];
  delete meta["finalizers"];
  const annotations = isJsonObject(meta["annotations"]) ? meta["annotations"] : undefined;
  if (annotations) {
    const tool = annotations[TOOL_MARKER_ANNOTATION];
    for (const key of Object.values(MARK_ANNOTATIONS)) delete annotations[key];
    delete annotations[TOOL_MARKER_ANNOTATION];
    if (tool === "flux" && annotations[FLUX_FORCE_ANNOTATION] === FLUX_FORCE_VALUE) delete annotations[FLUX_FORCE_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete meta["annotations"];
  }
  const labels = isJsonObject(meta["labels"]) ? meta["labels"] : undefined;
  if (labels) {
    delete labels[REPLACE_LABEL];
    if (Object.keys(labels).length === 0) delete meta["labels"];
  }
  return out;
}

/** The old object as the journal keeps it: whole, without status and server-assigned metadata (kept: its labels, annotations and marks). */
export function journaledObject(obj: JsonObject): JsonObject {
  const out = cloneJson(obj);
  delete out["status"];
  const meta = isJsonObject(out["metadata"]) ? out["metadata"] : {};
  out["metadata"] = meta;
  delete meta["managedFields"];
  return out;
}
