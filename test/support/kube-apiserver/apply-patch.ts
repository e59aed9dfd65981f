import fastJsonPatch from "fast-json-patch";
import { parse as parseYaml } from "yaml";
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
  return custom ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply] : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply];
}

/** The media type of a Content-Type header, lower case, parameters dropped. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * A server-side apply body (YAML, JSON being YAML) as the applied configuration: an object, or 400
 * as kube-apiserver answers an undecodable one.
 */
export function parseApplyBody(text: string): JsonObject {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) throw badRequest("error decoding YAML: the applied configuration must be an object");
  return value;
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
 * - application/apply-patch+yaml (server-side apply): the applied configuration MERGED OVER the
 *   current object (as a merge patch: maps merged, lists replaced, nothing removed). Real
 *   server-side apply tracks field ownership (managedFields), removes fields the manager stops
 *   applying and merges list-map items by key; none of that is simulated. An apply to an absent
 *   object creates it (handle-request.ts); `fieldManager` is required (400 otherwise).
 * - anything else: 415.
 */
export function applyPatch(contentType: string, current: JsonObject, body: string, custom: boolean): JsonObject {
  const mediaType = mediaTypeOf(contentType);
  const accepted = acceptedPatchTypes(custom);
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  const patch = mediaType === PATCH_TYPES.apply ? parseApplyBody(body) : parseJson(body);
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
