import type { SubjectRef } from "../assess/object-ref.ts";
import type { RecoveryDecision } from "../recovery/decide-recovery.ts";
import { RECORD_MESSAGE_MAX } from "./assessment-record.ts";

/** Schema version of a recovery record line (docs/recovery.md "Records"). */
export const RECOVERY_RECORD_VERSION = 1;

/**
 * One recovery step of one reconciler object, in the same stream as assessment and decision
 * records (`kind: "recovery"`). `outcome`: what happened to the step (`planned` in dry-run).
 */
export interface RecoveryRecord {
  readonly v: typeof RECOVERY_RECORD_VERSION;
  readonly kind: "recovery";
  readonly time: string;
  readonly object: SubjectRef;
  readonly decision: RecoveryDecision["type"];
  readonly cause: string | null;
  readonly action: string | null;
  readonly attempt: number | null;
  readonly phase: string | null;
  readonly outcome: "planned" | "done" | "failed" | "recovered" | "escalated" | "noted";
  readonly dryRun: boolean;
  readonly message: string;
  readonly instance: string;
}

export function recoveryRecord(input: {
  readonly time: string;
  readonly object: SubjectRef;
  readonly decision: RecoveryDecision;
  readonly outcome: RecoveryRecord["outcome"];
  readonly message: string;
  readonly instance: string;
}): RecoveryRecord {
  const d = input.decision;
  const journal = "journal" in d ? d.journal : undefined;
  return {
    v: RECOVERY_RECORD_VERSION,
    kind: "recovery",
    time: input.time,
    object: input.object,
    decision: d.type,
    cause: journal?.cause ?? null,
    action: journal?.action ?? null,
    attempt: journal?.attempt ?? null,
    phase: journal?.phase ?? null,
    outcome: input.outcome,
    dryRun: d.type === "act" && d.dryRun,
    message: input.message.length > RECORD_MESSAGE_MAX ? `${input.message.slice(0, RECORD_MESSAGE_MAX)}…` : input.message,
    instance: input.instance,
  };
}
