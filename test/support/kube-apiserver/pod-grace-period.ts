import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";

/**
 * The grace period of a pod DELETE in seconds, as kube-apiserver's pod strategy computes it
 * (pkg/registry/core/pod/strategy.go CheckGracefulDelete): DeleteOptions.gracePeriodSeconds when
 * given, else the pod's spec.terminationGracePeriodSeconds (the API defaults it to 30; the
 * simulator does not default, so an absent value is 0); 0 when the pod is not scheduled
 * (spec.nodeName empty: no kubelet would ever confirm) or already terminated (phase Succeeded or
 * Failed); a negative value counts as 1 ("a grace period of 0 forces deletion"; negative values
 * are raised to the minimum positive one).
 */
export function podGracePeriodSeconds(pod: JsonObject, requested: number | undefined): number {
  const spec = isJsonObject(pod["spec"]) ? pod["spec"] : {};
  const status = isJsonObject(pod["status"]) ? pod["status"] : {};
  const fromSpec = typeof spec["terminationGracePeriodSeconds"] === "number" ? spec["terminationGracePeriodSeconds"] : 0;
  let period = requested ?? fromSpec;
  if (typeof spec["nodeName"] !== "string" || spec["nodeName"] === "") period = 0;
  if (status["phase"] === "Succeeded" || status["phase"] === "Failed") period = 0;
  return period < 0 ? 1 : period;
}
