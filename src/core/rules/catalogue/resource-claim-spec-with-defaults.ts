import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";

/** SetDefaults_DeviceToleration: an empty operator becomes "Equal". */
function tolerationWithDefaults(toleration: JsonValue): JsonValue {
  if (!isJsonObject(toleration) || (toleration["operator"] !== undefined && toleration["operator"] !== "")) return toleration;
  return { ...toleration, operator: "Equal" };
}

/**
 * SetDefaults_ExactDeviceRequest / SetDefaults_DeviceSubRequest (v1, v1beta2) and
 * SetDefaults_DeviceRequest (v1beta1, when deviceClassName is set): allocationMode defaults to
 * ExactCount, and an ExactCount request without a count asks for 1 device.
 */
function requestWithDefaults(request: JsonObject): JsonObject {
  const mode = typeof request["allocationMode"] === "string" && request["allocationMode"] !== "" ? request["allocationMode"] : "ExactCount";
  const count = mode === "ExactCount" && !request["count"] ? 1 : request["count"];
  const out: JsonObject = { ...request, allocationMode: mode };
  if (count !== undefined) out["count"] = count;
  if (Array.isArray(request["tolerations"])) out["tolerations"] = request["tolerations"].map(tolerationWithDefaults);
  return out;
}

function deviceRequestWithDefaults(request: JsonValue): JsonValue {
  if (!isJsonObject(request)) return request;
  let out: JsonObject = { ...request };
  // v1beta1 puts the exact request fields on the request itself.
  if (typeof request["deviceClassName"] === "string" && request["deviceClassName"] !== "") out = requestWithDefaults(out);
  if (isJsonObject(request["exactly"])) out["exactly"] = requestWithDefaults(request["exactly"]);
  if (Array.isArray(request["firstAvailable"])) {
    out["firstAvailable"] = request["firstAvailable"].map((sub) => (isJsonObject(sub) ? requestWithDefaults(sub) : sub));
  }
  return out;
}

/**
 * A ResourceClaim spec (also a ResourceClaimTemplate's `spec.spec`) with the defaults the API
 * server fills in, so that a manifest omitting `allocationMode: ExactCount` / `count: 1` compares
 * equal to the live claim (pkg/apis/resource/v1/defaults.go).
 */
export function resourceClaimSpecWithDefaults(spec: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(spec) || !isJsonObject(spec["devices"]) || !Array.isArray(spec["devices"]["requests"])) return spec;
  const devices: JsonObject = { ...spec["devices"], requests: spec["devices"]["requests"].map(deviceRequestWithDefaults) };
  return { ...spec, devices };
}
