import { getAt, type PathSegment } from "../../src/core/k8s/field-path.ts";
import type { JsonObject, JsonValue } from "../../src/core/k8s/json.ts";
import { existingList, existingObject, objectAt, objectItems, text, type Rand } from "./mutable-edit.ts";

/**
 * One change kube-apiserver refuses on UPDATE, for the immutable-edits property test
 * (test/core/rules/immutable-edits.property.test.ts), the reverse of mutable-edit.ts: it changes
 * exactly one field the Kubernetes validation freezes (under the conditions `source` names) to
 * another value of the right type that the create-time validation would accept.
 */
export interface ImmutableEdit {
  /** The `<group>/<Kind>` it applies to ("" = core). */
  readonly kind: string;
  /** The frozen field, Kubernetes field-path notation; the finding must be at, below or above it. */
  readonly field: string;
  /** Why kube-apiserver refuses it: the validation function and reference row. */
  readonly source: string;
  /**
   * Edits `incoming` in place so that the field differs from `live`'s. False when the edit does not
   * apply to this pair (field unset where "once set" matters, condition not met); `incoming` is then
   * unchanged.
   */
  readonly apply: (incoming: JsonObject, live: JsonObject, rand: Rand) => boolean;
  /** The releases it is refused in (`since` inclusive, `until` exclusive); default: every known release. */
  readonly since?: string;
  readonly until?: string;
  /** Feature-gate states it is refused under (default: any). */
  readonly gates?: Readonly<Record<string, boolean>>;
}

import { isGateName } from "../../src/core/kube/feature-gates.ts";
import { gateEnabled, kubeTarget } from "../../src/core/kube/kube-target.ts";

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/** When-conditions read from the stored object. */
type When = (live: JsonObject) => boolean;
const always: When = () => true;

/**
 * Sets the value at `path` in `incoming` to one of `values` that differs from `live`'s value there
 * (and from `incoming`'s). `onlySet`: the stored object must hold a value there ("once set" rules).
 */
function setField(kind: string, path: readonly string[], values: (current: JsonValue | undefined, rand: Rand) => readonly JsonValue[], source: string, opts: { onlySet?: boolean; when?: When } = {}): ImmutableEdit {
  const when = opts.when ?? always;
  const set = setIn(path, values, opts.onlySet === true);
  return { kind, field: path.join("."), source, apply: (incoming, live, rand) => when(live) && set(incoming, live, rand) };
}

const pool = (...values: JsonValue[]) => () => values;

/** Another string from `current` (a suffix), keeping DNS-label syntax. */
const renamed = (current: JsonValue | undefined, rand: Rand): JsonValue[] => [`${typeof current === "string" && current !== "" ? current : "x"}-${rand.int(90) + 10}`];

/** Adds `key: value` to a selector's matchLabels at `selectorPath` and to the labels at `labelsPath` (which must keep matching). */
function selectorLabelAdded(kind: string, selectorPath: readonly string[], labelsPath: readonly string[], source: string, when: When = always): ImmutableEdit {
  return {
    kind,
    field: [...selectorPath, "matchLabels"].join("."),
    source,
    apply: (incoming, live, rand) => {
      if (!when(live) || existingObject(live, selectorPath) === undefined || existingObject(incoming, selectorPath) === undefined) return false;
      const key = rand.pick(["tier", "app.kubernetes.io/version", "example.com/track"]);
      const value = rand.pick(["a", "v2", "canary"]);
      const stored = existingObject(live, [...selectorPath, "matchLabels"]);
      if (stored !== undefined && stored[key] === value) return false;
      const matchLabels = objectAt(incoming, [...selectorPath, "matchLabels"]);
      const labels = objectAt(incoming, labelsPath);
      if (matchLabels === undefined || labels === undefined) return false;
      matchLabels[key] = value;
      labels[key] = value;
      return true;
    },
  };
}

/** Changes the value of a matchLabels entry the stored selector has (and the same template label). */
function selectorValueChanged(kind: string, selectorPath: readonly string[], labelsPath: readonly string[], source: string, when: When = always): ImmutableEdit {
  return {
    kind,
    field: [...selectorPath, "matchLabels"].join("."),
    source,
    apply: (incoming, live, rand) => {
      const stored = existingObject(live, [...selectorPath, "matchLabels"]);
      const matchLabels = existingObject(incoming, [...selectorPath, "matchLabels"]);
      if (!when(live) || stored === undefined || matchLabels === undefined) return false;
      const keys = Object.keys(stored).filter((k) => typeof matchLabels[k] === "string");
      if (keys.length === 0) return false;
      const key = rand.pick(keys);
      const value = `${String(stored[key])}-b`;
      const labels = objectAt(incoming, labelsPath);
      if (labels === undefined) return false;
      matchLabels[key] = value;
      labels[key] = value;
      return true;
    },
  };
}

