import { getAt } from "../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../src/core/k8s/json.ts";
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

/**
 * Accepted edits of apps/v1 and batch/v1 workloads (reference/k8s-immutable-fields.md §2.3, §2.4):
 * - Deployment: everything but `spec.selector` (deploymentStrategy.ValidateUpdate; ValidateDeploymentUpdate);
 * - ReplicaSet, DaemonSet: everything but `spec.selector` (rsStrategy / daemonSetStrategy.ValidateUpdate);
 * - StatefulSet: only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 *   persistentVolumeClaimRetentionPolicy, minReadySeconds (ValidateStatefulSetUpdate; error text of
 *   v1.33+ servers lists exactly these);
 * - Job: parallelism, activeDeadlineSeconds, backoffLimit, suspend, ttlSecondsAfterFinished,
 *   maxFailedIndexes; Indexed completions in tandem with parallelism (validateCompletions,
 *   ElasticIndexedJob GA); template scheduling directives and metadata only while the stored Job is
 *   suspended and never started (validationOptionsForJob, AllowMutableSchedulingDirectives);
 * - CronJob: everything (ValidateCronJobUpdate compares nothing with the old object).
 * The pod template keeps matching the selector: labels the selector names are never touched.
 */

const APPS = "pkg/apis/apps/validation (ValidateDeploymentUpdate/ValidateReplicaSetUpdate/ValidateDaemonSetUpdate); pkg/registry/apps/*/strategy.go; reference §2.3";
const STS = "pkg/apis/apps/validation (ValidateStatefulSetUpdate: replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy, minReadySeconds); reference §2.3";
const JOB = "pkg/apis/batch/validation (ValidateJobSpecUpdate checks only selector, template, completions, completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy, successPolicy); reference §2.4";
const SUSPENDED = "pkg/registry/batch/job/strategy.go (validationOptionsForJob: AllowMutableSchedulingDirectives while suspended and never started); reference §2.4";
const CRON = "pkg/apis/batch/validation (ValidateCronJobUpdate: no field compared with the old object); reference §2.4";

const TEMPLATE_LABEL_KEYS = ["version", "example.com/rev", "sidecar.istio.io/inject", "app.kubernetes.io/version"];
const VALUES = ["a", "b", "v2", "true", "x-1"];

/** Label keys a workload's selector names (matchLabels and matchExpressions), which the template must keep. */
function selectorKeys(live: JsonObject, incoming: JsonObject): Set<string> {
  const keys = new Set<string>();
  for (const object of [live, incoming]) {
    const selector = existingObject(object, ["spec", "selector"]);
    for (const key of Object.keys(existingObject(selector, ["matchLabels"]) ?? {})) keys.add(key);
    for (const expr of objectItems(existingList(selector, ["matchExpressions"]))) {
      const key = text(expr, "key");
      if (key !== undefined) keys.add(key);
    }
  }
  return keys;
}

function containers(template: JsonObject | undefined): JsonObject[] {
  return objectItems(existingList(template, ["spec", "containers"]));
}

function imageName(image: string): string {
  const at = image.indexOf("@");
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  return colon < 0 ? name : name.slice(0, colon);
}

/** A new tag (or digest) for the same repository. */
export function newImage(image: string, rand: Rand): string {
  const tags = [":1.2.4", ":2.0.0", ":latest", ":sha-3f2a9c1", "@sha256:" + "ab12".repeat(16)];
  const candidates = tags.map((tag) => `${imageName(image)}${tag}`).filter((i) => i !== image);
  return rand.pick(candidates);
}

type TemplateEdit = (template: JsonObject, rand: Rand, keep: Set<string>) => boolean;

