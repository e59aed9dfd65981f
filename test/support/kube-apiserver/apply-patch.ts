import fastJsonPatch from "fast-json-patch";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { mergePatch } from "./merge-patch.ts";
import { badRequest, unprocessable, unsupportedMediaType } from "./status-error.ts";

/** The patch media types kube-apiserver accepts (apply-patch+yaml is server-side apply). */
export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** The patch media types the simulator applies for a resource (CRDs take no strategic merge). */
export function acceptedPatchTypes(custom: boolean): string[] {
  return custom ? [PATCH_TYPES.json, PATCH_TYPES.merge] : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

/**
 * Applies a PATCH body to the current object, by Content-Type (parameters such as charset are
 * ignored, as kube-apiserver's PatchResource strips them):
 * - application/json-patch+json: RFC 6902; a malformed patch is 400, one that fails to apply
 *   (failed `test`, missing path) is 422, as handlers/patch.go answers.
 * - application/merge-patch+json: RFC 7386.
 * - application/strategic-merge-patch+json: applied AS A MERGE PATCH. Real strategic merge merges
 *   lists by their patchMergeKey (containers by name, …) and honours $patch/$retainKeys
 *   directives; the simulator replaces lists whole. Tests that depend on list merging must not
 *   rely on this. Custom resources refuse it with 415, as kube-apiserver does.
 * - application/apply-patch+yaml (server-side apply) and anything else: 415. Server-side apply
 *   and managedFields are not simulated.
 */
export function applyPatch(contentType: string, current: JsonObject, body: string, custom: boolean): JsonObject {
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  const accepted = acceptedPatchTypes(custom);
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  const patch = parseJson(body);
  if (mediaType === PATCH_TYPES.json) {
    if (!Array.isArray(patch)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    try {
      const result = fastJsonPatch.applyPatch(structuredClone(current), patch, true, false, false).newDocument;
      if (!isJsonObject(result)) throw unprocessable("the patched document is not an object");
      return result;
    } catch (error) {
      if (error instanceof fastJsonPatch.JsonPatchError) throw unprocessable(error.message.split("\n")[0]!);
      throw error;
    }
  }
  if (!isJsonObject(patch)) throw badRequest("error decoding patch: a merge patch must be a JSON object");
  const merged = mergePatch(current, patch);
  if (!isJsonObject(merged)) throw badRequest("the merge patch did not produce an object");
  return merged;
}
