import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isEmptyValue, isJsonObject, isNil, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { compareObjects, type FieldChange } from "../../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { withDefaultPullPolicies } from "./default-pull-policy.ts";
import { podSpecDefaults } from "./pod-spec-defaults.ts";
import { asWritten } from "./as-written.ts";


/**
 * Pod-template paths (relative to spec.template) a suspended, never-started Job may change
 * (`AllowMutableSchedulingDirectives` in pkg/registry/batch/job/strategy.go, used by Kueue-style
 * admission): the API server copies them from the new template into the old one before comparing.
 * `spec.affinity.nodeAffinity` is one too, copied with its parent's nil-ness (withNodeAffinityFrom).
 */
export const JOB_SCHEDULING_DIRECTIVES: readonly (readonly string[])[] = [
  ["spec", "nodeSelector"],
  ["spec", "tolerations"],
  ["spec", "schedulingGates"],
  ["metadata", "labels"],
  ["metadata", "annotations"],
];

/**
 * Which suspended Jobs may change their template, by feature gate (KEP-2926 update, KEP-5440):
 * - `widenedSchedulingDirectives` (MutableSchedulingDirectivesForSuspendedJobs, beta on v1.36):
 *   the scheduling directives also after the Job ran, once it is suspended again;
 * - `resourcesWhileSuspended` (MutablePodResourcesForSuspendedJobs, beta on v1.36): the
 *   containers' resources under the same condition.
 */
export interface SuspendedJobGates {
  readonly widenedSchedulingDirectives: boolean;
  readonly resourcesWhileSuspended: boolean;
}

/** Before v1.36 (default gates): only a suspended Job that never started. */
export const NO_SUSPENDED_JOB_GATES: SuspendedJobGates = { widenedSchedulingDirectives: false, resourcesWhileSuspended: false };

function neverStarted(old: JsonObject): boolean {
  return isEmptyValue(getAt(old, ["status", "startTime"]));
}

/**
 * Suspended after running: the stored Job carries the `Suspended` condition (status True) and no
 * active pods (KEP-5440 "Design details": `status.active == 0`; the job controller sets the
 * condition once the pods are gone).
 */
function suspendedAndIdle(old: JsonObject): boolean {
  const conditions = getAt(old, ["status", "conditions"]);
  const suspended = Array.isArray(conditions) && conditions.some((c) => isJsonObject(c) && c["type"] === "Suspended" && c["status"] === "True");
  const active = getAt(old, ["status", "active"]);
  return suspended && (active === undefined || active === null || active === 0);
}

/**
 * True when the scheduling directives may change: the live Job has `spec.suspend: true` and never
 * started (`status.startTime` unset), or, with the widened gate, is suspended with no active pods.
 * The condition reads the OLD Job only, so a Kueue admission that sets `suspend: false` and a
 * nodeSelector in one update is accepted (the reference leaves open whether v1.36+ also reads the
 * new `spec.suspend`; it is not read here).
 */
export function allowsSchedulingDirectiveChanges(old: JsonObject, gates: SuspendedJobGates = NO_SUSPENDED_JOB_GATES): boolean {
  if (getAt(old, ["spec", "suspend"]) !== true) return false;
  return neverStarted(old) || (gates.widenedSchedulingDirectives && suspendedAndIdle(old));
}

/** True when the containers' resources may change (MutablePodResourcesForSuspendedJobs). */
export function allowsResourceChanges(old: JsonObject, gates: SuspendedJobGates): boolean {
  return gates.resourcesWhileSuspended && getAt(old, ["spec", "suspend"]) === true && (neverStarted(old) || suspendedAndIdle(old));
}

/** A copy of `root` with `value` at `path` (removed when undefined); missing parents are created only to hold a value. */
function withValueAt(root: JsonValue | undefined, path: readonly string[], value: JsonValue | undefined): JsonValue | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (!isJsonObject(root) && value === undefined) return root;
  const base: JsonObject = isJsonObject(root) ? root : {};
  const child = withValueAt(base[head], rest, value);
  const out: JsonObject = { ...base };
  if (child === undefined) delete out[head];
  else out[head] = child;
  return out;
}

const AFFINITY = ["spec", "affinity"] as const;
const NODE_AFFINITY = ["spec", "affinity", "nodeAffinity"] as const;

/**
 * The old template with the new template's node affinity, the way validatePodTemplateUpdate
 * (pkg/apis/batch/validation) lets it skip the comparison: a cleared affinity clears the stored
 * one's nodeAffinity, and the stored affinity goes to nil when no other affinity was set in it; a
 * new affinity on a template that stored none becomes `{nodeAffinity: new}` on the old side (so a
 * new `affinity: {}` is no change); otherwise the stored nodeAffinity is replaced.
 */