/** Edits of a pod template (`spec` and `metadata`) that every mutable-template workload accepts. */
const TEMPLATE_EDITS: readonly (readonly [string, TemplateEdit])[] = [
  ["spec.containers[*].image", (t, rand) => {
    const list = containers(t);
    if (list.length === 0) return false;
    const container = rand.pick(list);
    container["image"] = newImage(text(container, "image") ?? "busybox", rand);
    return true;
  }],
  ["spec.containers[*].env", (t, rand) => {
    const list = containers(t);
    if (list.length === 0) return false;
    const container = rand.pick(list);
    const env = existingList(container, ["env"]) ?? [];
    container["env"] = [...env, { name: freshName(env, "EXTRA", rand).replace("-", "_"), value: rand.pick(VALUES) }];
    return true;
  }],
  ["spec.containers[*].args", (t, rand) => {
    const list = containers(t);
    if (list.length === 0) return false;
    return setDifferent(rand.pick(list), "args", [["--log-level=debug"], ["--port=9000", "--verbose"]], rand);
  }],
  ["spec.containers[*].resources.requests", (t, rand) => {
    const list = containers(t);
    if (list.length === 0) return false;
    const container = rand.pick(list);
    const requests = objectAt(container, ["resources", "requests"]);
    return requests !== undefined && setDifferent(requests, rand.pick(["cpu", "memory"]), ["10m", "16Mi", "20m"], rand);
  }],
  ["spec.containers", (t, rand) => {
    const list = existingList(t, ["spec", "containers"]);
    if (!list) return false;
    list.push({ name: freshName(list, "sidecar", rand), image: "busybox:1.36", command: ["sleep", "3600"] });
    return true;
  }],
  ["metadata.labels", (t, rand, keep) => {
    const labels = objectAt(t, ["metadata", "labels"]);
    const keys = TEMPLATE_LABEL_KEYS.filter((k) => !keep.has(k));
    return labels !== undefined && keys.length > 0 && setDifferent(labels, rand.pick(keys), VALUES, rand);
  }],
  ["metadata.labels", (t, rand, keep) => {
    const labels = existingObject(t, ["metadata", "labels"]);
    const keys = Object.keys(labels ?? {}).filter((k) => !keep.has(k));
    if (!labels || keys.length === 0) return false;
    delete labels[rand.pick(keys)];
    return true;
  }],
  ["metadata.annotations", (t, rand) => {
    const annotations = objectAt(t, ["metadata", "annotations"]);
    return annotations !== undefined && setDifferent(annotations, rand.pick(["kubectl.kubernetes.io/restartedAt", "checksum/config"]), VALUES, rand);
  }],
  ["spec.nodeSelector", (t, rand) => {
    const selector = objectAt(t, ["spec", "nodeSelector"]);
    return selector !== undefined && setDifferent(selector, rand.pick(["kubernetes.io/os", "example.com/pool"]), ["linux", "gpu", "b"], rand);
  }],
  ["spec.tolerations", (t, rand) => {
    const spec = objectAt(t, ["spec"]);
    if (!spec) return false;
    const list = existingList(spec, ["tolerations"]) ?? [];
    spec["tolerations"] = [...list, { key: `example.com/dedicated-${rand.int(1000)}`, operator: "Exists", effect: "NoSchedule" }];
    return true;
  }],
  ["spec.terminationGracePeriodSeconds", (t, rand) => {
    const spec = objectAt(t, ["spec"]);
    return spec !== undefined && setDifferent(spec, "terminationGracePeriodSeconds", [0, 10, 45, 120], rand);
  }],
  ["spec.serviceAccountName", (t, rand) => {
    const spec = objectAt(t, ["spec"]);
    return spec !== undefined && setDifferent(spec, "serviceAccountName", ["app", "reader", "default"], rand);
  }],
  ["spec.affinity", (t) => {
    const spec = objectAt(t, ["spec"]);
    if (!spec) return false;
    const labels = existingObject(t, ["metadata", "labels"]) ?? {};
    spec["affinity"] = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: structuredClone(labels) }, topologyKey: "kubernetes.io/hostname" } },
        ],
      },
    };
    return true;
  }],
];