/** Edits an item of the list at `listPath` (both objects must have one), by `edit` on the incoming item. */
function itemEdit(kind: string, listPath: readonly string[], field: string, edit: (item: JsonObject, stored: JsonObject, rand: Rand) => boolean, source: string, when: When = always): ImmutableEdit {
  return {
    kind,
    field: `${listPath.join(".")}[*].${field}`,
    source,
    apply: (incoming, live, rand) => {
      const storedItems = objectItems(existingList(live, listPath));
      const items = objectItems(existingList(incoming, listPath));
      const n = Math.min(storedItems.length, items.length);
      if (!when(live) || n === 0) return false;
      const i = rand.int(n);
      const item = items[i];
      const stored = storedItems[i];
      if (item === undefined || stored === undefined || text(item, "name") !== text(stored, "name")) return false;
      const before = JSON.stringify(item);
      return edit(item, stored, rand) && JSON.stringify(item) !== before;
    },
  };
}

/** Sets `path` inside an object to a value from `values` differing from the stored one's (and from its own). */
function setIn(path: readonly string[], values: (current: JsonValue | undefined, rand: Rand) => readonly JsonValue[], onlySet = false) {
  return (item: JsonObject, stored: JsonObject, rand: Rand): boolean => {
    const before = getAt(stored, path);
    if (onlySet && (before === undefined || before === null)) return false;
    const candidates = values(before, rand).filter((v) => !same(v, before) && !same(v, getAt(item, path)));
    const parent = objectAt(item, path.slice(0, -1));
    const key = path[path.length - 1];
    if (candidates.length === 0 || parent === undefined || key === undefined) return false;
    parent[key] = structuredClone(rand.pick(candidates));
    return true;
  };
}

/** A list removal at `listPath` (the item the stored list has at the same index). */
function itemRemoved(kind: string, listPath: readonly string[], source: string, when: When = always): ImmutableEdit {
  return {
    kind,
    field: listPath.join("."),
    source,
    apply: (incoming, live, rand) => {
      const stored = existingList(live, listPath);
      const items = existingList(incoming, listPath);
      if (!when(live) || stored === undefined || items === undefined || stored.length === 0 || items.length === 0) return false;
      items.splice(rand.int(items.length), 1);
      return !same(items, stored);
    },
  };
}

/** An item appended to the list at `listPath` (created when absent). */
function itemAdded(kind: string, listPath: readonly string[], make: (stored: JsonValue[], rand: Rand) => JsonValue | undefined, source: string, when: When = always): ImmutableEdit {
  return {
    kind,
    field: listPath.join("."),
    source,
    apply: (incoming, live, rand) => {
      if (!when(live)) return false;
      const stored = existingList(live, listPath) ?? [];
      const item = make(stored, rand);
      const parent = objectAt(incoming, listPath.slice(0, -1));
      const key = listPath[listPath.length - 1];
      if (item === undefined || parent === undefined || key === undefined) return false;
      const list = parent[key];
      if (Array.isArray(list)) list.push(item);
      else if (list === undefined || list === null) parent[key] = [item];
      else return false;
      return true;
    },
  };
}

const APPS_SELECTOR = "pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go ValidateUpdate (spec.selector: field is immutable); reference §2.3";
const STS = "pkg/apis/apps/validation ValidateStatefulSetUpdate (spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'); reference §2.3";
const STS_VCT = `${STS}; volumeClaimTemplates frozen as a whole incl. resources: reference §2.3 and §3 (no VCT resize with default gates on v1.33-v1.35)`;
const JOB = "pkg/apis/batch/validation ValidateJobSpecUpdate; reference §2.4";
const JOB_TEMPLATE = "pkg/apis/batch/validation validatePodTemplateUpdate; pkg/registry/batch/job/strategy.go validationOptionsForJob (exception only while suspended and never started); reference §2.4";
const POD = "pkg/apis/core/validation ValidatePodUpdate (pod updates may not change fields other than ...); reference §2.2";
const SERVICE_IP = "pkg/apis/core/validation validateUpgradeDowngradeClusterIPs (may not change once set; not for ExternalName); reference §2.2";
const SERVICE_FAMILY = "pkg/apis/core/validation validateUpgradeDowngradeIPFamilies (non-headless, non-ExternalName); reference §2.2";
const CM = "pkg/apis/core/validation ValidateConfigMapUpdate (old immutable: true); reference §2.2";
const SECRET = "pkg/apis/core/validation ValidateSecretUpdate; reference §2.2";
const PVC = "pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate (spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims); reference §2.2";
const PV = "pkg/apis/core/validation ValidatePersistentVolumeUpdate (spec.persistentvolumesource is immutable after creation; volumeMode; nodeAffinity); reference §2.2";
const SC = "pkg/apis/storage/validation ValidateStorageClassUpdate; reference §2.5";
const PC = "pkg/apis/scheduling/validation ValidatePriorityClassUpdate; reference §2.5";
const IC = "pkg/apis/networking/validation validateIngressClassSpecUpdate; reference §2.5";
const RB = "pkg/apis/rbac/validation ValidateRoleBindingUpdate / ValidateClusterRoleBindingUpdate (cannot change roleRef); reference §2.5";
const CRD = "apiextensions-apiserver validateCustomResourceDefinitionSpecUpdate (group, names.plural always; scope, names.kind once Established); reference §2.5";
const EPS = "pkg/apis/discovery/validation ValidateEndpointSliceUpdate; reference §2.5";

