import type { PathSegment } from "../../k8s/field-path.ts";
import { isEmptyValue, isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { applyDefaults, dropEmptyStrings, type DefaultTree } from "./apply-defaults.ts";
import { canonicalQuantity, canonicalResourceList } from "./canonical-quantity.ts";
import { defaultPullPolicy } from "./default-pull-policy.ts";

/*
 * What the API server fills into a Pod when the update body omits it, so that an absent field and
 * its default compare equal. Source: pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
 * SetDefaults_Pod, SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe,
 * SetDefaults_HTTPGetAction, SetDefaults_ObjectFieldSelector, SetDefaults_*VolumeSource,
 * SetDefaults_ServiceAccountTokenProjection, SetDefaults_PersistentVolumeClaimSpec for ephemeral
 * volume claim templates). Non-pointer Go bools decode `false` and absent alike. SetDefaults_Pod
 * (requests from limits, enableServiceLinks, hostNetwork host ports) runs on a Pod only, "not a
 * v1.PodTemplate" (its own comment): a workload's template does not get those.
 */

const HTTP_GET: DefaultTree = { path: "/", scheme: "HTTP" };
const PROBE: DefaultTree = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, httpGet: HTTP_GET };
const FIELD_REF: DefaultTree = { fieldRef: { apiVersion: "v1" } };
const CONTAINER: DefaultTree = {
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
  stdin: false,
  stdinOnce: false,
  tty: false,
  ports: { "*": { protocol: "TCP" } },
  env: { "*": { valueFrom: FIELD_REF } },
  volumeMounts: { "*": { readOnly: false } },
  livenessProbe: PROBE,
  readinessProbe: PROBE,
  startupProbe: PROBE,
  lifecycle: { postStart: { httpGet: HTTP_GET }, preStop: { httpGet: HTTP_GET } },
};
// 0644 = 420, the default file mode of secret, configMap, downwardAPI and projected volumes.
const VOLUME: DefaultTree = {
  ephemeral: { volumeClaimTemplate: { spec: { volumeMode: "Filesystem" } } },
  secret: { defaultMode: 420 },
  configMap: { defaultMode: 420 },
  downwardAPI: { defaultMode: 420, items: { "*": FIELD_REF } },
  projected: {
    defaultMode: 420,
    sources: { "*": { serviceAccountToken: { expirationSeconds: 3600 }, downwardAPI: { items: { "*": FIELD_REF } } } },
  },
};
const POD_SPEC: DefaultTree = {
  dnsPolicy: "ClusterFirst",
  restartPolicy: "Always",
  schedulerName: "default-scheduler",
  terminationGracePeriodSeconds: 30,
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  containers: { "*": CONTAINER },
  initContainers: { "*": CONTAINER },
  ephemeralContainers: { "*": CONTAINER },
  volumes: { "*": VOLUME },
};

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/**
 * `*string` fields of a pod spec where "" is a value of its own: an ephemeral claim template's
 * storageClassName ("" asks for no class, absent for the default class; SetDefaults leaves both).
 */
const POD_SPEC_POINTER_STRINGS: readonly (readonly PathSegment[])[] = [["volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", "storageClassName"]];

/** A copy of `target` with `list` at `key`, or without the key when the list is empty. */
function withResourceList(target: JsonObject, key: string, list: JsonValue | undefined): JsonObject {
  const out: JsonObject = { ...target };
  if (isEmptyValue(list)) delete out[key];
  else if (list !== undefined) out[key] = list;
  return out;
}

/**
 * `resources` (of a container, of the pod, of an ephemeral claim template) with its quantities
 * compared by amount (Semantic.DeepEqual compares resource.Quantity values, not their text) and,
 * on a Pod's containers, requests defaulted to limits (SetDefaults_Pod). An empty list is left out:
 * `resources` is a struct and its lists are maps, so `resources: {}` (or `limits: {}`) and no
 * resources are the same value to the API server (nil map = empty map).
 */
function canonicalResources(resources: JsonObject, requestsFromLimits: boolean): JsonObject {
  const limits = isJsonObject(resources["limits"]) ? resources["limits"] : {};
  const requests = isJsonObject(resources["requests"]) ? resources["requests"] : {};
  const withLimits = withResourceList(resources, "limits", canonicalResourceList(limits));
  return withResourceList(withLimits, "requests", canonicalResourceList(requestsFromLimits ? { ...limits, ...requests } : requests));
}

function containerResources(requestsFromLimits: boolean): (container: JsonValue) => JsonValue {
  return (container) => {
    if (!isJsonObject(container)) return container;
    const out: JsonObject = { ...container };
    if (isJsonObject(container["resources"])) out["resources"] = canonicalResources(container["resources"], requestsFromLimits);
    // A downward-API resource divisor is a Quantity too.
    if (Array.isArray(container["env"])) out["env"] = container["env"].map(canonicalDivisor);
    return out;
  };
}

