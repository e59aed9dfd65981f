import { isEmptyValue, isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { applyDefaults, dropEmptyStrings, type DefaultTree } from "./apply-defaults.ts";
import { canonicalResourceList } from "./canonical-quantity.ts";

/*
 * What the API server fills into a Pod when the update body omits it, so that an absent field and
 * its default compare equal. Source: pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
 * SetDefaults_Pod, SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe,
 * SetDefaults_HTTPGetAction, SetDefaults_ObjectFieldSelector, SetDefaults_*VolumeSource,
 * SetDefaults_ServiceAccountTokenProjection). Non-pointer Go bools decode `false` and absent alike.
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
  enableServiceLinks: true,
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  containers: { "*": CONTAINER },
  initContainers: { "*": CONTAINER },
  ephemeralContainers: { "*": CONTAINER },
  volumes: { "*": VOLUME },
};

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** A copy of `target` with `list` at `key`, or without the key when the list is empty. */
function withResourceList(target: JsonObject, key: string, list: JsonValue | undefined): JsonObject {
  const out: JsonObject = { ...target };
  if (isEmptyValue(list)) delete out[key];
  else if (list !== undefined) out[key] = list;
  return out;
}

/**
 * Requests default to limits (SetDefaults_Pod); quantities compare by amount. An empty list is
 * left out: `resources` is a struct and its lists are maps, so `resources: {}` (or `limits: {}`)
 * and no resources are the same value to the API server (Semantic.DeepEqual: nil map = empty map).
 */
function defaultResources(container: JsonValue): JsonValue {
  if (!isJsonObject(container) || !isJsonObject(container["resources"])) return container;
  const resources = container["resources"];
  const limits = isJsonObject(resources["limits"]) ? resources["limits"] : {};
  const requests = isJsonObject(resources["requests"]) ? resources["requests"] : {};
  const withLimits = withResourceList(resources, "limits", canonicalResourceList(limits));
  return { ...container, resources: withResourceList(withLimits, "requests", canonicalResourceList({ ...limits, ...requests })) };
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

/**
 * A Pod spec with the server's defaults filled in, `serviceAccount` (deprecated alias) folded into
 * `serviceAccountName`, and empty strings dropped. Not a spec → an empty object.
 */
export function podSpecDefaults(spec: JsonValue | undefined): JsonObject {
  const defaulted = dropEmptyStrings(applyDefaults(spec, POD_SPEC));
  if (!isJsonObject(defaulted)) return {};
  let out = mapContainers(defaulted, defaultResources);
  if (out["hostNetwork"] === true) out = mapContainers(out, defaultHostPorts);
  const alias = out["serviceAccount"];
  if (alias !== undefined) {
    if (out["serviceAccountName"] === undefined) out["serviceAccountName"] = alias;
    delete out["serviceAccount"];
  }
  return out;
}