const isTrue = (object: JsonObject, path: readonly PathSegment[]): boolean => getAt(object, path) === true;
const typeOf = (o: JsonObject): string => text(o["spec"], "type") ?? "ClusterIP";
const hasClusterIP = (o: JsonObject): boolean => {
  const ip = text(o["spec"], "clusterIP");
  return typeOf(o) !== "ExternalName" && ip !== undefined && ip !== "" && ip !== "None";
};
/** Suspended and never started: the Job template scheduling exception applies (validationOptionsForJob). */
const jobTemplateOpen = (o: JsonObject): boolean => isTrue(o, ["spec", "suspend"]) && getAt(o, ["status", "startTime"]) === undefined;
/**
 * From v1.36 (MutableSchedulingDirectivesForSuspendedJobs beta on) also suspended again after a run:
 * condition Suspended=True and no active pods (1.34-plus reference §2.2).
 */
const jobTemplateOpenFrom136 = (o: JsonObject): boolean =>
  jobTemplateOpen(o) ||
  (isTrue(o, ["spec", "suspend"]) &&
    objectItems(existingList(o, ["status", "conditions"])).some((c) => text(c, "type") === "Suspended" && text(c, "status") === "True") &&
    !(typeof getAt(o, ["status", "active"]) === "number" && getAt(o, ["status", "active"]) !== 0));

/** The edit as refused before v1.36 (`open` = jobTemplateOpen) and from v1.36 (`open` = jobTemplateOpenFrom136). */
function jobDirectiveEdit(make: (open: (o: JsonObject) => boolean) => ImmutableEdit): ImmutableEdit[] {
  return [{ ...make(jobTemplateOpen), until: "1.36" }, { ...make(jobTemplateOpenFrom136), since: "1.36" }];
}
const isIndexed = (o: JsonObject): boolean => text(o["spec"], "completionMode") === "Indexed";
const established = (o: JsonObject): boolean =>
  objectItems(existingList(o, ["status", "conditions"])).some((c) => text(c, "type") === "Established" && text(c, "status") === "True");
const pvcPhase = (o: JsonObject): string | undefined => text(o["status"], "phase");

const WORKLOAD_SELECTOR_EDITS = (kind: string): ImmutableEdit[] => [
  selectorLabelAdded(kind, ["spec", "selector"], ["spec", "template", "metadata", "labels"], APPS_SELECTOR),
  selectorValueChanged(kind, ["spec", "selector"], ["spec", "template", "metadata", "labels"], APPS_SELECTOR),
];

/** Pointer-to-struct fields: `{}` is a non-nil pointer, which Semantic.DeepEqual tells from nil (k8s.io/api core/v1 types.go). */
const POINTER = "; `{}` decodes to a non-nil pointer to a zero struct (k8s.io/api core/v1 types.go), unequal to nil for Semantic.DeepEqual";
const unset = (path: readonly string[]): When => (o) => getAt(o, path) === undefined || getAt(o, path) === null;
const emptyPointerAdded = (field: string) => (item: JsonObject, stored: JsonObject): boolean => {
  if (stored[field] !== undefined && stored[field] !== null) return false;
  item[field] = {};
  return true;
};

const VCT = ["spec", "volumeClaimTemplates"];

