import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../k8s/json.ts";
import { labelsOf } from "./label-selector.ts";

/** The pods a workload creates, as far as the manifest says: their labels and their spec. */
export interface PodTemplate {
  readonly labels: Map<string, string>;
  readonly spec: JsonObject | undefined;
  /** Field path of the template's labels, for messages. */
  readonly labelsPath: string;
}

/**
 * Where each pod-creating kind keeps its pod template (`group/Kind` → path of the template).
 * A bare Pod is its own template. extensions/* are the pre-1.16 workload kinds still found in old
 * charts; Argo Rollouts (argoproj.io Rollout) carry a Deployment-shaped `spec.template`.
 */
const TEMPLATE_PATHS: ReadonlyMap<string, readonly PathSegment[]> = new Map<string, readonly PathSegment[]>([
  ["/Pod", []],
  ["/ReplicationController", ["spec", "template"]],
  ["apps/Deployment", ["spec", "template"]],
  ["apps/StatefulSet", ["spec", "template"]],
  ["apps/DaemonSet", ["spec", "template"]],
  ["apps/ReplicaSet", ["spec", "template"]],
  ["extensions/Deployment", ["spec", "template"]],
  ["extensions/DaemonSet", ["spec", "template"]],
  ["extensions/ReplicaSet", ["spec", "template"]],
  ["batch/Job", ["spec", "template"]],
  ["batch/CronJob", ["spec", "jobTemplate", "spec", "template"]],
  ["argoproj.io/Rollout", ["spec", "template"]],
]);

/** Kinds whose pods serve traffic for as long as they run (a recreate interrupts them). */
const SERVING_KINDS: ReadonlySet<string> = new Set([
  "/ReplicationController",
  "apps/Deployment",
  "apps/StatefulSet",
  "apps/DaemonSet",
  "apps/ReplicaSet",
  "extensions/Deployment",
  "extensions/DaemonSet",
  "extensions/ReplicaSet",
  "argoproj.io/Rollout",
]);

export function createsPods(group: string, kind: string): boolean {
  return TEMPLATE_PATHS.has(`${group}/${kind}`);
}

export function isServingWorkload(group: string, kind: string): boolean {
  return SERVING_KINDS.has(`${group}/${kind}`);
}

function dotted(segments: readonly PathSegment[]): string {
  return [...segments, "metadata", "labels"].join(".");
}

/** The pod template of a pod-creating object; undefined for any other kind. */
export function podTemplateOf(group: string, kind: string, object: JsonObject): PodTemplate | undefined {
  const path = TEMPLATE_PATHS.get(`${group}/${kind}`);
  if (!path) return undefined;
  const template = getAt(object, path);
  const root = isJsonObject(template) ? template : undefined;
  const spec = root ? getAt(root, ["spec"]) : undefined;
  return {
    labels: labelsOf(root ? getAt(root, ["metadata", "labels"]) : undefined),
    spec: isJsonObject(spec) ? spec : undefined,
    labelsPath: dotted(path),
  };
}

/** Whether two label maps are equal. */
export function sameLabels(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
