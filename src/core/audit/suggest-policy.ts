import { isDataBearing } from "../rules/find-findings.ts";
import type { Policy, PolicyOverride } from "../policy/policy-schema.ts";
import type { GroupEvidence, GroupStats } from "./group-stats.ts";

/** One tuning suggestion, with the numbers behind it. */
export interface Suggestion {
  /** Stable within a report: `<type>:<what>`. */
  readonly id: string;
  readonly type: "mark-group" | "audit-only-rule" | "noisy-field-manager";
  /** One line, numbers included. */
  readonly title: string;
  /** Why, and what to check before applying it. */
  readonly reasoning: string;
  readonly evidence: Readonly<Record<string, number | string>>;
  /** The override prepended to the policy, when the suggestion changes it. */
  readonly override?: PolicyOverride;
  /** What the change does to the recorded decisions (replaying them gives exactly this). */
  readonly expected?: { readonly decisions: number; readonly from: string; readonly to: string };
}

/** Thresholds: below them the evidence is too thin to change a policy. */
export const SUGGESTION_THRESHOLDS = {
  /** Real conflict denials of one (kind, namespace, tool) before `mark` is suggested. */
  minDenials: 5,
  /** Share of denied objects fixed in Git within a day under which denying is not working. */
  maxFixedShare: 0.5,
  /** Denials in a namespace before one field manager's share is looked at. */
  minNamespaceDenials: 10,
  /** One field manager's share of a namespace's denials that makes it "noisy". */
  noisyShare: 0.4,
} as const;

/** Tools that re-apply from Git by themselves: a marked object of theirs is recreated and converges. */
const RECONCILING_TOOLS = new Set(["flux", "argocd", "helm", "kapp"]);

const percent = (share: number): string => `${Math.round(share * 100)} %`;

function kindGroupOf(kindRef: string): { kind: string; group: string } {
  const dot = kindRef.indexOf(".");
  return dot < 0 ? { kind: kindRef, group: "" } : { kind: kindRef.slice(0, dot), group: kindRef.slice(dot + 1) };
}

function markSuggestion(g: GroupEvidence): Suggestion | undefined {
  const { kind, group } = kindGroupOf(g.kindRef);
  if (g.conflictDenials < SUGGESTION_THRESHOLDS.minDenials || !RECONCILING_TOOLS.has(g.owner) || isDataBearing(group, kind)) return undefined;
  const fixedShare = g.deniedObjects === 0 ? 0 : g.fixedObjects / g.deniedObjects;
  if (fixedShare >= SUGGESTION_THRESHOLDS.maxFixedShare) return undefined;
  const where = g.namespace ? `namespace ${g.namespace}` : "cluster scope";
  const [field] = g.fields.entries()[0] ?? ["(none)"];
  const name = `suggested-mark-${g.kindRef}-${g.namespace || "cluster"}-${g.owner}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").slice(0, 120);
  const override: PolicyOverride = {
    name,
    match: { kinds: [g.kindRef], namespaces: g.namespace ? [g.namespace] : [], labels: {}, owners: [g.owner] },
    action: "mark",
    strategy: "recreate",
    acceptDataLoss: false,
  };
  return {
    id: `mark-group:${g.kindRef}:${g.namespace}:${g.owner}`,
    type: "mark-group",
    title: `${g.kindRef} owned by ${g.owner} in ${where} were denied ${g.conflictDenials} times (mostly ${field}); ${g.fixedObjects} of ${g.deniedObjects} were fixed in Git within a day → suggest mark`,
    reasoning:
      `Denying does not get these changes fixed at the source (${percent(fixedShare)} fixed within a day), and ${g.owner} re-applies from Git: ` +
      "with mark the guard keeps the live values, marks the object, and the owner recreates it on its next apply. " +
      "Check that recreating these objects is acceptable (a Job re-runs, a workload restarts) before applying.",
    evidence: { denials: g.conflictDenials, deniedObjects: g.deniedObjects, fixedWithinADay: g.fixedObjects, topField: field },
    override,
    expected: { decisions: g.conflictDenials, from: "deny", to: "mark" },
  };
}

/** Suggestions from the evidence, most denials first, and the policy with their overrides prepended. */
export function suggestPolicy(stats: GroupStats, policy: Policy): { suggestions: Suggestion[]; policy: Policy } {
  const suggestions: Suggestion[] = [];
  const groups = stats.entries().sort((a, b) => b.conflictDenials - a.conflictDenials);
  for (const g of groups) {
    const s = markSuggestion(g);
    if (s) suggestions.push(s);
  }
  for (const [ruleId, rule] of stats.rules().sort(([, a], [, b]) => b.audit - a.audit)) {
    if (rule.audit === 0 || rule.enforce > 0) continue;
    suggestions.push({
      id: `audit-only-rule:${ruleId}`,
      type: "audit-only-rule",
      title: `rule ${ruleId} fired ${rule.audit} times, only in audit mode (never enforced)`,
      reasoning: "Every firing of this rule was recorded as what enforce would do: review the objects in the drill-down, then roll enforce out to a subset first (a namespace override), not globally.",
      evidence: { auditFirings: rule.audit, enforcedFirings: 0 },
    });
  }
  for (const [namespace, managers] of stats.namespaceManagers()) {
    const total = managers.total;
    const [top] = managers.entries();
    if (!top || total < SUGGESTION_THRESHOLDS.minNamespaceDenials || top[1] / total < SUGGESTION_THRESHOLDS.noisyShare) continue;
    suggestions.push({
      id: `noisy-field-manager:${namespace}:${top[0]}`,
      type: "noisy-field-manager",
      title: `namespace ${namespace || "(cluster)"}: ${percent(top[1] / total)} of ${total} denials came from one field manager, ${top[0]}`,
      reasoning: "One client keeps sending changes the guard refuses: fix that tool's manifests (or its apply options) rather than the policy; an exemption would hide real conflicts.",
      evidence: { namespaceDenials: total, fieldManager: top[0], fromIt: top[1] },
    });
  }
  const overrides = suggestions.flatMap((s) => (s.override ? [s.override] : []));
  return { suggestions, policy: { ...policy, overrides: [...overrides, ...policy.overrides] } };
}
