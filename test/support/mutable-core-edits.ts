import { getAt } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { compareQuantities, parseQuantity } from "../../src/core/k8s/quantity.ts";
import {
  existingList,
  existingObject,
  freshName,
  objectAt,
  objectItems,
  poolEdit,
  setDifferent,
  text,
  type MutableEdit,
  type Rand,
} from "./mutable-edit.ts";
import { newImage } from "./mutable-workload-edits.ts";

/**
 * Accepted edits of core/v1 kinds (reference/k8s-immutable-fields.md §2.2,
 * pkg/apis/core/validation/validation.go):
 * - Pod (ValidatePodUpdate): container and init-container images; activeDeadlineSeconds set from
 *   nil or lowered; tolerations added, re-ordered, tolerationSeconds changed (validateOnlyAddedTolerations);
 *   scheduling gates removed or re-ordered (validateOnlyDeletedSchedulingGates); while the STORED pod is
 *   gated, nodeSelector entries and required node-affinity requirements added
 *   (validateNodeSelectorMutation, validateNodeAffinityMutation); terminationGracePeriodSeconds negative → 1.
 * - Service (ValidateServiceUpdate): selector, ports (port, targetPort, nodePort, add, remove), type among
 *   ClusterIP/NodePort/LoadBalancer keeping the allocated cluster IP, to and from ExternalName,
 *   sessionAffinity, external/internalTrafficPolicy, publishNotReadyAddresses, externalIPs,
 *   loadBalancerSourceRanges. Allocated values are kept as stored.
 * - ConfigMap/Secret (ValidateConfigMapUpdate/ValidateSecretUpdate): data, binaryData, stringData and
 *   becoming immutable, while the stored object is not `immutable: true`.
 * - PersistentVolumeClaim (ValidatePersistentVolumeClaimUpdate, PersistentVolumeClaimResize): storage
 *   growth of a Bound claim with a class (the StorageClass is unknown here: assumed expandable, as the
 *   catalogue assumes); a shrink still above status.capacity (RecoverVolumeExpansionFailure);
 *   volumeAttributesClassName of a Bound claim; volumeName while stored empty; storageClassName nil → value.
 * - PersistentVolume (ValidatePersistentVolumeUpdate): capacity, accessModes, reclaim policy,
 *   storageClassName, mountOptions, claimRef, nodeAffinity from nil, volumeAttributesClassName to a
 *   value, csi.controllerExpandSecretRef from nil.
 * - Namespace (spec.finalizers is reset from the stored object, never refused), ServiceAccount,
 *   Endpoints: no immutable field.
 */

const CORE = "pkg/apis/core/validation/validation.go";
const POD = `${CORE} (ValidatePodUpdate); reference §2.2 v1/Pod`;
const SERVICE = `${CORE} (ValidateServiceUpdate); pkg/registry/core/service/storage (patchAllocatedValues, dropTypeDependentFields); reference §2.2 v1/Service`;
const PVC = `${CORE} (ValidatePersistentVolumeClaimUpdate); reference §2.2 v1/PersistentVolumeClaim`;
const PV = `${CORE} (ValidatePersistentVolumeUpdate); reference §2.2 v1/PersistentVolume`;

// ---------------------------------------------------------------- Pod

function podContainers(pod: JsonObject, list: "containers" | "initContainers"): JsonObject[] {
  return objectItems(existingList(pod, ["spec", list]));
}

function imageEdit(list: "containers" | "initContainers"): MutableEdit {
  return {
    field: `spec.${list}[*].image`,
    source: POD,
    apply: (incoming, _live, rand) => {
      const items = podContainers(incoming, list);
      if (items.length === 0) return false;
      const container = rand.pick(items);
      container["image"] = newImage(text(container, "image") ?? "busybox", rand);
      return true;
    },
  };
}

function liveGated(live: JsonObject): boolean {
  return (existingList(live, ["spec", "schedulingGates"]) ?? []).length > 0;
}

const REQUIRED_TERMS = ["requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"];

