import type { Assessment } from "../assess/assessment.ts";
import { formatRef } from "../assess/object-ref.ts";
import { shortDuration } from "../assess/iso-duration.ts";

/** Event reasons watch writes (the issue's list); alerts and runbooks key on them. */
export const ANNOUNCEMENT_REASONS = ["ReconciliationSlow", "ReconciliationStuck", "ImmutableConflict", "Recovered", "Escalated", "Recovering", "RecoveryPlanned"] as const;
export type AnnouncementReason = (typeof ANNOUNCEMENT_REASONS)[number];

/** One thing to tell people about one object: an Event, a log line, a record, maybe a notification. */
export interface Announcement {
  readonly type: "Normal" | "Warning";
  readonly reason: AnnouncementReason;
  readonly message: string;
  /** Escalations also go to the notification receivers. */
  readonly notify: boolean;
}

const TROUBLED = new Set(["stuck", "failed"]);

function what(a: Assessment): string {
  const objects = a.objects.length > 0 ? ` on ${a.objects.slice(0, 3).map(formatRef).join(", ")}` : "";
  const fields = a.fields.length > 0 ? ` (${a.fields.slice(0, 3).join(", ")})` : "";
  const cause = a.cause === "immutable" ? "immutable field" : (a.cause ?? "unknown cause");
  return `${cause}${objects}${fields}`;
}

function howLong(a: Assessment): string {
  return a.notReadySeconds === null ? "" : ` for ${shortDuration(a.notReadySeconds)}`;
}

function root(a: Assessment): string {
  const r = a.rootCause;
  return r === null ? "" : `; root cause ${r.object.kind}/${r.object.namespace}/${r.object.name} (${r.state}${r.cause ? `, ${r.cause}` : ""})`;
}

/**
 * What changed between two assessments of the same object, as announcements: only on a change of
 * state (never on a resync that finds the same state), so a thousand objects resyncing every
 * 30 s produce no Events at all. `previous` undefined = first sight: a troubled object found at
 * start-up is announced once, a ready one is not.
 */
export function announce(previous: Assessment | undefined, next: Assessment, runbook: string): Announcement[] {
  const out: Announcement[] = [];
  const was = previous?.state;
  if (next.immutable && previous?.immutable !== true) {
    out.push({ type: "Warning", reason: "ImmutableConflict", message: `${what(next)}: the change can never be applied in place. ${next.recommendation}`, notify: false });
  }
  if (next.state === "slow" && was !== "slow") {
    out.push({ type: "Warning", reason: "ReconciliationSlow", message: `reconciliation slower than expected: in progress${howLong(next)}: ${next.message}`, notify: false });
  }
  if (TROUBLED.has(next.state) && (was === undefined || !TROUBLED.has(was))) {
    out.push({ type: "Warning", reason: "ReconciliationStuck", message: `${next.state}${howLong(next)}: ${what(next)}${root(next)}. ${next.recommendation}`, notify: false });
  }
  if (next.escalate && previous?.escalate !== true) {
    out.push({
      type: "Warning",
      reason: "Escalated",
      message: `still ${next.state}${howLong(next)}: ${what(next)}${root(next)}. Tried: nothing automatic (recovery is off, or the policy only recommends for this cause). Follow the runbook: ${runbook}. ${next.recommendation}`,
      notify: true,
    });
  }
  const recovered = recovery(previous, next);
  if (recovered !== undefined) out.push(recovered);
  return out;
}

/** Ready after slow, stuck or failed; escalated objects tell the receivers they recovered too. */
function recovery(previous: Assessment | undefined, next: Assessment): Announcement | undefined {
  const was = previous?.state;
  if (next.state !== "ready" || was === undefined || (was !== "slow" && !TROUBLED.has(was))) return undefined;
  return { type: "Normal", reason: "Recovered", message: `ready again after being ${was}`, notify: previous?.escalate === true };
}
