import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { FLUX_FORCE_ANNOTATION, FLUX_FORCE_VALUE, MARK_ANNOTATIONS } from "../../src/core/decide/mark-annotations.ts";
import { TOOL_MARKER_ANNOTATION } from "../../src/core/admission/mark-object.ts";

/**
 * The annotations an earlier mark left (mark-object.ts): an immutable change of
 * `spec.selector` marked for recreate, with Flux's force marker gitops-guard added. The digest
 * matches no change the property tests draw, so the marks are stale or unrelated, never "the same
 * change again".
 */
export const STALE_MARKS: Readonly<Record<string, string>> = {
  [MARK_ANNOTATIONS.replace]: "recreate",
  [MARK_ANNOTATIONS.fields]: "spec.selector",
  [MARK_ANNOTATIONS.digest]: "0123456789abcdef",
  [FLUX_FORCE_ANNOTATION]: FLUX_FORCE_VALUE,
  [TOOL_MARKER_ANNOTATION]: "flux",
};

/** A copy of `object` carrying STALE_MARKS (a metadata or annotations that is not a map is replaced). */
export function withReplaceMarks(object: JsonObject): JsonObject {
  const copy = structuredClone(object);
  const metadata = isJsonObject(copy["metadata"]) ? copy["metadata"] : {};
  const annotations = isJsonObject(metadata["annotations"]) ? metadata["annotations"] : {};
  copy["metadata"] = { ...metadata, annotations: { ...annotations, ...STALE_MARKS } };
  return copy;
}