const STATEFULSET_EDITS: ImmutableEdit[] = [
  ...WORKLOAD_SELECTOR_EDITS("apps/StatefulSet").map((e) => ({ ...e, source: STS })),
  setField("apps/StatefulSet", ["spec", "serviceName"], renamed, STS, { onlySet: true }),
  setField("apps/StatefulSet", ["spec", "serviceName"], pool(""), `${STS} (clearing it)`, { onlySet: true }),
  setField("apps/StatefulSet", ["spec", "podManagementPolicy"], pool("OrderedReady", "Parallel"), STS, { onlySet: true }),
  itemEdit("apps/StatefulSet", VCT, "spec.storageClassName", setIn(["spec", "storageClassName"], pool("gp3", "standard", "fast-ssd")), STS_VCT),
  itemEdit("apps/StatefulSet", VCT, "spec.accessModes", setIn(["spec", "accessModes"], pool(["ReadWriteOnce"], ["ReadWriteOncePod"], ["ReadWriteMany"])), STS_VCT),
  itemEdit("apps/StatefulSet", VCT, "spec.resources.requests.storage", setIn(["spec", "resources", "requests", "storage"], pool("1Gi", "20Gi", "100Gi", "500Gi")), STS_VCT),
  itemEdit("apps/StatefulSet", VCT, "spec.volumeMode", setIn(["spec", "volumeMode"], pool("Filesystem", "Block")), STS_VCT),
  itemEdit("apps/StatefulSet", VCT, "metadata.labels", (item, _s, rand) => {
    const labels = objectAt(item, ["metadata", "labels"]);
    if (labels === undefined) return false;
    labels[`example.com/k${rand.int(9)}`] = "v";
    return true;
  }, STS_VCT),
  itemEdit("apps/StatefulSet", VCT, "spec.selector", setIn(["spec", "selector"], pool({})), `${STS_VCT}${POINTER}`),
  itemRemoved("apps/StatefulSet", VCT, STS_VCT),
  itemAdded("apps/StatefulSet", VCT, (stored, rand) => {
    const name = `extra-${rand.int(1000)}`;
    if (objectItems(stored).some((i) => text(i, "name") === name)) return undefined;
    return { metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
  }, STS_VCT),
];

const JOB_EDITS: ImmutableEdit[] = [
  ...jobDirectiveEdit((open) =>
    setField("batch/Job", ["spec", "template", "spec", "affinity"], pool({}, { podAntiAffinity: {} }), `${JOB_TEMPLATE}${POINTER}`, {
      when: (o) => !open(o) && unset(["spec", "template", "spec", "affinity"])(o),
    }),
  ),
  itemEdit("batch/Job", ["spec", "template", "spec", "containers"], "lifecycle", emptyPointerAdded("lifecycle"), `${JOB_TEMPLATE}${POINTER}`),
  selectorLabelAdded("batch/Job", ["spec", "selector"], ["spec", "template", "metadata", "labels"], JOB),
  selectorValueChanged("batch/Job", ["spec", "selector"], ["spec", "template", "metadata", "labels"], JOB),
  itemEdit("batch/Job", ["spec", "template", "spec", "containers"], "image", setIn(["image"], (c) => [`${String(c)}-rc1`, "busybox:1.37"]), JOB_TEMPLATE),
  itemEdit("batch/Job", ["spec", "template", "spec", "containers"], "env", (item, _s, rand) => {
    const env = item["env"];
    const added = { name: `EXTRA_${rand.int(100)}`, value: "1" };
    if (Array.isArray(env)) env.push(added);
    else item["env"] = [added];
    return true;
  }, JOB_TEMPLATE),
  ...jobDirectiveEdit((open) => setField("batch/Job", ["spec", "template", "metadata", "labels", "example.com/rev"], pool("a", "b"), JOB_TEMPLATE, { when: (o) => !open(o) })),
  setField("batch/Job", ["spec", "template", "spec", "restartPolicy"], pool("Never", "OnFailure"), JOB_TEMPLATE, { onlySet: true }),
  setField("batch/Job", ["spec", "completions"], (c) => [typeof c === "number" ? c + 1 : 3, 7], JOB, { onlySet: true, when: (o) => !isIndexed(o) }),
  setField("batch/Job", ["spec", "completions"], (c) => [typeof c === "number" ? c + 2 : 4], `${JOB} (Indexed: only in tandem with parallelism)`, {
    onlySet: true,
    when: (o) => isIndexed(o),
  }),
  setField("batch/Job", ["spec", "completionMode"], pool("NonIndexed", "Indexed"), JOB, { when: (o) => typeof getAt(o, ["spec", "completions"]) === "number" }),
  setField("batch/Job", ["spec", "managedBy"], pool("kueue.x-k8s.io/multikueue", "example.com/ctrl"), JOB),
  setField("batch/Job", ["spec", "backoffLimitPerIndex"], (c) => [typeof c === "number" ? c + 1 : 2], JOB, { when: isIndexed }),
];

const CONTAINERS = ["spec", "containers"];
const POD_EDITS: ImmutableEdit[] = [
  setField("/Pod", ["spec", "affinity"], pool({}, { podAffinity: {} }), `${POD}${POINTER}`, { when: unset(["spec", "affinity"]) }),
  setField("/Pod", ["spec", "dnsConfig"], pool({}), `${POD}${POINTER}`, { when: unset(["spec", "dnsConfig"]) }),
  itemEdit("/Pod", CONTAINERS, "securityContext", emptyPointerAdded("securityContext"), `${POD}${POINTER}`),
  itemEdit("/Pod", CONTAINERS, "env", (item, _s, rand) => {
    const env = item["env"];
    const added = { name: `EXTRA_${rand.int(100)}`, value: "1" };
    if (Array.isArray(env)) env.push(added);
    else item["env"] = [added];
    return true;
  }, POD),
  itemEdit("/Pod", CONTAINERS, "command", setIn(["command"], pool(["sh", "-c", "sleep 1"], ["/bin/app"])), POD),
  itemEdit("/Pod", CONTAINERS, "resources.limits.cpu", setIn(["resources", "limits", "cpu"], pool("3", "750m")), `${POD}; container resources only via pods/resize since v1.33`),
  itemEdit("/Pod", CONTAINERS, "imagePullPolicy", setIn(["imagePullPolicy"], pool("Always", "IfNotPresent", "Never"), true), POD),
  itemEdit("/Pod", CONTAINERS, "ports", (item, _s, rand) => {
    const port = { containerPort: 9000 + rand.int(500), protocol: "TCP" };
    const ports = item["ports"];
    if (Array.isArray(ports)) ports.push(port);
    else item["ports"] = [port];
    return true;
  }, POD),
  setField("/Pod", ["spec", "restartPolicy"], pool("Always", "OnFailure", "Never"), POD, { onlySet: true }),
  setField("/Pod", ["spec", "serviceAccountName"], renamed, POD, { onlySet: true }),
  setField("/Pod", ["spec", "nodeName"], renamed, POD, { onlySet: true }),
  setField("/Pod", ["spec", "hostname"], pool("h1", "h2"), POD),
  setField("/Pod", ["spec", "dnsPolicy"], pool("ClusterFirst", "Default"), POD, { onlySet: true }),
  setField("/Pod", ["spec", "priority"], (c) => [typeof c === "number" ? c + 1000 : 1000], POD, { onlySet: true }),
  setField("/Pod", ["spec", "securityContext", "runAsUser"], pool(1000, 2000), POD),
  setField("/Pod", ["spec", "terminationGracePeriodSeconds"], (c) => [typeof c === "number" && c >= 0 ? c + 5 : 60], POD, {
    when: (o) => !(typeof getAt(o, ["spec", "terminationGracePeriodSeconds"]) === "number" && Number(getAt(o, ["spec", "terminationGracePeriodSeconds"])) < 0),
  }),
  setField("/Pod", ["spec", "activeDeadlineSeconds"], (c) => [typeof c === "number" ? c + 60 : 60], POD, { onlySet: true }),
  itemAdded("/Pod", ["spec", "volumes"], (_s, rand) => ({ name: `extra-${rand.int(1000)}`, emptyDir: {} }), POD),
  itemAdded("/Pod", ["spec", "schedulingGates"], (stored, rand) => {
    const name = `example.com/gate-${rand.int(1000)}`;
    return objectItems(stored).some((g) => text(g, "name") === name) ? undefined : { name };
  }, "pkg/apis/core/validation validateOnlyDeletedSchedulingGates; reference §2.2"),
  itemRemoved("/Pod", ["spec", "tolerations"], "pkg/apis/core/validation validateOnlyAddedTolerations; reference §2.2"),
  itemAdded("/Pod", CONTAINERS, (stored, rand) => {
    const name = `side-${rand.int(1000)}`;
    return objectItems(stored).some((c) => text(c, "name") === name) ? undefined : { name, image: "busybox:1.37" };
  }, "pkg/apis/core/validation ValidateContainerUpdates (may not add or remove containers); reference §2.2"),
  setField("/Pod", ["spec", "nodeSelector", "example.com/pool"], pool("a", "b"), POD, { when: (o) => (existingList(o, ["spec", "schedulingGates"]) ?? []).length === 0 }),
];

const SERVICE_EDITS: ImmutableEdit[] = [
  {
    kind: "/Service",
    field: "spec.clusterIP",
    source: SERVICE_IP,
    apply: (incoming, live, rand) => {
      if (!hasClusterIP(live) || typeOf(incoming) === "ExternalName") return false;
      const spec = objectAt(incoming, ["spec"]);
      const old = text(live["spec"], "clusterIP") ?? "";
      if (spec === undefined || old.includes(":")) return false;
      const ip = rand.pick(["10.96.10.10", "10.96.200.7", "10.100.0.42"]);
      if (ip === old) return false;
      spec["clusterIP"] = ip;
      const ips = existingList(live, ["spec", "clusterIPs"]);
      spec["clusterIPs"] = [ip, ...(ips ?? []).slice(1)];
      return true;
    },
  },
  {
    kind: "/Service",
    field: "spec.clusterIP",
    source: `${SERVICE_IP} (ClusterIP to headless None)`,
    apply: (incoming, live) => {
      if (!hasClusterIP(live) || typeOf(incoming) !== "ClusterIP") return false;
      const spec = objectAt(incoming, ["spec"]);
      if (spec === undefined) return false;
      spec["clusterIP"] = "None";
      spec["clusterIPs"] = ["None"];
      return true;
    },
  },
  {
    kind: "/Service",
    field: "spec.ipFamilies",
    source: SERVICE_FAMILY,
    apply: (incoming, live) => {
      const families = existingList(live, ["spec", "ipFamilies"]);
      if (!hasClusterIP(live) || typeOf(incoming) === "ExternalName" || families === undefined || families.length !== 1) return false;
      const spec = objectAt(incoming, ["spec"]);
      if (spec === undefined) return false;
      spec["ipFamilies"] = [families[0] === "IPv6" ? "IPv4" : "IPv6"];
      return true;
    },
  },
];

const immutableSet = (o: JsonObject): boolean => o["immutable"] === true;
const dataEdits = (kind: string, source: string): ImmutableEdit[] => [
  setField(kind, ["data", "extra-key"], pool(kind === "/Secret" ? "dmFsdWU=" : "value", kind === "/Secret" ? "b3RoZXI=" : "other"), source, { when: immutableSet }),
  {
    kind,
    field: "data",
    source,
    apply: (incoming, live, rand) => {
      const stored = existingObject(live, ["data"]);
      const data = existingObject(incoming, ["data"]);
      if (!immutableSet(live) || stored === undefined || data === undefined) return false;
      const keys = Object.keys(stored).filter((k) => k in data);
      if (keys.length === 0) return false;
      const key = rand.pick(keys);
      if (rand.bool()) delete data[key];
      else data[key] = kind === "/Secret" ? "Y2hhbmdlZA==" : "changed";
      // A Secret's stringData is folded into data (and wins) before validation: drop its copy of the key.
      const stringData = existingObject(incoming, ["stringData"]);
      if (stringData !== undefined) delete stringData[key];
      return true;
    },
  },
  setField(kind, ["immutable"], pool(false, null), source, { when: immutableSet }),
];

const SECRET_EDITS: ImmutableEdit[] = [
  ...dataEdits("/Secret", SECRET),
  setField("/Secret", ["type"], pool("Opaque", "example.com/custom"), `${SECRET} (type: field is immutable)`, {
    when: (o) => text(o, "type") !== "kubernetes.io/service-account-token",
  }),
  setField("/Secret", ["type"], pool(null), `${SECRET} (type omitted: defaults to Opaque)`, { when: (o) => (text(o, "type") ?? "Opaque") !== "Opaque" }),
  setField("/Secret", ["stringData", "extra-key"], pool("value"), `${SECRET} (stringData is folded into data before validation)`, { when: immutableSet }),
];

const PVC_EDITS: ImmutableEdit[] = [
  setField("/PersistentVolumeClaim", ["spec", "accessModes"], pool(["ReadWriteOnce"], ["ReadWriteMany"], ["ReadWriteOncePod"]), PVC),
  setField("/PersistentVolumeClaim", ["spec", "storageClassName"], pool("gp3", "standard", "fast-ssd"), PVC, { onlySet: true }),
  setField("/PersistentVolumeClaim", ["spec", "volumeMode"], pool("Filesystem", "Block"), PVC, { onlySet: true }),
  setField("/PersistentVolumeClaim", ["spec", "volumeName"], renamed, PVC, { onlySet: true }),
  setField("/PersistentVolumeClaim", ["spec", "resources", "limits", "storage"], pool("50Gi", "200Gi"), PVC),
  setField("/PersistentVolumeClaim", ["spec", "selector"], pool({ matchLabels: { tier: "a" } }), PVC),
  setField("/PersistentVolumeClaim", ["spec", "selector"], pool({}), `${PVC}${POINTER}`, { when: unset(["spec", "selector"]) }),
  setField("/PersistentVolumeClaim", ["spec", "dataSource"], pool({ kind: "PersistentVolumeClaim", name: "source-claim" }), PVC),
  setField("/PersistentVolumeClaim", ["spec", "resources", "requests", "storage"], pool("1Gi", "20Gi", "100Gi"), `${PVC}; storage requests only on Bound claims`, {
    when: (o) => pvcPhase(o) !== "Bound",
  }),
  setField("/PersistentVolumeClaim", ["spec", "volumeAttributesClassName"], pool(null, ""), `${PVC} (volumeAttributesClassName: update from non-nil value to nil/empty is forbidden)`, { onlySet: true }),
];

const PV_SOURCES = ["nfs", "csi", "hostPath", "local", "iscsi", "awsElasticBlockStore", "gcePersistentDisk"];
const PV_EDITS: ImmutableEdit[] = [
  setField("/PersistentVolume", ["spec", "nfs", "path"], pool("/exports/a", "/exports/b"), PV, { onlySet: true }),
  setField("/PersistentVolume", ["spec", "nfs", "server"], pool("10.0.0.5", "nfs.example.com"), PV, { onlySet: true }),
  setField("/PersistentVolume", ["spec", "csi", "volumeHandle"], renamed, PV, { onlySet: true }),
  setField("/PersistentVolume", ["spec", "csi", "driver"], pool("ebs.csi.aws.com", "pd.csi.storage.gke.io"), PV, { onlySet: true }),
  setField("/PersistentVolume", ["spec", "hostPath", "path"], pool("/mnt/a", "/mnt/b"), PV, { onlySet: true }),
  setField("/PersistentVolume", ["spec", "local", "path"], pool("/mnt/disks/a", "/mnt/disks/b"), PV, { onlySet: true }),
  {
    kind: "/PersistentVolume",
    field: "spec",
    source: `${PV} (source switched to another type)`,
    apply: (incoming, live) => {
      const spec = objectAt(incoming, ["spec"]);
      const storedSpec = existingObject(live, ["spec"]);
      if (spec === undefined || storedSpec === undefined || !PV_SOURCES.some((s) => s in storedSpec)) return false;
      for (const s of PV_SOURCES) delete spec[s];
      if ("hostPath" in storedSpec) spec["nfs"] = { server: "10.0.0.5", path: "/exports/a" };
      else spec["hostPath"] = { path: "/mnt/a" };
      return true;
    },
  },
  setField("/PersistentVolume", ["spec", "volumeMode"], pool("Filesystem", "Block"), PV, { onlySet: true }),
  {
    ...setField("/PersistentVolume", ["spec", "nodeAffinity"], pool({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["node-z"] }] }] } }), PV, { onlySet: true }),
    // Mutable with MutablePVNodeAffinity (alpha, off by default; 1.34-plus reference §2.4).
    gates: { MutablePVNodeAffinity: false },
  },
  setField("/PersistentVolume", ["spec", "volumeAttributesClassName"], pool(null), PV, { onlySet: true }),
];