/** Every template edit, for the pod template at `path`; `keep`: label keys a selector names. */
function templateEdits(path: readonly string[], source: string, keep: (live: JsonObject, incoming: JsonObject) => Set<string>): MutableEdit[] {
  return TEMPLATE_EDITS.map(([field, edit]) => ({
    field: `${path.join(".")}.${field}`,
    source,
    apply: (incoming, live, rand) => {
      const template = existingObject(incoming, path);
      return template !== undefined && edit(template, rand, keep(live, incoming));
    },
  }));
}

const REPLICAS = [0, 1, 2, 3, 5, 10];
const HISTORY = [0, 1, 3, 10];

export const DEPLOYMENT_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "replicas"], REPLICAS, APPS),
  poolEdit(["spec", "paused"], [true, false], APPS),
  poolEdit(["spec", "revisionHistoryLimit"], HISTORY, APPS),
  // progressDeadlineSeconds must stay above minReadySeconds (ValidateDeploymentSpec): both pools respect it.
  poolEdit(["spec", "minReadySeconds"], [0, 5, 30], APPS),
  poolEdit(["spec", "progressDeadlineSeconds"], [60, 300, 900], APPS),
  poolEdit(["spec", "strategy"], [
    { type: "Recreate" },
    { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    { type: "RollingUpdate", rollingUpdate: { maxSurge: "50%", maxUnavailable: "25%" } },
  ], APPS),
  ...templateEdits(["spec", "template"], APPS, selectorKeys),
];

export const REPLICASET_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "replicas"], REPLICAS, APPS),
  poolEdit(["spec", "minReadySeconds"], [0, 5, 30], APPS),
  ...templateEdits(["spec", "template"], APPS, selectorKeys),
];

export const DAEMONSET_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "minReadySeconds"], [0, 5, 30], APPS),
  poolEdit(["spec", "revisionHistoryLimit"], HISTORY, APPS),
  poolEdit(["spec", "updateStrategy"], [
    { type: "OnDelete" },
    { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "10%" } },
  ], APPS),
  ...templateEdits(["spec", "template"], APPS, selectorKeys),
];

export const STATEFULSET_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "replicas"], REPLICAS, STS),
  poolEdit(["spec", "ordinals"], [{ start: 0 }, { start: 1 }, { start: 5 }], STS),
  poolEdit(["spec", "revisionHistoryLimit"], HISTORY, STS),
  poolEdit(["spec", "minReadySeconds"], [0, 5, 30], STS),
  poolEdit(["spec", "updateStrategy"], [
    { type: "OnDelete" },
    { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    { type: "RollingUpdate", rollingUpdate: { partition: 2 } },
  ], STS),
  poolEdit(["spec", "persistentVolumeClaimRetentionPolicy"], [
    { whenDeleted: "Retain", whenScaled: "Retain" },
    { whenDeleted: "Delete", whenScaled: "Retain" },
    { whenDeleted: "Delete", whenScaled: "Delete" },
  ], STS),
  ...templateEdits(["spec", "template"], STS, selectorKeys),
];

function neverStartedSuspended(live: JsonObject): boolean {
  return getAt(live, ["spec", "suspend"]) === true && !getAt(live, ["status", "startTime"]);
}

function isIndexed(job: JsonObject): boolean {
  return getAt(job, ["spec", "completionMode"]) === "Indexed";
}

/** A scheduling directive of a suspended Job that never started (the stored Job decides). */
function suspendedDirective(field: string, edit: TemplateEdit): MutableEdit {
  return {
    field: `spec.template.${field}`,
    source: SUSPENDED,
    apply: (incoming, live, rand) => {
      const template = existingObject(incoming, ["spec", "template"]);
      return neverStartedSuspended(live) && template !== undefined && edit(template, rand, selectorKeys(live, incoming));
    },
  };
}

/**
 * Suspended again after a run: condition Suspended=True and no active pods (v1.36+:
 * MutableSchedulingDirectivesForSuspendedJobs / MutablePodResourcesForSuspendedJobs beta on).
 */