export const POD_EDITS: readonly MutableEdit[] = [
  imageEdit("containers"),
  imageEdit("initContainers"),
  {
    field: "spec.activeDeadlineSeconds",
    source: `${POD} (nil → positive, or lowered)`,
    apply: (incoming, live, rand) => {
      const spec = objectAt(incoming, ["spec"]);
      const stored = getAt(live, ["spec", "activeDeadlineSeconds"]);
      const options = typeof stored === "number" ? [1, Math.ceil(stored / 2), stored].filter((n) => n >= 1) : [30, 600, 3600];
      return spec !== undefined && setDifferent(spec, "activeDeadlineSeconds", options, rand);
    },
  },
  {
    field: "spec.tolerations",
    source: `${POD} (validateOnlyAddedTolerations: additions)`,
    apply: (incoming, _live, rand) => {
      const spec = objectAt(incoming, ["spec"]);
      if (!spec) return false;
      const list = existingList(spec, ["tolerations"]) ?? [];
      const toleration: JsonObject = rand.bool()
        ? { key: `example.com/dedicated-${rand.int(1000)}`, operator: "Equal", value: "x", effect: "NoSchedule" }
        : { key: `example.com/unreachable-${rand.int(1000)}`, operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 };
      spec["tolerations"] = [...list, toleration];
      return true;
    },
  },
  {
    field: "spec.tolerations",
    source: `${POD} (validateOnlyAddedTolerations: a stored toleration may be anywhere in the new list)`,
    apply: (incoming) => {
      const list = existingList(incoming, ["spec", "tolerations"]);
      if (!list || list.length < 2) return false;
      list.reverse();
      return true;
    },
  },
  {
    field: "spec.tolerations[*].tolerationSeconds",
    source: `${POD} (validateOnlyAddedTolerations: tolerationSeconds may change; only NoExecute tolerations have it)`,
    apply: (incoming, _live, rand) => {
      const list = objectItems(existingList(incoming, ["spec", "tolerations"])).filter((t) => t["effect"] === "NoExecute");
      if (list.length === 0) return false;
      const toleration = rand.pick(list);
      if (toleration["tolerationSeconds"] !== undefined && rand.bool()) {
        delete toleration["tolerationSeconds"];
        return true;
      }
      return setDifferent(toleration, "tolerationSeconds", [0, 30, 300, 6000], rand);
    },
  },
  {
    field: "spec.schedulingGates",
    source: `${POD} (validateOnlyDeletedSchedulingGates: removals)`,
    apply: (incoming, _live, rand) => {
      const gates = existingList(incoming, ["spec", "schedulingGates"]);
      if (!gates || gates.length === 0) return false;
      if (gates.length > 1 && rand.bool()) gates.reverse();
      else gates.splice(rand.int(gates.length), 1);
      return true;
    },
  },
  {
    field: "spec.nodeSelector",
    source: `${POD} (validateNodeSelectorMutation: additions while the stored pod is gated)`,
    apply: (incoming, live, rand) => {
      if (!liveGated(live)) return false;
      const selector = objectAt(incoming, ["spec", "nodeSelector"]);
      const stored = existingObject(live, ["spec", "nodeSelector"]) ?? {};
      const keys = ["example.com/pool", "topology.kubernetes.io/zone", "kubernetes.io/arch"].filter((k) => !(k in stored));
      if (!selector || keys.length === 0) return false;
      return setDifferent(selector, rand.pick(keys), ["a", "b", "amd64"], rand);
    },
  },
  {
    field: "spec.affinity.nodeAffinity",
    source: `${POD} (validateNodeAffinityMutation: set when none stored, else requirements appended, while gated)`,
    apply: (incoming, live, rand) => {
      if (!liveGated(live)) return false;
      const requirement = { key: `example.com/req-${rand.int(100)}`, operator: "In", values: [rand.pick(["a", "b"])] };
      const storedTerms = existingList(live, ["spec", "affinity", "nodeAffinity", ...REQUIRED_TERMS]) ?? [];
      const nodeAffinity = objectAt(incoming, ["spec", "affinity", "nodeAffinity"]);
      if (!nodeAffinity) return false;
      const terms = existingList(nodeAffinity, REQUIRED_TERMS);
      if (storedTerms.length === 0 || !terms || terms.length === 0) {
        nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = { nodeSelectorTerms: [{ matchExpressions: [requirement] }] };
        return true;
      }
      const term = terms[rand.int(terms.length)];
      if (!isJsonObject(term)) return false;
      term["matchExpressions"] = [...(existingList(term, ["matchExpressions"]) ?? []), requirement];
      return true;
    },
  },
  {
    field: "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
    source: `${POD} (ValidatePodUpdate munges the whole nodeAffinity of a gated pod; preferred terms are free)`,
    apply: (incoming, live, rand) => {
      if (!liveGated(live)) return false;
      const nodeAffinity = objectAt(incoming, ["spec", "affinity", "nodeAffinity"]);
      return nodeAffinity !== undefined && setDifferent(nodeAffinity, "preferredDuringSchedulingIgnoredDuringExecution", [
        [{ weight: 10, preference: { matchExpressions: [{ key: "example.com/ssd", operator: "Exists" }] } }],
        [],
      ], rand);
    },
  },
  {
    field: "spec.terminationGracePeriodSeconds",
    source: `${POD} (a negative value may be set to 1)`,
    apply: (incoming, live) => {
      const stored = getAt(live, ["spec", "terminationGracePeriodSeconds"]);
      const spec = objectAt(incoming, ["spec"]);
      if (typeof stored !== "number" || stored >= 0 || !spec || spec["terminationGracePeriodSeconds"] === 1) return false;
      spec["terminationGracePeriodSeconds"] = 1;
      return true;
    },
  },
];