const METADATA_EDITS: ImmutableEdit[] = [
  setField("/Pod", ["metadata", "annotations", "kubernetes.io/config.mirror"], pool("3f2a9c1", "mirror"), "pkg/apis/core/validation ValidatePodSpecificAnnotationUpdates; reference §2.2"),
  setField("/PersistentVolumeClaim", ["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"], pool("gp3", "standard"), "pkg/apis/core/validation ValidateImmutableAnnotation; reference §2.2", { onlySet: true }),
];

const SC_EDITS: ImmutableEdit[] = [
  setField("storage.k8s.io/StorageClass", ["provisioner"], pool("ebs.csi.aws.com", "example.com/nfs", "kubernetes.io/no-provisioner"), SC),
  setField("storage.k8s.io/StorageClass", ["parameters", "type"], pool("gp2", "io2", "pd-ssd"), SC),
  setField("storage.k8s.io/StorageClass", ["parameters"], pool(null), SC, { when: (o) => Object.keys(existingObject(o, ["parameters"]) ?? {}).length > 0 }),
  setField("storage.k8s.io/StorageClass", ["reclaimPolicy"], (c) => [c === "Retain" ? "Delete" : "Retain", ...(c === "Retain" ? [null] : [])], SC),
  setField("storage.k8s.io/StorageClass", ["volumeBindingMode"], (c) => [c === "WaitForFirstConsumer" ? "Immediate" : "WaitForFirstConsumer", ...(c === "WaitForFirstConsumer" ? [null] : [])], SC),
];

