import { isDeepStrictEqual } from "node:util";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, parseMapSelector, selectorMatches } from "../../../src/core/impact/cascade/label-selector.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { isDeleting, meta, objectField, objectsField, stringField } from "./json-fields.ts";
import { ENDPOINT_SLICE, POD, SERVICE } from "./kinds.ts";
import { controllerRefTo, isControlledBy } from "./owner-references.ts";
import { isPodReady, podPhase } from "./pod-conditions.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY = "endpointslice-controller.k8s.io";

/** A Service port's targetPort as a number: itself, a named container port of the pod, else the port. */
function targetPort(servicePort: JsonObject, pod: JsonObject | undefined): number {
  const target = servicePort["targetPort"];
  if (typeof target === "number") return target;
  if (typeof target === "string" && pod) {
    const named = objectsField(objectField(pod, "spec"), "containers").flatMap((c) => objectsField(c, "ports")).find((p) => p["name"] === target);
    if (named && typeof named["containerPort"] === "number") return named["containerPort"];
  }
  return typeof servicePort["port"] === "number" ? servicePort["port"] : 0;
}

/**
 * utilpod ShouldPodBeInEndpoints (includeTerminating): a pod with an IP that has not finished
 * (restartPolicy Always pods never finish; others are out once Succeeded or Failed).
 */
function inEndpoints(pod: JsonObject): boolean {
  return stringField(objectField(pod, "status"), "podIP") !== "" && podPhase(pod) !== "Succeeded" && podPhase(pod) !== "Failed";
}

/** The slice content for a Service: endpoints sorted by pod name, with ready/serving/terminating. */
function desiredSlice(service: JsonObject, pods: readonly JsonObject[]): JsonObject {
  const spec = objectField(service, "spec");
  const publishNotReady = spec["publishNotReadyAddresses"] === true;
  const endpoints = [...pods].sort((a, b) => meta(a, "name").localeCompare(meta(b, "name"))).map((pod) => {
    const terminating = isDeleting(pod);
    const serving = isPodReady(pod) || publishNotReady;
    return {
      addresses: [stringField(objectField(pod, "status"), "podIP")],
      conditions: { ready: serving && !terminating, serving, terminating },
      nodeName: stringField(objectField(pod, "spec"), "nodeName"),
      targetRef: { kind: "Pod", namespace: meta(pod, "namespace"), name: meta(pod, "name"), uid: meta(pod, "uid") },
    };
  });
  const ports = objectsField(spec, "ports").map((p) => ({
    ...(typeof p["name"] === "string" ? { name: p["name"] } : { name: "" }),
    port: targetPort(p, pods[0]), protocol: stringField(p, "protocol") || "TCP",
  }));
  return { addressType: "IPv4", endpoints, ports };
}

async function syncService(ctx: ControllerContext, service: JsonObject, slices: readonly JsonObject[]): Promise<void> {
  const namespace = meta(service, "namespace");
  const ours = slices.filter((s) => isControlledBy(s, service));
  const selector = parseMapSelector(objectField(service, "spec")["selector"]);
  // A Service without selector has endpoints managed by someone else; the controller keeps none.
  if (selector.type === "none" || isDeleting(service)) {
    for (const slice of ours) await tolerateRace(ctx.api.delete(refOf(ENDPOINT_SLICE, slice)), (e) => ctx.report(e));
    return;
  }
  const pods = ctx.api.list(POD, namespace).filter((p) => selectorMatches(selector, labelsOf(objectField(p, "metadata")["labels"])) && inEndpoints(p));
  const wanted = desiredSlice(service, pods);
  const [first, ...extra] = ours;
  for (const slice of extra) await tolerateRace(ctx.api.delete(refOf(ENDPOINT_SLICE, slice)), (e) => ctx.report(e));
  if (first === undefined) {
    await tolerateRace(ctx.api.create({
      apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
      metadata: { generateName: `${meta(service, "name")}-`, namespace, labels: { [SERVICE_NAME_LABEL]: meta(service, "name"), [MANAGED_BY_LABEL]: MANAGED_BY }, ownerReferences: [controllerRefTo(service)] },
      ...wanted,
    }), (e) => ctx.report(e));
    return;
  }
  if (isDeepStrictEqual({ addressType: first["addressType"], endpoints: first["endpoints"], ports: first["ports"] }, wanted)) return;
  await tolerateRace(ctx.api.update(refOf(ENDPOINT_SLICE, first), (current) => ({ ...current, ...wanted })), (e) => ctx.report(e));
}

/**
 * The EndpointSlice controller (pkg/controller/endpointslice): one slice per Service with a
 * selector (`<service>-<suffix>`, labelled kubernetes.io/service-name and managed-by, owned by
 * the Service), listing the selected pods of the same namespace that have an IP, each with
 * conditions ready (ready and not terminating), serving and terminating, as since Kubernetes 1.26.
 * One slice per Service (the real controller splits at 100 endpoints); targetPort resolved
 * against the first pod's named container ports.
 */
export function createEndpointSliceController(): SimController {
  return {
    name: "endpointslice-controller",
    async sync(ctx) {
      const slices = ctx.api.list(ENDPOINT_SLICE).filter((s) => labelsOf(objectField(s, "metadata")["labels"]).get(MANAGED_BY_LABEL) === MANAGED_BY);
      for (const service of ctx.api.list(SERVICE)) await syncService(ctx, service, slices.filter((s) => meta(s, "namespace") === meta(service, "namespace")));
    },
  };
}
