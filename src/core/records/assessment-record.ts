import type { Assessment, State } from "../assess/assessment.ts";
import type { Cause } from "../assess/cause.ts";
import type { ObjectRef, SubjectRef } from "../assess/object-ref.ts";
import type { AnnouncementReason } from "../watch/announcement.ts";

/** Schema version of an assessment record line (docs/watch.md "Records"). */
export const ASSESSMENT_RECORD_VERSION = 1;

/**
 * One state change of a reconciliation, one JSON line in the same stream as serve's decision
 * records; `kind: "assessment"` tells them apart (decision records carry `webhook` instead).
 * Messages come from controller status, which holds no Secret values.
 */
export interface AssessmentRecord {
  readonly v: typeof ASSESSMENT_RECORD_VERSION;
  readonly kind: "assessment";
  readonly time: string;
  readonly object: SubjectRef;
  readonly from: State | null;
  readonly to: State;
  readonly cause: Cause | null;
  readonly immutable: boolean;
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  readonly rootCause: { readonly kind: string; readonly namespace: string; readonly name: string; readonly cause: Cause | null } | null;
  readonly notReadySeconds: number | null;
  readonly escalated: boolean;
  readonly announced: readonly AnnouncementReason[];
  readonly message: string;
  /** The replica that wrote it (the leader's identity). */
  readonly instance: string;
}

/** Longest message kept in a record (controller messages with Go value dumps run to ~10 kB). */
export const RECORD_MESSAGE_MAX = 2048;

export function assessmentRecord(input: {
  readonly time: string;
  readonly previous: State | undefined;
  readonly next: Assessment;
  readonly announced: readonly AnnouncementReason[];
  readonly instance: string;
}): AssessmentRecord {
  const { next } = input;
  const r = next.rootCause;
  return {
    v: ASSESSMENT_RECORD_VERSION,
    kind: "assessment",
    time: input.time,
    object: next.object,
    from: input.previous ?? null,
    to: next.state,
    cause: next.cause,
    immutable: next.immutable,
    objects: next.objects,
    fields: next.fields,
    rootCause: r === null ? null : { kind: r.object.kind, namespace: r.object.namespace, name: r.object.name, cause: r.cause },
    notReadySeconds: next.notReadySeconds,
    escalated: next.escalate,
    announced: input.announced,
    message: next.message.length > RECORD_MESSAGE_MAX ? `${next.message.slice(0, RECORD_MESSAGE_MAX)}…` : next.message,
    instance: input.instance,
  };
}
