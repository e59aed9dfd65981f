import type { ReplaceRef } from "../replace/replace-ref.ts";

/** Schema version of a replacement record line (docs/replace.md "Records"). */
export const REPLACEMENT_RECORD_VERSION = 1;

/**
 * One step or outcome of a replacement carried out by `watch`, one JSON line in the same stream
 * as serve's decisions and watch's assessments; `kind: "replacement"` tells them apart. It names
 * objects and steps only: no object body, so no Secret value can reach it.
 */
export interface ReplacementRecord {
  readonly v: typeof REPLACEMENT_RECORD_VERSION;
  readonly kind: "replacement";
  readonly time: string;
  readonly target: ReplaceRef;
  /** `step`: a step changed state; `outcome`: the replacement ended (or stopped). */
  readonly event: "step" | "outcome";
  readonly strategy: string | null;
  /** The step id (`delete-old`, `switch:Service/api`, …) for step events. */
  readonly step: string | null;
  /** `forward` or `rollback` for step events. */
  readonly list: "steps" | "rollback" | null;
  /** The step's state (started, skipped, acted, done) or the outcome (replaced, rolled-back, failed, interrupted, refused, busy). */
  readonly state: string;
  readonly detail: string;
  readonly journal: string | null;
  readonly instance: string;
}

/** Longest detail kept (reasons quote API server messages). */
export const REPLACEMENT_DETAIL_MAX = 1024;

export function replacementRecord(r: Omit<ReplacementRecord, "v" | "kind">): ReplacementRecord {
  return { v: REPLACEMENT_RECORD_VERSION, kind: "replacement", ...r, detail: r.detail.length > REPLACEMENT_DETAIL_MAX ? `${r.detail.slice(0, REPLACEMENT_DETAIL_MAX)}…` : r.detail };
}
