import type { LabelMap } from "./condition.ts";
import type { StrategyName } from "./kind-traits.ts";
import { describeRef, type ReplaceRef } from "./replace-ref.ts";
import { describeStep, type Step } from "./replace-step.ts";
import type { SelectorSwitch } from "./selector-switch.ts";

/** Where the new object comes from. */
export type DesiredSource = "file" | "marks" | "owner";

/** A replacement the engine will carry out: steps in order, and what a rollback needs. */
export interface Plan {
  readonly kind: "plan";
  readonly target: ReplaceRef;
  readonly strategy: StrategyName;
  readonly desiredSource: DesiredSource;
  /** The uid of the live object: tells the old object from the new one of the same name. */
  readonly oldUid: string;
  readonly oldSelector: LabelMap;
  /** The new workload selector; null when the owner creates the object (known once it exists). */
  readonly newSelector: LabelMap | null;
  /** Ready pods the Service must keep at every moment (replicas − maxUnavailable, at least 1). */
  readonly minReady: number;
  readonly switches: readonly SelectorSwitch[];
  /** uids of the old Deployment's ReplicaSets: a rollback never deletes them. */
  readonly oldReplicaSets: readonly string[];
  readonly steps: readonly Step[];
  /** Why this strategy, what is worth knowing (a downtime warning for `recreate` of a workload, …). */
  readonly notes: readonly string[];
}

/** A replacement the engine will not carry out, and what a person does instead. */
export interface Refusal {
  readonly kind: "refusal";
  readonly target: ReplaceRef;
  readonly reason: string;
  readonly procedure: readonly string[];
}

export type ReplacementPlan = Plan | Refusal;

export const plan = (value: Omit<Plan, "kind">): Plan => ({ kind: "plan", ...value });
export const refusal = (target: ReplaceRef, reason: string, procedure: readonly string[]): Refusal => ({ kind: "refusal", target, reason, procedure });

/** The plan as a person reads it (`replace --dry-run`). */
export function formatPlanText(p: ReplacementPlan): string {
  if (p.kind === "refusal") {
    return [`${describeRef(p.target)}: not replaced. ${p.reason}`, "", "Instead:", ...p.procedure.map((s, i) => `  ${i + 1}. ${s}`), ""].join("\n");
  }
  const lines = [
    `Replace ${describeRef(p.target)} by ${p.strategy} (the new object ${p.desiredSource === "owner" ? "is re-created by its owner" : `comes from the ${p.desiredSource === "file" ? "--desired file" : "webhook's marks"}`}).`,
    ...p.notes.map((n) => `  note: ${n}`),
    "",
    ...p.steps.flatMap((s, i) => describeStep(s, i)),
    "",
    "Until the commit point (marked *) a failure or the timeout rolls everything back from the journal.",
    "",
  ];
  // The commit point is the first step that does not roll back.
  const commit = p.steps.findIndex((s) => !s.rollsBack);
  if (commit >= 0) {
    const at = lines.findIndex((l) => l.startsWith(`${commit + 1}. `));
    if (at >= 0) lines[at] = `*${lines[at]!}`;
  }
  return lines.join("\n");
}