// ---------------------------------------------------------------- Service

function serviceType(service: JsonObject): string {
  return text(existingObject(service, ["spec"]), "type") || "ClusterIP";
}

function headless(service: JsonObject): boolean {
  return text(existingObject(service, ["spec"]), "clusterIP") === "None" || getAt(service, ["spec", "clusterIPs", 0]) === "None";
}

/** Both sides allocate a cluster IP that is not None: the type may move among ClusterIP, NodePort, LoadBalancer. */
function ipService(live: JsonObject, incoming: JsonObject): boolean {
  const allocating = ["ClusterIP", "NodePort", "LoadBalancer"];
  return allocating.includes(serviceType(live)) && allocating.includes(serviceType(incoming)) && !headless(live) && !headless(incoming);
}

function hasNodePorts(service: JsonObject): boolean {
  return ["NodePort", "LoadBalancer"].includes(serviceType(service));
}

function servicePorts(service: JsonObject): JsonObject[] {
  return objectItems(existingList(service, ["spec", "ports"]));
}

function numbers(items: readonly JsonObject[], key: string): Set<JsonValue | undefined> {
  return new Set(items.map((item) => item[key]));
}

/** Edit of a Service that applies only when `when(live, incoming)` holds. */
function serviceEdit(field: string, when: (live: JsonObject, incoming: JsonObject) => boolean, edit: (spec: JsonObject, rand: Rand, live: JsonObject) => boolean): MutableEdit {
  return {
    field,
    source: SERVICE,
    apply: (incoming, live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      return spec !== undefined && when(live, incoming) && edit(spec, rand, live);
    },
  };
}

const notExternalName = (live: JsonObject, incoming: JsonObject): boolean =>
  serviceType(live) !== "ExternalName" && serviceType(incoming) !== "ExternalName";
const always = (): boolean => true;

/** Drops the fields of the types a Service leaves (what a manifest of the new type no longer states). */
function dropTypeFields(spec: JsonObject, to: string): void {
  if (to !== "LoadBalancer") {
    for (const key of ["healthCheckNodePort", "allocateLoadBalancerNodePorts", "loadBalancerClass", "loadBalancerSourceRanges", "loadBalancerIP"]) delete spec[key];
  }
  if (to === "ClusterIP" || to === "ExternalName") {
    delete spec["externalTrafficPolicy"];
    for (const port of objectItems(existingList(spec, ["ports"]))) delete port["nodePort"];
  }
}