function withNodeAffinityFrom(oldTemplate: JsonValue | undefined, newTemplate: JsonValue | undefined): JsonValue | undefined {
  const oldAffinity = getAt(oldTemplate, AFFINITY);
  const newAffinity = getAt(newTemplate, AFFINITY);
  if (isNil(newAffinity)) {
    if (!isJsonObject(oldAffinity)) return oldTemplate;
    const { nodeAffinity: _cleared, ...rest } = oldAffinity;
    return withValueAt(oldTemplate, AFFINITY, Object.values(rest).every(isNil) ? undefined : rest);
  }
  const nodeAffinity = getAt(newTemplate, NODE_AFFINITY);
  if (isNil(oldAffinity)) return withValueAt(oldTemplate, AFFINITY, isNil(nodeAffinity) ? {} : { nodeAffinity });
  return withValueAt(oldTemplate, NODE_AFFINITY, isNil(nodeAffinity) ? undefined : nodeAffinity);
}

/**
 * An object present on one side only is split into one change per leaf (arrays stay whole), so a
 * finding names the field itself (`affinity.podAntiAffinity…`, not `affinity`) and a dropped
 * server-assigned label (controller-uid, job-name) is reported exactly where the server-assigned
 * rule reports it, which then supersedes it (find-findings dedupe).
 */
function splitObjectChange(change: FieldChange): FieldChange[] {
  const side = isEmptyValue(change.from) ? change.to : isEmptyValue(change.to) ? change.from : undefined;
  // An empty object stays whole: it is a set pointer-to-struct (`affinity: {}`), with no leaf below.
  if (!isJsonObject(side) || isEmptyValue(side)) return [change];
  const fromSide = side === change.from;
  return Object.entries(side).flatMap(([key, value]) =>
    splitObjectChange({
      path: [...change.path, key],
      from: fromSide ? value : undefined,
      to: fromSide ? undefined : value,
    }),
  );
}

/**
 * The template with its pod spec defaulted like a Pod's (an omitted default is no change). The
 * template image is frozen, so imagePullPolicy can be defaulted from it (a Pod's image may
 * change, which is why pod-spec-frozen.ts treats that default differently).
 */
function withPodDefaults(template: JsonValue | undefined): JsonValue | undefined {
  return isJsonObject(template) ? { ...template, spec: withDefaultPullPolicies(podSpecDefaults(template["spec"], "template")) } : template;
}

/**
 * Job `spec.template` is frozen (`spec.template: Invalid value: core.PodTemplateSpec{...}: field is
 * immutable`, validatePodTemplateUpdate), except the scheduling directives of a suspended Job that
 * never started. Like the API server, the allowed paths are copied from the new template into the
 * old one before the comparison, which also accepts dropping a whole `affinity` that held only
 * nodeAffinity. Semantic equality (ValidateImmutableField) compares after defaulting, so both pod
 * specs are defaulted first (pod-spec-defaults.ts: terminationMessagePath, dnsPolicy, quantities…).
 */
export function jobTemplateViolations(gates: SuspendedJobGates = NO_SUSPENDED_JOB_GATES): (input: RuleInput, rule: CompiledRule) => Violation[] {
  return (input, rule) => {
    const root: readonly PathSegment[] = rule.root;
    const newTemplate = withPodDefaults(getAt(input.new, root));
    let oldTemplate = withPodDefaults(getAt(input.old, root));
    if (allowsSchedulingDirectiveChanges(input.old, gates)) {
      oldTemplate = withNodeAffinityFrom(oldTemplate, newTemplate);
      for (const path of JOB_SCHEDULING_DIRECTIVES) oldTemplate = withValueAt(oldTemplate, path, getAt(newTemplate, path));
    }
    if (allowsResourceChanges(input.old, gates)) oldTemplate = withResourcesFrom(oldTemplate, newTemplate);
    return compareObjects(oldTemplate, newTemplate, { ignore: [], pointerStructs: rule.pointerStructs ?? [] })
      .flatMap(splitObjectChange)
      .map((change) => {
        // Compared normalised, shown as written: the manifest's own values where it has them.
        const path = [...root, ...change.path];
        return { path, from: asWritten(getAt(input.old, path), change.from), to: asWritten(getAt(input.new, path), change.to) };
      });
  };
}

/**
 * The old template with each container's `resources` taken from the new template's container of
 * the same name (regular and init containers), as KEP-5440 lets a suspended Job change them.
 */
function withResourcesFrom(oldTemplate: JsonValue | undefined, newTemplate: JsonValue | undefined): JsonValue | undefined {
  let out = oldTemplate;
  for (const list of ["containers", "initContainers"]) {
    const olds = getAt(out, ["spec", list]);
    const news = getAt(newTemplate, ["spec", list]);
    if (!Array.isArray(olds) || !Array.isArray(news)) continue;
    const byName = new Map<string, JsonValue | undefined>();
    for (const c of news) if (isJsonObject(c) && typeof c["name"] === "string") byName.set(c["name"], c["resources"]);
    const merged = olds.map((c): JsonValue => {
      if (!isJsonObject(c) || typeof c["name"] !== "string" || !byName.has(c["name"])) return c;
      const resources = byName.get(c["name"]);
      const { resources: _stored, ...rest } = c;
      return resources === undefined ? rest : { ...rest, resources };
    });
    out = withValueAt(out, ["spec", list], merged);
  }
  return out;
}