function suspendedAgain(live: JsonObject): boolean {
  const conditions = getAt(live, ["status", "conditions"]);
  const active = getAt(live, ["status", "active"]);
  return (
    getAt(live, ["spec", "suspend"]) === true &&
    Array.isArray(conditions) &&
    conditions.some((c) => typeof c === "object" && c !== null && !Array.isArray(c) && c["type"] === "Suspended" && c["status"] === "True") &&
    (active === undefined || active === 0)
  );
}

const SUSPENDED_136 =
  "1.34-plus reference §2.2 (KEP-2926 update, KEP-5440; MutableSchedulingDirectivesForSuspendedJobs and " +
  "MutablePodResourcesForSuspendedJobs beta on from v1.36, kubernetes#135965)";

/** v1.36+: a scheduling directive of a Job suspended again after a run. */
function suspendedAgainDirective(field: string, edit: TemplateEdit): MutableEdit {
  return {
    field: `spec.template.${field}`,
    source: SUSPENDED_136,
    since: "1.36",
    gates: { MutableSchedulingDirectivesForSuspendedJobs: true },
    apply: (incoming, live, rand) => {
      const template = existingObject(incoming, ["spec", "template"]);
      return suspendedAgain(live) && template !== undefined && edit(template, rand, selectorKeys(live, incoming));
    },
  };
}

/** v1.36+: the cpu request of a suspended Job's first container (never started, or suspended again). */
const SUSPENDED_RESOURCES: MutableEdit = {
  field: "spec.template.spec.containers[0].resources.requests.cpu",
  source: SUSPENDED_136,
  since: "1.36",
  gates: { MutablePodResourcesForSuspendedJobs: true },
  apply: (incoming, live, rand) => {
    if (!neverStartedSuspended(live) && !suspendedAgain(live)) return false;
    const containers = getAt(incoming, ["spec", "template", "spec", "containers"]);
    const first = Array.isArray(containers) ? containers[0] : undefined;
    if (typeof first !== "object" || first === null || Array.isArray(first)) return false;
    const resources = typeof first["resources"] === "object" && first["resources"] !== null && !Array.isArray(first["resources"]) ? first["resources"] : {};
    const requests = typeof resources["requests"] === "object" && resources["requests"] !== null && !Array.isArray(resources["requests"]) ? resources["requests"] : {};
    const limits = resources["limits"];
    // A request above its limit fails the create-time validation of the new template.
    if (typeof limits === "object" && limits !== null && !Array.isArray(limits) && limits["cpu"] !== undefined) return false;
    first["resources"] = { ...resources, requests: { ...requests, cpu: rand.pick(["150m", "2", "750m"]) } };
    return true;
  },
};

function templateEdit(field: string): TemplateEdit {
  const found = TEMPLATE_EDITS.find(([f]) => f === field);
  if (!found) throw new Error(`no template edit ${field}`);
  return found[1];
}

