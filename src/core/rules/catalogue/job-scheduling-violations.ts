import { getAt } from "../../k8s/field-path.ts";
import { isNil } from "../../k8s/json.ts";
import { compareObjects } from "../../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/** The one path under `spec.scheduling` an update may change (types.go: "only policy.gang.minCount"). */
const MUTABLE = ["schedulingPolicy", "gang", "minCount"] as const;

function isMinCount(path: readonly (string | number)[]): boolean {
  return path.length === MUTABLE.length && MUTABLE.every((segment, i) => path[i] === segment);
}

/**
 * Job `spec.scheduling` (v1.37, WorkloadWithJob): `+k8s:update=NoSet` and `NoUnset` on the field and
 * on `schedulingPolicy` (set at creation or never), `+k8s:immutable` on schedulingConstraints,
 * disruptionMode and resourceClaims; of the rest only `schedulingPolicy.gang.minCount` may change.
 */
export function jobSchedulingViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  if (isNil(from) !== isNil(to)) {
    return [{ path: rule.root, from, to, detail: isNil(from) ? "spec.scheduling cannot be set once the Job was created" : "spec.scheduling cannot be cleared once set" }];
  }
  return compareObjects(from, to, { ignore: [] })
    .filter((change) => !isMinCount(change.path))
    .map((change) => ({ path: [...rule.root, ...change.path], from: change.from, to: change.to }));
}