const OTHER_EDITS: ImmutableEdit[] = [
  setField("scheduling.k8s.io/PriorityClass", ["value"], (c) => [typeof c === "number" ? c + 1 : 1000, 42], PC),
  setField("scheduling.k8s.io/PriorityClass", ["preemptionPolicy"], (c) => (c === "Never" ? ["PreemptLowerPriority", null] : ["Never"]), PC),
  setField("networking.k8s.io/IngressClass", ["spec", "controller"], pool("k8s.io/ingress-nginx", "example.com/ingress", "traefik.io/ingress-controller"), IC),
  ...["RoleBinding", "ClusterRoleBinding"].flatMap((k) => [
    setField(`rbac.authorization.k8s.io/${k}`, ["roleRef", "name"], renamed, RB, { onlySet: true }),
  ]),
  setField("rbac.authorization.k8s.io/RoleBinding", ["roleRef", "kind"], pool("Role", "ClusterRole"), RB, { onlySet: true }),
  setField("apiextensions.k8s.io/CustomResourceDefinition", ["spec", "group"], pool("example.com", "other.example.org"), CRD),
  setField("apiextensions.k8s.io/CustomResourceDefinition", ["spec", "names", "plural"], renamed, CRD, { onlySet: true }),
  setField("apiextensions.k8s.io/CustomResourceDefinition", ["spec", "scope"], pool("Namespaced", "Cluster"), CRD, { when: established }),
  setField("apiextensions.k8s.io/CustomResourceDefinition", ["spec", "names", "kind"], (c) => [`${String(c)}X`], CRD, { onlySet: true, when: established }),
  setField("discovery.k8s.io/EndpointSlice", ["addressType"], pool("IPv4", "IPv6", "FQDN"), EPS),
  setField("storage.k8s.io/CSIDriver", ["spec", "attachRequired"], (c) => [c !== true], "pkg/apis/storage/validation ValidateCSIDriverUpdate; reference §2.5"),
  setField("node.k8s.io/RuntimeClass", ["handler"], renamed, "pkg/apis/node/validation ValidateRuntimeClassUpdate; reference §2.5"),
  setField("apps/ControllerRevision", ["data"], pool({ spec: { template: { metadata: { labels: { x: "y" } } } } }), "pkg/apis/apps/validation ValidateControllerRevisionUpdate; reference §2.3"),
  setField("storage.k8s.io/VolumeAttributesClass", ["driverName"], pool("ebs.csi.aws.com", "example.com/csi"), "pkg/apis/storage/validation ValidateVolumeAttributesClassUpdate; reference §2.5"),
  setField("storage.k8s.io/VolumeAttributesClass", ["parameters", "iops"], pool("3000", "16000"), "pkg/apis/storage/validation ValidateVolumeAttributesClassUpdate; reference §2.5"),
  setField("storage.k8s.io/CSIStorageCapacity", ["storageClassName"], pool("gp3", "standard"), "pkg/apis/storage/validation ValidateCSIStorageCapacityUpdate; reference §2.5"),
  setField("coordination.k8s.io/LeaseCandidate", ["spec", "leaseName"], renamed, "pkg/apis/coordination/validation ValidateLeaseCandidateSpecUpdate; reference §2.5", { onlySet: true }),
  setField("networking.k8s.io/IPAddress", ["spec", "parentRef", "name"], renamed, "pkg/apis/networking/validation ValidateIPAddressUpdate; reference §2.5", { onlySet: true }),
  setField("certificates.k8s.io/ClusterTrustBundle", ["spec", "signerName"], pool("example.com/signer", "example.com/other"), "pkg/apis/certificates/validation ValidateClusterTrustBundleUpdate; reference §2.5", { onlySet: true }),
  setField("/ResourceQuota", ["spec", "scopes"], pool(["BestEffort"], ["NotTerminating"]), "pkg/apis/core/validation ValidateResourceQuotaUpdate; reference §2.2"),
  setField("/Node", ["spec", "providerID"], renamed, "pkg/apis/core/validation ValidateNodeUpdate; reference §2.2", { onlySet: true }),
  {
    // v1 conversion reads podCIDRs and takes podCIDR only when the list is empty
    // (Convert_v1_NodeSpec_To_core_NodeSpec), so both change together.
    kind: "/Node",
    field: "spec.podCIDRs",
    source: "pkg/apis/core/validation ValidateNodeUpdate (node updates may not change podCIDR except from \"\" to valid); reference §2.2",
    apply: (incoming, live, rand) => {
      const stored = text(live["spec"], "podCIDR");
      const spec = objectAt(incoming, ["spec"]);
      const cidr = rand.pick(["10.244.9.0/24", "10.244.8.0/24"]);
      if (stored === undefined || stored === "" || stored === cidr || spec === undefined) return false;
      spec["podCIDR"] = cidr;
      spec["podCIDRs"] = [cidr];
      return true;
    },
  },
  setField("resource.k8s.io/ResourceSlice", ["spec", "driver"], pool("gpu.example.com", "net.example.com"), "pkg/apis/resource/validation validateResourceSliceSpec; reference §2.5", { onlySet: true }),
  setField("resource.k8s.io/ResourceSlice", ["spec", "pool", "name"], renamed, "pkg/apis/resource/validation validateResourceSliceSpec; reference §2.5", { onlySet: true }),
];