export const JOB_EDITS: readonly MutableEdit[] = [
  {
    field: "spec.parallelism",
    source: JOB,
    apply: (incoming, live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      // An Indexed Job whose completions changed must keep completions == parallelism (validateCompletions).
      if (!spec || (isIndexed(incoming) && spec["completions"] !== getAt(live, ["spec", "completions"]))) return false;
      return setDifferent(spec, "parallelism", [0, 1, 2, 4, 8], rand);
    },
  },
  poolEdit(["spec", "activeDeadlineSeconds"], [60, 600, 7200], JOB),
  poolEdit(["spec", "backoffLimit"], [0, 1, 6, 10], JOB),
  poolEdit(["spec", "suspend"], [true, false], JOB),
  poolEdit(["spec", "ttlSecondsAfterFinished"], [0, 100, 86400], JOB),
  {
    field: "spec.podReplacementPolicy",
    source: JOB,
    apply: (incoming, _live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      // With a podFailurePolicy only Failed is valid (validateJobSpec).
      return spec !== undefined && spec["podFailurePolicy"] === undefined && setDifferent(spec, "podReplacementPolicy", ["Failed", "TerminatingOrFailed"], rand);
    },
  },
  {
    field: "spec.maxFailedIndexes",
    source: JOB,
    apply: (incoming, _live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      const completions = getAt(spec, ["completions"]);
      if (!spec || typeof spec["backoffLimitPerIndex"] !== "number" || typeof completions !== "number") return false;
      return setDifferent(spec, "maxFailedIndexes", [0, 1, completions].filter((n) => n <= completions), rand);
    },
  },
  {
    field: "spec.completions",
    source: "pkg/apis/batch/validation (validateCompletions: an Indexed Job's completions may change in tandem with parallelism); reference §2.4",
    apply: (incoming, live, rand) => {
      const spec = existingObject(incoming, ["spec"]);
      if (!spec || !isIndexed(live) || !isIndexed(incoming)) return false;
      const max = typeof spec["maxFailedIndexes"] === "number" ? spec["maxFailedIndexes"] : 0;
      const options = [1, 2, 3, 6, 10].filter((n) => n >= max && n !== spec["completions"]);
      if (options.length === 0) return false;
      const n = rand.pick(options);
      spec["completions"] = n;
      spec["parallelism"] = n;
      return true;
    },
  },
  suspendedDirective("spec.nodeSelector", templateEdit("spec.nodeSelector")),
  suspendedAgainDirective("spec.nodeSelector", templateEdit("spec.nodeSelector")),
  suspendedAgainDirective("spec.tolerations", templateEdit("spec.tolerations")),
  suspendedAgainDirective("metadata.annotations", templateEdit("metadata.annotations")),
  SUSPENDED_RESOURCES,
  suspendedDirective("spec.tolerations", templateEdit("spec.tolerations")),
  suspendedDirective("metadata.labels", templateEdit("metadata.labels")),
  suspendedDirective("metadata.annotations", templateEdit("metadata.annotations")),
  suspendedDirective("spec.affinity.nodeAffinity", (t, rand) => {
    const affinity = objectAt(t, ["spec", "affinity"]);
    if (!affinity) return false;
    affinity["nodeAffinity"] = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [rand.pick(["a", "b"])] }] }],
      },
    };
    return true;
  }),
  suspendedDirective("spec.schedulingGates", (t, rand) => {
    const spec = objectAt(t, ["spec"]);
    if (!spec) return false;
    const gates = existingList(spec, ["schedulingGates"]) ?? [];
    if (gates.length > 0 && rand.bool()) {
      gates.splice(rand.int(gates.length), 1);
      return true;
    }
    spec["schedulingGates"] = [...gates, { name: freshName(gates, "example.com/gate", rand) }];
    return true;
  }),
];

const JOB_TEMPLATE_SPEC = ["spec", "jobTemplate", "spec"];

export const CRONJOB_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "schedule"], ["*/5 * * * *", "0 3 * * *", "@hourly"], CRON),
  poolEdit(["spec", "timeZone"], ["Etc/UTC", "Europe/Berlin"], CRON),
  poolEdit(["spec", "suspend"], [true, false], CRON),
  poolEdit(["spec", "concurrencyPolicy"], ["Allow", "Forbid", "Replace"], CRON),
  poolEdit(["spec", "startingDeadlineSeconds"], [60, 200], CRON),
  poolEdit(["spec", "successfulJobsHistoryLimit"], [0, 1, 3], CRON),
  poolEdit(["spec", "failedJobsHistoryLimit"], [0, 1, 3], CRON),
  poolEdit([...JOB_TEMPLATE_SPEC, "backoffLimit"], [0, 2, 6], CRON),
  poolEdit([...JOB_TEMPLATE_SPEC, "activeDeadlineSeconds"], [60, 3600], CRON),
  poolEdit([...JOB_TEMPLATE_SPEC, "ttlSecondsAfterFinished"], [0, 300], CRON),
  ...templateEdits([...JOB_TEMPLATE_SPEC, "template"], CRON, () => new Set<string>()),
];
