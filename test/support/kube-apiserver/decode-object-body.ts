import { parse as parseYaml } from "yaml";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { badRequest, unsupportedMediaType } from "./status-error.ts";

const ACCEPTED = ["application/json", "application/yaml"];

/**
 * A create/update body decoded by Content-Type: application/json or application/yaml (parameters
 * ignored). Protobuf and CBOR are not simulated: 415, as for any other type. A body that is not
 * one object is 400.
 */
export function decodeObjectBody(contentType: string | undefined, text: string): JsonObject {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!ACCEPTED.includes(mediaType)) throw unsupportedMediaType(ACCEPTED);
  let value: unknown;
  try {
    value = mediaType === "application/json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw badRequest(`the object provided is unrecognized: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) throw badRequest("the object provided is unrecognized (must be a single object)");
  return value;
}
