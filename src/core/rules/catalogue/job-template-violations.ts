import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isEmptyValue, isJsonObject, isNil, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { compareObjects, type FieldChange } from "../../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { withDefaultPullPolicies } from "./default-pull-policy.ts";
import { podSpecDefaults } from "./pod-spec-defaults.ts";


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
 * True when the live Job has `spec.suspend: true` and no `status.startTime` (never started): only
 * then may the scheduling directives change. The condition reads the OLD Job only, so a Kueue
 * admission that sets `suspend: false` and a nodeSelector in one update is accepted.
 */
export function allowsSchedulingDirectiveChanges(old: JsonObject): boolean {
  return getAt(old, ["spec", "suspend"]) === true && isEmptyValue(getAt(old, ["status", "startTime"]));
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
export function jobTemplateViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  const root: readonly PathSegment[] = rule.root;
  const newTemplate = withPodDefaults(getAt(input.new, root));
  let oldTemplate = withPodDefaults(getAt(input.old, root));
  if (allowsSchedulingDirectiveChanges(input.old)) {
    oldTemplate = withNodeAffinityFrom(oldTemplate, newTemplate);
    for (const path of JOB_SCHEDULING_DIRECTIVES) oldTemplate = withValueAt(oldTemplate, path, getAt(newTemplate, path));
  }
  return compareObjects(oldTemplate, newTemplate, { ignore: [], pointerStructs: rule.pointerStructs ?? [] })
    .flatMap(splitObjectChange)
    .map((change) => ({ path: [...root, ...change.path], from: change.from, to: change.to }));
}