/**
 * Refused edits of the common kinds (reference/k8s-immutable-fields.md). Namespace, Lease,
 * Ingress, NetworkPolicy, PDB, CronJob, webhook configurations, Role/ClusterRole have no frozen
 * spec field (§2.2, §2.4, §2.5) and so no entry. Cases the API server re-fills itself (Service
 * clusterIP omitted, patchAllocatedValues) are not edits here: they are accepted.
 */
export const IMMUTABLE_EDITS: readonly ImmutableEdit[] = [
  ...["apps/Deployment", "apps/ReplicaSet", "apps/DaemonSet"].flatMap(WORKLOAD_SELECTOR_EDITS),
  ...STATEFULSET_EDITS,
  ...JOB_EDITS,
  ...POD_EDITS,
  ...SERVICE_EDITS,
  ...dataEdits("/ConfigMap", CM),
  setField("/ConfigMap", ["binaryData", "extra-key"], pool("AAEC"), CM, { when: immutableSet }),
  ...SECRET_EDITS,
  ...PVC_EDITS,
  ...PV_EDITS,
  ...SC_EDITS,
  ...METADATA_EDITS,
  ...OTHER_EDITS,
];

function minor(release: string): number {
  return Number(release.split(".")[1]);
}

/** The refused edits of one kind (`<group>/<Kind>`), on `release` (`1.35`) with `featureGates` set when given. */
export function immutableEditsFor(kindKey: string, release?: string, featureGates: Readonly<Record<string, boolean>> = {}): readonly ImmutableEdit[] {
  return IMMUTABLE_EDITS.filter((e) => {
    if (e.kind !== kindKey) return false;
    if (release === undefined) return true;
    if ((e.since !== undefined && minor(release) < minor(e.since)) || (e.until !== undefined && minor(release) >= minor(e.until))) return false;
    const target = kubeTarget({ major: 1, minor: minor(release) }, "flag", new Map(Object.entries(featureGates)));
    return Object.entries(e.gates ?? {}).every(([name, enabled]) => isGateName(name) && gateEnabled(target, name) === enabled);
  });
}
