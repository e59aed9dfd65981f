import { getAt } from "../../k8s/field-path.ts";
import type { JsonObject } from "../../k8s/json.ts";
import type { RuleInput } from "../rule.ts";

/**
 * Facts about a Service as the Service REST storage reads them (pkg/registry/core/service/storage:
 * needsClusterIP, needsNodePort, needsHCNodePort; apiservice.NeedsHealthCheck). `spec.type`
 * defaults to ClusterIP, `externalTrafficPolicy` to Cluster.
 */
export function serviceType(service: JsonObject): string {
  const type = getAt(service, ["spec", "type"]);
  return typeof type === "string" && type !== "" ? type : "ClusterIP";
}

export function needsClusterIP(service: JsonObject): boolean {
  return serviceType(service) !== "ExternalName";
}

export function needsNodePort(service: JsonObject): boolean {
  const type = serviceType(service);
  return type === "NodePort" || type === "LoadBalancer";
}

export function needsHealthCheck(service: JsonObject): boolean {
  return serviceType(service) === "LoadBalancer" && getAt(service, ["spec", "externalTrafficPolicy"]) === "Local";
}

/** Neither side is ExternalName: cluster IPs are allocated before and after the update. */
export function bothNeedClusterIP(input: { readonly old: JsonObject; readonly new: JsonObject }): boolean {
  return needsClusterIP(input.old) && needsClusterIP(input.new);
}

/**
 * The items of a list field (`clusterIPs`, `ipFamilies`) at their positions; a blank or non-string
 * item is "". Positions matter: kube-apiserver compares `clusterIPs[i]` with the stored `[i]`, and
 * re-fills only an empty list, not a blank item (`patchAllocatedValues`).
 */
export function stringList(service: JsonObject, field: string): string[] {
  const value = getAt(service, ["spec", field]);
  return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : "")) : [];
}

/** The primary cluster IP the client sent: `clusterIP`, else `clusterIPs[0]`; undefined = omitted or blank. */
export function primaryClusterIP(service: JsonObject): string | undefined {
  const single = getAt(service, ["spec", "clusterIP"]);
  if (typeof single === "string" && single !== "") return single;
  const first = stringList(service, "clusterIPs")[0];
  return first === "" ? undefined : first;
}

/** A policy the client set that is not SingleStack (absent = the server picks; not judged). */
export function keepsDualStack(input: RuleInput): boolean {
  const policy = getAt(input.new, ["spec", "ipFamilyPolicy"]);
  return typeof policy === "string" && policy !== "" && policy !== "SingleStack";
}
