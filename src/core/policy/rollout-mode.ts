import { selectorMatches, type Selector } from "../impact/cascade/label-selector.ts";
import type { MatchSubject } from "./match-policy.ts";
import type { Policy } from "./policy-schema.ts";

/** The mode a request is decided in, and why when the rollout narrowed it. */
export interface EffectiveMode {
  readonly mode: Policy["mode"];
  /** Set when `rollout.enforceOnly` put this request in audit. */
  readonly rollout?: string;
}

function selectorOf(selector: NonNullable<NonNullable<Policy["rollout"]["enforceOnly"]>["selector"]>): Selector {
  return { type: "match", labels: Object.entries(selector.matchLabels), expressions: selector.matchExpressions };
}

/**
 * `mode: enforce` applies to the requests `rollout.enforceOnly` names (a namespace listed, or the
 * object's labels selected); every other request is decided in audit. audit and off are never
 * widened: a rollout only narrows enforcement.
 */
export function effectiveMode(policy: Policy, subject: Pick<MatchSubject, "namespace" | "labels">): EffectiveMode {
  const only = policy.rollout.enforceOnly;
  if (policy.mode !== "enforce" || only === undefined) return { mode: policy.mode };
  if (subject.namespace !== "" && only.namespaces.includes(subject.namespace)) return { mode: "enforce" };
  if (only.selector !== undefined && selectorMatches(selectorOf(only.selector), subject.labels)) return { mode: "enforce" };
  return { mode: "audit", rollout: "outside rollout.enforceOnly" };
}