function canonicalDivisor(env: JsonValue): JsonValue {
  if (!isJsonObject(env) || !isJsonObject(env["valueFrom"])) return env;
  const ref = env["valueFrom"]["resourceFieldRef"];
  if (!isJsonObject(ref) || ref["divisor"] === undefined) return env;
  return { ...env, valueFrom: { ...env["valueFrom"], resourceFieldRef: { ...ref, divisor: canonicalQuantity(ref["divisor"]) } } };
}

/**
 * Volume quantities by amount (an emptyDir's sizeLimit, an ephemeral claim template's resources),
 * and an image volume's pullPolicy defaulted from its reference like a container's (SetDefaults_Volume:
 * Always for :latest or no tag, else IfNotPresent; the reference is frozen with the volume).
 */
function canonicalVolume(volume: JsonValue): JsonValue {
  if (!isJsonObject(volume)) return volume;
  const out: JsonObject = { ...volume };
  const image = volume["image"];
  if (isJsonObject(image) && typeof image["reference"] === "string" && (image["pullPolicy"] === undefined || image["pullPolicy"] === null)) {
    out["image"] = { ...image, pullPolicy: defaultPullPolicy(image["reference"]) };
  }
  const emptyDir = volume["emptyDir"];
  if (isJsonObject(emptyDir) && emptyDir["sizeLimit"] !== undefined) out["emptyDir"] = { ...emptyDir, sizeLimit: canonicalQuantity(emptyDir["sizeLimit"]) };
  const ephemeral = volume["ephemeral"];
  const template = isJsonObject(ephemeral) ? ephemeral["volumeClaimTemplate"] : undefined;
  const spec = isJsonObject(template) ? template["spec"] : undefined;
  if (isJsonObject(ephemeral) && isJsonObject(template) && isJsonObject(spec) && isJsonObject(spec["resources"])) {
    out["ephemeral"] = { ...ephemeral, volumeClaimTemplate: { ...template, spec: { ...spec, resources: canonicalResources(spec["resources"], false) } } };
  }
  return out;
}

/** With hostNetwork, a container port's hostPort defaults to its containerPort (SetDefaults_Pod). */
function defaultHostPorts(container: JsonValue): JsonValue {
  if (!isJsonObject(container) || !Array.isArray(container["ports"])) return container;
  const ports = container["ports"].map((port) =>
    isJsonObject(port) && (port["hostPort"] === undefined || port["hostPort"] === 0) && port["containerPort"] !== undefined
      ? { ...port, hostPort: port["containerPort"] }
      : port,
  );
  return { ...container, ports };
}

function mapContainers(spec: JsonObject, map: (c: JsonValue) => JsonValue): JsonObject {
  const out: JsonObject = { ...spec };
  for (const list of CONTAINER_LISTS) {
    const containers = out[list];
    if (Array.isArray(containers)) out[list] = containers.map(map);
  }
  return out;
}

/** A Pod's spec gets SetDefaults_Pod too; a template's (`template`) does not. */
export type PodSpecOwner = "pod" | "template";

/**
 * A Pod spec with the server's defaults filled in, quantities in one spelling, `serviceAccount`
 * (deprecated alias) folded into `serviceAccountName`, and empty strings dropped. Not a spec → an
 * empty object.
 */
export function podSpecDefaults(spec: JsonValue | undefined, owner: PodSpecOwner): JsonObject {
  const tree: DefaultTree = owner === "pod" ? { ...POD_SPEC, enableServiceLinks: true } : POD_SPEC;
  const defaulted = dropEmptyStrings(applyDefaults(spec, tree), POD_SPEC_POINTER_STRINGS);
  if (!isJsonObject(defaulted)) return {};
  let out = mapContainers(defaulted, containerResources(owner === "pod"));
  // SetDefaults_PodSpec: `if obj.SecurityContext == nil { obj.SecurityContext = &v1.PodSecurityContext{} }`
  // (a pointer to a struct, compared as one: pointer-structs.ts).
  if (out["securityContext"] === undefined || out["securityContext"] === null) out["securityContext"] = {};
  if (Array.isArray(out["volumes"])) out["volumes"] = out["volumes"].map(canonicalVolume);
  // Pod-level resources and the RuntimeClass overhead are ResourceLists as well.
  if (isJsonObject(out["resources"])) out["resources"] = canonicalResources(out["resources"], false);
  if (isJsonObject(out["overhead"])) out["overhead"] = canonicalResourceList(out["overhead"]) ?? out["overhead"];
  if (owner === "pod" && out["hostNetwork"] === true) out = mapContainers(out, defaultHostPorts);
  const alias = out["serviceAccount"];
  if (alias !== undefined) {
    if (out["serviceAccountName"] === undefined) out["serviceAccountName"] = alias;
    delete out["serviceAccount"];
  }
  return out;
}
