import { isJsonObject, type JsonObject } from "../../k8s/json.ts";
import { canonicalResourceList } from "./canonical-quantity.ts";

/**
 * A PersistentVolumeClaim spec (a claim's, or a StatefulSet volume claim template's) as the API
 * server compares it: `volumeMode` defaulted to Filesystem (SetDefaults_PersistentVolumeClaimSpec,
 * run on claims and on every template) and the resource quantities by amount (semantic DeepEqual:
 * 10Gi = 10240Mi). A shallow copy; the input is not changed.
 */
export function canonicalClaimSpec(spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  if (out["volumeMode"] === undefined || out["volumeMode"] === null) out["volumeMode"] = "Filesystem";
  const resources = out["resources"];
  if (isJsonObject(resources)) {
    out["resources"] = {
      ...resources,
      requests: canonicalResourceList(resources["requests"]) ?? {},
      limits: canonicalResourceList(resources["limits"]) ?? {},
    };
  }
  return out;
}
