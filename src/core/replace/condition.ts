import { describeRef, type ReplaceRef } from "./replace-ref.ts";

/** A label map selector as it is switched and counted (matchLabels / a Service's selector). */
export type LabelMap = Readonly<Record<string, string>>;

/**
 * What must hold before a step acts (precondition) or after (verification), as a value the
 * executor evaluates against the cluster. `uid`/`exceptUid` tell the old object from the new one
 * of the same name.
 */
export type Condition =
  /** The object exists (with this uid / with any uid but this one). */
  | { readonly kind: "present"; readonly ref: ReplaceRef; readonly uid?: string; readonly exceptUid?: string }
  /** No such object (or only one with another uid). */
  | { readonly kind: "absent"; readonly ref: ReplaceRef; readonly uid?: string; readonly exceptUid?: string }
  /** The object exists (with any uid but `exceptUid`) and kstatus says Current (watch-recovery.md §4.1). */
  | { readonly kind: "healthy"; readonly ref: ReplaceRef; readonly exceptUid?: string }
  /** At least `min` ready, not terminating pods in the namespace carry these labels. */
  | { readonly kind: "ready-pods"; readonly namespace: string; readonly selector: LabelMap; readonly min: number }
  /** The object's selector at `path` is exactly this map. */
  | { readonly kind: "selector"; readonly ref: ReplaceRef; readonly path: readonly string[]; readonly form: "map" | "label-selector"; readonly value: LabelMap }
  /** The annotation has this value (null: absent). */
  | { readonly kind: "annotation"; readonly ref: ReplaceRef; readonly key: string; readonly value: string | null }
  /** No ReplicaSet or Pod carrying these labels (and not `except`'s) is left without a live controller (nothing orphaned is left over). */
  | { readonly kind: "no-leftovers"; readonly namespace: string; readonly selector: LabelMap; readonly except: LabelMap }
  /** No ReplicaSet carrying these labels other than `keep` (the old generation), and none of their pods, is left. */
  | { readonly kind: "generation-gone"; readonly namespace: string; readonly selector: LabelMap; readonly keep: readonly string[] }
  /** The pod was replaced (another uid) and is ready again. */
  | { readonly kind: "pod-renewed"; readonly namespace: string; readonly name: string; readonly oldUid: string }
  /** This many seconds passed since the step started (the drain delay). */
  | { readonly kind: "elapsed"; readonly seconds: number };

export function formatLabels(labels: LabelMap): string {
  const pairs = Object.entries(labels);
  return pairs.length === 0 ? "{}" : pairs.map(([k, v]) => `${k}=${v}`).join(",");
}

/** One line a person reads in a plan. */
export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case "present":
      return `${describeRef(c.ref)} exists${c.exceptUid ? " (a new object)" : ""}`;
    case "absent":
      return `${describeRef(c.ref)} is gone${c.exceptUid ? " (the new object)" : ""}`;
    case "healthy":
      return `${describeRef(c.ref)} is healthy (kstatus Current)`;
    case "ready-pods":
      return `at least ${c.min} ready pod(s) match ${formatLabels(c.selector)}`;
    case "selector":
      return `${describeRef(c.ref)} selects ${formatLabels(c.value)}`;
    case "annotation":
      return c.value === null ? `${describeRef(c.ref)} has no ${c.key}` : `${describeRef(c.ref)} has ${c.key}: ${c.value}`;
    case "no-leftovers":
      return `no ReplicaSet or Pod matching ${formatLabels(c.selector)} is left without an owner`;
    case "generation-gone":
      return `no ReplicaSet matching ${formatLabels(c.selector)} is left but the old generation's (and none of its pods)`;
    case "pod-renewed":
      return `pod ${c.namespace}/${c.name} is re-created and ready`;
    case "elapsed":
      return `${c.seconds} s have passed`;
  }
}
