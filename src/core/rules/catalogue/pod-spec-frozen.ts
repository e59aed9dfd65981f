import { formatFieldPath, getAt, patternCovers, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, isNil, semanticEqual, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { normalizedViolations } from "./normalized-violations.ts";
import { podSpecDefaults } from "./pod-spec-defaults.ts";
import { POD_GATED_FIELDS, withoutDisabledPodFields } from "./pod-gated-fields.ts";

/**
 * `ValidatePodUpdate` (pkg/apis/core/validation): the new spec, with the updatable fields "munged"
 * back to their stored values, must equal the stored spec. The updatable fields are checked by
 * their own rules (core-v1.ts); here they are munged exactly as the API server munges them:
 * container images, activeDeadlineSeconds, schedulingGates and tolerations always;
 * terminationGracePeriodSeconds only for negative → 1; nodeSelector and nodeAffinity only while
 * the stored pod has scheduling gates. Priority admission keeps priority/preemptionPolicy when
 * the update omits them. Both specs are defaulted first (pod-spec-defaults.ts).
 */

const IMAGE_LISTS = ["containers", "initContainers"] as const;

function setOrDelete(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function containerAt(list: JsonValue | undefined, i: number): JsonObject | undefined {
  const item = Array.isArray(list) ? list[i] : undefined;
  return isJsonObject(item) ? item : undefined;
}

/**
 * Container fields the server defaults from other content: imagePullPolicy from the image tag
 * (Always for :latest), resizePolicy from the resources (InPlacePodVerticalScaling, v1.33+).
 * When one side lacks them they are left out of the comparison: an apply keeps the stored value,
 * and a replace gets the same default unless the content they derive from changed (which is
 * reported on its own).
 */
const DEFAULTED_BY_CONTENT = ["imagePullPolicy", "resizePolicy"] as const;

/** Images are updatable; see DEFAULTED_BY_CONTENT for the fields compared only when both sides set them. */
function mungeContainers(oldList: JsonValue | undefined, newList: JsonValue | undefined): [JsonValue | undefined, JsonValue | undefined] {
  if (!Array.isArray(oldList) || !Array.isArray(newList)) return [oldList, newList];
  const olds = [...oldList];
  const news = newList.map((item, i) => {
    const before = containerAt(oldList, i);
    if (!isJsonObject(item) || !before) return item;
    const after: JsonObject = { ...item };
    setOrDelete(after, "image", before["image"]);
    const stored: JsonObject = { ...before };
    for (const key of DEFAULTED_BY_CONTENT) {
      if (stored[key] !== undefined && after[key] !== undefined) continue;
      delete stored[key];
      delete after[key];
    }
    olds[i] = stored;
    return after;
  });
  return [olds, news];
}

function isGated(spec: JsonObject): boolean {
  return Array.isArray(spec["schedulingGates"]) && spec["schedulingGates"].length > 0;
}

/**
 * The new spec's affinity as ValidatePodUpdate munges it for a gated pod, whose node affinity may
 * change (validateNodeAffinityMutation judges how): when the node affinities differ, the stored one
 * is put back; an affinity that held only the new node affinity, on a pod that stored none, goes
 * back to nil. Undefined = no affinity.
 */
function mungedAffinity(oldSpec: JsonObject, newSpec: JsonObject): JsonValue | undefined {
  const affinity = newSpec["affinity"];
  const oldNodeAffinity = getAt(oldSpec, ["affinity", "nodeAffinity"]);
  const newNodeAffinity = getAt(newSpec, ["affinity", "nodeAffinity"]);
  const same = isNil(oldNodeAffinity) ? isNil(newNodeAffinity) : !isNil(newNodeAffinity) && semanticEqual(oldNodeAffinity, newNodeAffinity);
  if (same) return affinity;
  if (!isJsonObject(affinity)) return isNil(oldNodeAffinity) ? affinity : { nodeAffinity: oldNodeAffinity };
  if (isNil(oldSpec["affinity"]) && isNil(affinity["podAntiAffinity"]) && isNil(affinity["podAffinity"])) return undefined;
  const out: JsonObject = { ...affinity };
  setOrDelete(out, "nodeAffinity", isNil(oldNodeAffinity) ? undefined : oldNodeAffinity);
  return out;
}

/** The stored spec and the new spec with every updatable field set back to its stored value. */
function mungePodSpecs(oldSpec: JsonObject, newSpec: JsonObject): [JsonObject, JsonObject] {
  const before: JsonObject = { ...oldSpec };
  const after: JsonObject = { ...newSpec };
  for (const list of IMAGE_LISTS) {
    const [olds, news] = mungeContainers(oldSpec[list], newSpec[list]);
    setOrDelete(before, list, olds);
    setOrDelete(after, list, news);
  }
  for (const key of ["activeDeadlineSeconds", "schedulingGates", "tolerations"]) setOrDelete(after, key, oldSpec[key]);
  const grace = oldSpec["terminationGracePeriodSeconds"];
  if (typeof grace === "number" && grace < 0 && newSpec["terminationGracePeriodSeconds"] === 1) {
    after["terminationGracePeriodSeconds"] = grace;
  }
  for (const key of ["priority", "preemptionPolicy"]) {
    if (newSpec[key] === undefined || newSpec[key] === null) setOrDelete(after, key, oldSpec[key]);
  }
  if (isGated(oldSpec)) {
    setOrDelete(after, "nodeSelector", oldSpec["nodeSelector"]);
    setOrDelete(after, "affinity", mungedAffinity(oldSpec, newSpec));
  }
  return [before, after];
}

const RESIZE_DETAIL =
  "container resources change only through the pods/resize subresource (v1.33+), not through an update of the Pod";
const EPHEMERAL_DETAIL = "ephemeral containers are added only through the pods/ephemeralcontainers subresource";

/** A field added v1.34–v1.37 behind a gate that is on here: say so (where the gate is off, it is dropped instead). */
function gatedFieldDetail(path: readonly PathSegment[]): string | undefined {
  for (const { gate, paths } of POD_GATED_FIELDS) {
    if (paths.some((pattern) => patternCovers(["spec", ...pattern], path.slice(0, pattern.length + 1)))) {
      return `pod updates may not change ${formatFieldPath(path)}: a field that exists where ${gate} is on (the API server drops it where the gate is off)`;
    }
  }
  return undefined;
}

function detailFor(path: readonly PathSegment[]): string | undefined {
  const gated = gatedFieldDetail(path);
  if (gated !== undefined) return gated;
  if (path[1] === "ephemeralContainers") return EPHEMERAL_DETAIL;
  if ((path[1] === "containers" || path[1] === "initContainers") && path[3] === "resources") return RESIZE_DETAIL;
  return undefined;
}

/** Every change to a Pod spec field the API server does not let an update change. */
export function podSpecFrozen(input: RuleInput, rule: CompiledRule): Violation[] {
  const oldSpec = podSpecDefaults(getAt(input.old, rule.root), "pod");
  const newSpec = withoutDisabledPodFields(oldSpec, podSpecDefaults(getAt(input.new, rule.root), "pod"), input.kube);
  const [before, after] = mungePodSpecs(oldSpec, newSpec);
  return normalizedViolations(input, rule.root, before, after, rule.pointerStructs).map((violation) => {
    const detail = detailFor(violation.path);
    return detail === undefined ? violation : { ...violation, detail };
  });
}
