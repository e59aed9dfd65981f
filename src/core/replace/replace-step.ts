import { describeCondition, formatLabels, type Condition, type LabelMap } from "./condition.ts";
import { describeRef, type ReplaceRef } from "./replace-ref.ts";

/** What one step does to the cluster (nothing, for the steps that only wait). */
export type StepAction =
  /**
   * `kustomize.toolkit.fluxcd.io/reconcile: disabled`: Flux neither applies nor prunes it meanwhile
   * (watch-recovery.md §6.3); and, in the same patch, `gitops-guard.io/selector-hold: <hold>` (the
   * journal name): the webhook keeps its selector if anyone else applies it meanwhile.
   */
  | { readonly type: "freeze"; readonly ref: ReplaceRef; readonly hold: string }
  /** Takes the freeze and the hold away again (only where this replacement added them). */
  | { readonly type: "unfreeze"; readonly ref: ReplaceRef }
  /** DELETE with a uid precondition; `exceptUid` deletes whatever object of that name is not the old one. */
  | { readonly type: "delete"; readonly ref: ReplaceRef; readonly propagation: "Orphan" | "Foreground" | "Background"; readonly uid?: string; readonly exceptUid?: string }
  /** POST of the journal's desired (or, rolling back, old) object. */
  | { readonly type: "create"; readonly ref: ReplaceRef; readonly body: "desired" | "old" }
  /** `reconcile.fluxcd.io/requestedAt` on the owner (Kustomization or HelmRelease): the owner applies the object again. */
  | { readonly type: "request-reconcile"; readonly owner: ReplaceRef }
  /**
   * Merge patch of a selecting object's selector. `hold`: the same patch changes the selector hold
   * this replacement put on the object, so the webhook lets the engine's own switch through —
   * `switched` (the cut-over) or `release` (a rollback puts the old selector back and ends it).
   */
  | { readonly type: "switch-selector"; readonly ref: ReplaceRef; readonly path: readonly string[]; readonly form: "map" | "label-selector"; readonly to: LabelMap; readonly hold?: "switched" | "release" }
  /** One StatefulSet pod deleted so the controller re-creates it from the new claim templates. */
  | { readonly type: "delete-pod"; readonly namespace: string; readonly name: string; readonly uid: string }
  /**
   * ReplicaSets and Pods carrying the labels with no live controller: a generation's leftovers.
   * Objects that also match `except` (the generation that stays) are never touched.
   */
  | { readonly type: "delete-leftovers"; readonly namespace: string; readonly selector: LabelMap; readonly except: LabelMap }
  /** The ReplicaSets of the new generation (matching its selector, not the old generation's `keep` uids), with their pods (Background). */
  | { readonly type: "delete-generation"; readonly namespace: string; readonly selector: LabelMap; readonly keep: readonly string[] }
  | { readonly type: "wait" };

/**
 * One step of a plan: a stable id (the journal records outcomes by it), a precondition checked
 * before it acts, and a verification waited for after. A step whose verification already holds
 * is done without acting: that is what makes every step idempotent and a resume safe.
 */
export interface Step {
  readonly id: string;
  readonly title: string;
  readonly action: StepAction;
  readonly preconditions: readonly Condition[];
  readonly verification: Condition;
  /**
   * true until the commit point (the new object serves): a failure or the timeout rolls back.
   * Past it the old pods are going or gone, and a failure is escalated, never rolled back.
   */
  readonly rollsBack: boolean;
}

export function describeAction(a: StepAction): string {
  switch (a.type) {
    case "freeze":
      return `freeze ${describeRef(a.ref)} (kustomize.toolkit.fluxcd.io/reconcile: disabled) and hold its selector (gitops-guard.io/selector-hold)`;
    case "unfreeze":
      return `unfreeze ${describeRef(a.ref)} and release its selector`;
    case "delete":
      return `delete ${describeRef(a.ref)}${a.exceptUid ? " (the new object)" : ""} with propagationPolicy ${a.propagation}${a.propagation === "Orphan" ? " (its pods keep serving)" : ""}`;
    case "create":
      return `create ${describeRef(a.ref)} from the ${a.body === "desired" ? "desired" : "journaled old"} object`;
    case "request-reconcile":
      return `ask ${describeRef(a.owner)} to reconcile (reconcile.fluxcd.io/requestedAt)`;
    case "switch-selector":
      return `switch the selector of ${describeRef(a.ref)} to ${formatLabels(a.to)}`;
    case "delete-pod":
      return `delete pod ${a.namespace}/${a.name} (re-created with the new claim templates)`;
    case "delete-leftovers":
      return `delete leftover ReplicaSets and Pods matching ${formatLabels(a.selector)}${Object.keys(a.except).length > 0 ? ` (never those matching ${formatLabels(a.except)})` : ""}`;
    case "delete-generation":
      return `delete the new ReplicaSets matching ${formatLabels(a.selector)} and their pods`;
    case "wait":
      return "wait";
  }
}

/** Plan lines of a step: what it does, what must hold first, what is verified after. */
export function describeStep(step: Step, index: number): string[] {
  return [
    `${index + 1}. ${step.title}`,
    ...step.preconditions.map((c) => `     requires: ${describeCondition(c)}`),
    `     verify:   ${describeCondition(step.verification)}`,
  ];
}