export const SERVICE_EDITS: readonly MutableEdit[] = [
  serviceEdit("spec.selector", notExternalName, (spec, rand) => {
    const selector = objectAt(spec, ["selector"]);
    return selector !== undefined && setDifferent(selector, rand.pick(["app.kubernetes.io/name", "tier", "version"]), ["web", "api", "v2"], rand);
  }),
  serviceEdit("spec.selector", notExternalName, (spec, rand) => {
    const selector = existingObject(spec, ["selector"]);
    const keys = Object.keys(selector ?? {});
    if (!selector || keys.length < 2) return false;
    delete selector[rand.pick(keys)];
    return true;
  }),
  serviceEdit("spec.ports[*].port", always, (spec, rand) => {
    const ports = servicePorts({ spec });
    if (ports.length === 0) return false;
    const used = numbers(ports, "port");
    const options = [81, 443, 5432, 8081, 9090].filter((p) => !used.has(p));
    return setDifferent(rand.pick(ports), "port", options, rand);
  }),
  serviceEdit("spec.ports[*].targetPort", notExternalName, (spec, rand) => {
    const ports = servicePorts({ spec });
    return ports.length > 0 && setDifferent(rand.pick(ports), "targetPort", [8080, 9000, "http-alt"], rand);
  }),
  serviceEdit("spec.ports", always, (spec, rand) => {
    const list = existingList(spec, ["ports"]);
    if (!list) return false;
    const ports = objectItems(list);
    // More than one port: every port needs a name (validateServicePort).
    ports.forEach((port, i) => {
      if (!text(port, "name")) port["name"] = `p${i}`;
    });
    const used = numbers(ports, "port");
    const port = [8443, 9100, 15000].find((p) => !used.has(p));
    if (port === undefined) return false;
    list.push({ name: freshName(list, "extra", rand), port, protocol: "TCP", targetPort: port });
    return true;
  }),
  serviceEdit("spec.ports", always, (spec, rand) => {
    const list = existingList(spec, ["ports"]);
    if (!list || list.length < 2) return false;
    list.splice(rand.int(list.length), 1);
    return true;
  }),
  serviceEdit("spec.ports[*].nodePort", (live, incoming) => hasNodePorts(live) && hasNodePorts(incoming), (spec, rand) => {
    const ports = servicePorts({ spec });
    if (ports.length === 0) return false;
    const used = numbers(ports, "nodePort");
    return setDifferent(rand.pick(ports), "nodePort", [30001, 30555, 31999, 32700].filter((p) => !used.has(p)), rand);
  }),
  serviceEdit("spec.type", ipService, (spec, rand, live) => {
    const from = serviceType({ spec });
    const to = rand.pick(["ClusterIP", "NodePort", "LoadBalancer"].filter((t) => t !== from));
    spec["type"] = to;
    dropTypeFields(spec, to);
    // Back to LoadBalancer from a stored LoadBalancer: its loadBalancerClass may not change (validateLoadBalancerClassField).
    const storedClass = getAt(live, ["spec", "loadBalancerClass"]);
    if (to === "LoadBalancer" && serviceType(live) === "LoadBalancer" && storedClass !== undefined) spec["loadBalancerClass"] = storedClass;
    return true;
  }),
  serviceEdit("spec.type", (live, incoming) => serviceType(live) !== "ExternalName" && serviceType(incoming) !== "ExternalName", (spec) => {
    spec["type"] = "ExternalName";
    spec["externalName"] = "db.example.com";
    for (const key of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy", "sessionAffinityConfig", "externalIPs"]) delete spec[key];
    spec["sessionAffinity"] = "None";
    dropTypeFields(spec, "ExternalName");
    return true;
  }),
  serviceEdit("spec.type", (live, incoming) => serviceType(live) === "ExternalName" && serviceType(incoming) === "ExternalName", (spec) => {
    spec["type"] = "ClusterIP";
    delete spec["externalName"];
    return true;
  }),
  serviceEdit("spec.sessionAffinity", ipService, (spec, rand) => {
    if (spec["sessionAffinity"] === "ClientIP" && rand.bool()) {
      spec["sessionAffinity"] = "None";
      delete spec["sessionAffinityConfig"];
      return true;
    }
    spec["sessionAffinity"] = "ClientIP";
    spec["sessionAffinityConfig"] = { clientIP: { timeoutSeconds: rand.pick([600, 10800]) } };
    return true;
  }),
  serviceEdit("spec.externalTrafficPolicy", (live, incoming) => ipService(live, incoming) && hasNodePorts(incoming), (spec) => {
    const to = spec["externalTrafficPolicy"] === "Local" ? "Cluster" : "Local";
    spec["externalTrafficPolicy"] = to;
    if (to === "Cluster") delete spec["healthCheckNodePort"];
    return true;
  }),
  serviceEdit("spec.internalTrafficPolicy", notExternalName, (spec, rand) => setDifferent(spec, "internalTrafficPolicy", ["Cluster", "Local"], rand)),
  serviceEdit("spec.publishNotReadyAddresses", always, (spec, rand) => setDifferent(spec, "publishNotReadyAddresses", [true, false], rand)),
  serviceEdit("spec.externalIPs", ipService, (spec, rand) => setDifferent(spec, "externalIPs", [["203.0.113.10"], ["203.0.113.10", "203.0.113.11"]], rand)),
  serviceEdit("spec.ports", always, (spec) => {
    const list = existingList(spec, ["ports"]);
    if (!list || list.length < 2) return false;
    list.reverse();
    return true;
  }),
  serviceEdit("spec.ports[*].protocol", notExternalName, (spec, rand) => {
    const ports = servicePorts({ spec });
    if (ports.length === 0) return false;
    const port = rand.pick(ports);
    const to = port["protocol"] === "UDP" ? "TCP" : "UDP";
    // Port and protocol together must stay unique (validateServicePort).
    if (ports.some((p) => p !== port && p["port"] === port["port"] && (p["protocol"] ?? "TCP") === to)) return false;
    port["protocol"] = to;
    return true;
  }),
  serviceEdit("spec.ipFamilyPolicy", (live, incoming) => ipService(live, incoming) && (existingList(live, ["spec", "clusterIPs"]) ?? []).length < 2, (spec) => {
    // PreferDualStack on a single-stack Service: the server allocates a secondary IP only where it can.
    if (spec["ipFamilyPolicy"] === "PreferDualStack") return false;
    spec["ipFamilyPolicy"] = "PreferDualStack";
    return true;
  }),
  serviceEdit("spec.clusterIP", ipService, (spec) => {
    // patchAllocatedValues re-fills an omitted clusterIP and clusterIPs from the stored Service.
    if (spec["clusterIP"] === undefined && spec["clusterIPs"] === undefined) return false;
    delete spec["clusterIP"];
    delete spec["clusterIPs"];
    return true;
  }),
  serviceEdit("spec.ports[*].nodePort", (live, incoming) => hasNodePorts(live) && hasNodePorts(incoming), (spec) => {
    // patchAllocatedValues re-fills an omitted nodePort (matched by port name) from the stored Service.
    const ports = servicePorts({ spec }).filter((p) => p["nodePort"] !== undefined);
    if (ports.length === 0) return false;
    for (const port of ports) delete port["nodePort"];
    return true;
  }),
  serviceEdit("spec.loadBalancerSourceRanges", (live, incoming) => ipService(live, incoming) && serviceType(incoming) === "LoadBalancer", (spec, rand) =>
    setDifferent(spec, "loadBalancerSourceRanges", [["10.0.0.0/8"], ["192.168.0.0/16", "10.1.0.0/16"]], rand)),
];

// ---------------------------------------------------------------- ConfigMap, Secret

const notImmutable = (live: JsonObject): boolean => live["immutable"] !== true;

function mapEdit(kind: string, field: string, values: readonly string[], canRemove: (incoming: JsonObject) => boolean): MutableEdit[] {
  const source = `${CORE} (Validate${kind}Update: only a stored immutable: true freezes data); reference §2.2 v1/${kind}`;
  return [
    {
      field,
      source,
      apply: (incoming, live, rand) => {
        const map = notImmutable(live) ? objectAt(incoming, [field]) : undefined;
        return map !== undefined && setDifferent(map, rand.pick(["config.yaml", "LOG_LEVEL", "extra"]), values, rand);
      },
    },
    {
      field,
      source,
      apply: (incoming, live, rand) => {
        const map = existingObject(incoming, [field]);
        const keys = Object.keys(map ?? {});
        if (!notImmutable(live) || !map || keys.length === 0 || !canRemove(incoming)) return false;
        delete map[rand.pick(keys)];
        return true;
      },
    },
  ];
}

function becomeImmutable(kind: string): MutableEdit {
  return {
    field: "immutable",
    source: `${CORE} (Validate${kind}Update: any object may become immutable); reference §2.2 v1/${kind}`,
    apply: (incoming, live) => {
      if (!notImmutable(live) || incoming["immutable"] === true) return false;
      incoming["immutable"] = true;
      return true;
    },
  };
}

export const CONFIGMAP_EDITS: readonly MutableEdit[] = [
  ...mapEdit("ConfigMap", "data", ["debug", "a: 1\n", ""], () => true),
  ...mapEdit("ConfigMap", "binaryData", ["AAEC", "aGVsbG8="], () => true),
  becomeImmutable("ConfigMap"),
];

/** Typed secrets need their keys (tls.crt, .dockerconfigjson…); only an Opaque secret loses keys here. */
const opaque = (secret: JsonObject): boolean => (text(secret, "type") ?? "Opaque") === "Opaque";

export const SECRET_EDITS: readonly MutableEdit[] = [
  ...mapEdit("Secret", "data", ["dmFsdWU=", "c2VjcmV0LTI="], opaque),
  ...mapEdit("Secret", "stringData", ["value", "secret-2"], () => false),
  becomeImmutable("Secret"),
];

// ---------------------------------------------------------------- PersistentVolumeClaim

function claimClass(claim: JsonObject): string | undefined {
  return text(existingObject(claim, ["metadata", "annotations"]), "volume.beta.kubernetes.io/storage-class") ?? text(existingObject(claim, ["spec"]), "storageClassName");
}

/** Bound, or no status in the pair (a stored claim with a volumeName and a class is bound). */
function bound(live: JsonObject): boolean {
  const phase = getAt(live, ["status", "phase"]);
  return phase === undefined || phase === "Bound";
}

function storage(claim: JsonObject): string | number | undefined {
  const value = getAt(claim, ["spec", "resources", "requests", "storage"]);
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function bytes(quantity: string | number | undefined): bigint | undefined {
  const parsed = quantity === undefined ? undefined : parseQuantity(quantity);
  return parsed && parsed.scale === 0 ? parsed.numerator : undefined;
}

export const PVC_EDITS: readonly MutableEdit[] = [
  {
    field: "spec.resources.requests.storage",
    source: `${PVC}; PersistentVolumeClaimResize admission (growth of a Bound claim whose class allows expansion)`,
    apply: (incoming, live, rand) => {
      const from = storage(live);
      const now = storage(incoming);
      const cls = claimClass(live);
      if (!bound(live) || from === undefined || !cls || claimClass(incoming) !== cls) return false;
      const larger = ["50Gi", "100Gi", "1Ti"].filter((q) => (compareQuantities(q, from) ?? 0) > 0 && (now === undefined || (compareQuantities(q, now) ?? 0) > 0));
      const requests = objectAt(incoming, ["spec", "resources", "requests"]);
      if (larger.length === 0 || !requests) return false;
      requests["storage"] = rand.pick(larger);
      return true;
    },
  },
  {
    field: "spec.resources.requests.storage",
    source: `${PVC} (RecoverVolumeExpansionFailure: a shrink to a size still above status.capacity)`,
    apply: (incoming, live) => {
      const request = bytes(storage(live));
      const capacityValue = getAt(live, ["status", "capacity", "storage"]);
      const capacity = typeof capacityValue === "string" || typeof capacityValue === "number" ? bytes(capacityValue) : undefined;
      const requests = objectAt(incoming, ["spec", "resources", "requests"]);
      if (!bound(live) || request === undefined || capacity === undefined || request - capacity < 2n || !requests) return false;
      requests["storage"] = String(capacity + (request - capacity) / 2n);
      return true;
    },
  },
  {
    field: "spec.volumeAttributesClassName",
    source: `${PVC} (volumeAttributesClassName of a Bound claim, never back to nil or "")`,
    apply: (incoming, live, rand) => {
      const spec = objectAt(incoming, ["spec"]);
      return bound(live) && spec !== undefined && setDifferent(spec, "volumeAttributesClassName", ["gold", "silver"], rand);
    },
  },
  {
    field: "spec.volumeName",
    source: `${PVC} (volumeName may be set once while the stored one is empty)`,
    apply: (incoming, live) => {
      const spec = objectAt(incoming, ["spec"]);
      if (text(existingObject(live, ["spec"]), "volumeName") || !spec || spec["volumeName"] === "pv-bound-by-edit") return false;
      spec["volumeName"] = "pv-bound-by-edit";
      return true;
    },
  },
  {
    field: "spec.storageClassName",
    source: `${PVC} (validateStorageClassUpgradeFromNil: nil → value without the beta annotation)`,
    apply: (incoming, live, rand) => {
      const stored = getAt(live, ["spec", "storageClassName"]);
      const spec = objectAt(incoming, ["spec"]);
      if ((stored !== undefined && stored !== null) || claimClass(live) !== undefined || claimClass(incoming) !== undefined || !spec) return false;
      spec["storageClassName"] = rand.pick(["standard", "gp3"]);
      return true;
    },
  },
];

// ---------------------------------------------------------------- PersistentVolume

function pvSource(pv: JsonObject, name: string): JsonObject | undefined {
  return existingObject(pv, ["spec", name]);
}

export const PV_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "capacity", "storage"], ["5Gi", "20Gi", "100Gi"], PV),
  poolEdit(["spec", "accessModes"], [["ReadWriteOnce"], ["ReadWriteMany"], ["ReadOnlyMany"], ["ReadWriteOnce", "ReadOnlyMany"]], PV),
  poolEdit(["spec", "persistentVolumeReclaimPolicy"], ["Retain", "Delete"], PV),
  poolEdit(["spec", "storageClassName"], ["standard", "gp3", "archive"], PV),
  {
    field: "spec.mountOptions",
    source: `${PV} (mountOptions mutable; supported by nfs and csi volumes)`,
    apply: (incoming, _live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      const supported = pvSource(incoming, "nfs") !== undefined || pvSource(incoming, "csi") !== undefined;
      return spec !== undefined && supported && setDifferent(spec, "mountOptions", [["hard", "nfsvers=4.1"], ["noatime"]], rand);
    },
  },
  {
    field: "spec.claimRef",
    source: PV,
    apply: (incoming, _live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      if (!spec) return false;
      if (spec["claimRef"] !== undefined && rand.bool()) {
        delete spec["claimRef"];
        return true;
      }
      return setDifferent(spec, "claimRef", [
        { kind: "PersistentVolumeClaim", namespace: "db", name: "data-restore-0" },
        { kind: "PersistentVolumeClaim", namespace: "shop", name: "uploads" },
      ], rand);
    },
  },
  {
    field: "spec.nodeAffinity",
    source: `${PV} (nodeAffinity may be set when none is stored)`,
    apply: (incoming, live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      if (!spec || existingObject(live, ["spec", "nodeAffinity"]) !== undefined || spec["nodeAffinity"] !== undefined) return false;
      spec["nodeAffinity"] = {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [rand.pick(["node-a", "node-b"])] }] }] },
      };
      return true;
    },
  },
  {
    field: "spec.volumeAttributesClassName",
    source: `${PV} (a CSI volume's class may change, never back to nil)`,
    apply: (incoming, _live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      return spec !== undefined && pvSource(incoming, "csi") !== undefined && setDifferent(spec, "volumeAttributesClassName", ["gold", "silver"], rand);
    },
  },
  {
    field: "spec.nodeAffinity",
    source: `${PV} (validatePvNodeAffinity: beta topology keys may be renamed to their GA names)`,
    apply: (incoming, live) => {
      const renames: Record<string, string> = {
        "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
        "beta.kubernetes.io/os": "kubernetes.io/os",
        "beta.kubernetes.io/arch": "kubernetes.io/arch",
        "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
      };
      const storedTerms = existingList(live, ["spec", "nodeAffinity", "required", "nodeSelectorTerms"]) ?? [];
      const terms = objectItems(existingList(incoming, ["spec", "nodeAffinity", "required", "nodeSelectorTerms"]));
      if (storedTerms.length === 0 || terms.length !== storedTerms.length) return false;
      let renamed = false;
      for (const term of terms) {
        for (const expr of objectItems(existingList(term, ["matchExpressions"]))) {
          const to = renames[text(expr, "key") ?? ""];
          if (to) {
            expr["key"] = to;
            renamed = true;
          }
        }
      }
      return renamed;
    },
  },
  {
    field: "spec.csi.controllerExpandSecretRef",
    source: `${PV} (controllerExpandSecretRef may be added when none is stored)`,
    apply: (incoming, live) => {
      const csi = pvSource(incoming, "csi");
      const stored = pvSource(live, "csi");
      if (!csi || !stored || stored["controllerExpandSecretRef"] !== undefined || csi["controllerExpandSecretRef"] !== undefined) return false;
      csi["controllerExpandSecretRef"] = { name: "expand-secret", namespace: "kube-system" };
      return true;
    },
  },
];

