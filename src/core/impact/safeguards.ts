import type { JsonObject } from "../k8s/json.ts";
import { metaValue } from "../k8s/kube-object.ts";
import type { SafeguardStatus } from "./impact-report.ts";
import { rank, SAFEGUARDS, type RiskLevel, type RiskReason, type Safeguard } from "./risk-level.ts";

/** The annotation a change declares safeguards done with, unless the policy names another. */
export const DEFAULT_SAFEGUARDS_ANNOTATION = "gitops-guard.io/safeguards";

/** What the policy's `check.safeguards` says (parsed at the edge). */
export interface SafeguardPolicy {
  /** Safeguards every object at this level (or above, for lower levels listed) needs, beyond its reasons'. */
  readonly required: Partial<Record<RiskLevel, readonly Safeguard[]>>;
  /** Annotation listing the safeguards done, comma-separated (`backup,approval`). */
  readonly annotation: string;
}

export const DEFAULT_SAFEGUARD_POLICY: SafeguardPolicy = { required: {}, annotation: DEFAULT_SAFEGUARDS_ANNOTATION };

function isSafeguard(value: string): value is Safeguard {
  return SAFEGUARDS.some((s) => s === value);
}

/** The safeguards an object declares done: its annotation (unknown words are ignored; docs list the ids). */
export function declaredSafeguards(object: JsonObject | undefined, annotation: string): Set<Safeguard> {
  const value = metaValue(object, "annotations", annotation) ?? "";
  return new Set(value.split(",").map((s) => s.trim()).filter(isSafeguard));
}

/**
 * What an object at this risk needs (high and critical only): the safeguards its reasons call for,
 * plus those the policy requires at its level, each marked done when the change declares it.
 */
export function safeguardsFor(level: RiskLevel, reasons: readonly RiskReason[], policy: SafeguardPolicy, done: ReadonlySet<Safeguard>): SafeguardStatus[] {
  if (rank(level) < rank("high")) return [];
  const needed = new Map<Safeguard, string[]>();
  const add = (id: Safeguard, why: string): void => {
    const list = needed.get(id);
    if (list) {
      if (!list.includes(why)) list.push(why);
    } else needed.set(id, [why]);
  };
  for (const r of reasons) if (rank(r.level) >= rank("high")) for (const id of r.safeguards) add(id, r.reason);
  for (const id of policy.required[level] ?? []) add(id, `policy: required at ${level}`);
  return SAFEGUARDS.filter((id) => needed.has(id)).map((id) => ({ id, done: done.has(id), reasons: needed.get(id) ?? [] }));
}