// ---------------------------------------------------------------- kinds without immutable fields

const NO_RULE = `${CORE} (no field compared with the old object); reference §2.2`;

export const NAMESPACE_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "finalizers"], [["kubernetes"], []], `${CORE} (ValidateNamespaceUpdate); namespaceStrategy.PrepareForUpdate resets spec.finalizers`),
];

export const SERVICE_ACCOUNT_EDITS: readonly MutableEdit[] = [
  poolEdit(["automountServiceAccountToken"], [true, false], NO_RULE),
  poolEdit(["imagePullSecrets"], [[{ name: "regcred" }], [{ name: "regcred" }, { name: "ghcr" }], []], NO_RULE),
  poolEdit(["secrets"], [[{ name: "token-a" }], []], NO_RULE),
];

export const ENDPOINTS_EDITS: readonly MutableEdit[] = [
  {
    field: "subsets[*].addresses",
    source: NO_RULE,
    apply: (incoming, _live, rand) => {
      const subsets = objectItems(existingList(incoming, ["subsets"]));
      if (subsets.length === 0) return false;
      const subset = rand.pick(subsets);
      subset["addresses"] = [...(existingList(subset, ["addresses"]) ?? []), { ip: `10.244.${rand.int(250)}.${1 + rand.int(250)}` }];
      return true;
    },
  },
  {
    field: "subsets[*].ports[*].port",
    source: NO_RULE,
    apply: (incoming, _live, rand) => {
      const ports = objectItems(existingList(incoming, ["subsets"])).flatMap((s) => objectItems(existingList(s, ["ports"])));
      return ports.length > 0 && setDifferent(rand.pick(ports), "port", [8080, 9090, 8443], rand);
    },
  },
];
