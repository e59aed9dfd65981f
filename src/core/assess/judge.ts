import type { Assessment, RootCause, State } from "./assessment.ts";
import type { Tool } from "./diagnose-message.ts";
import { recommend } from "./recommend.ts";
import type { Reading } from "./reading.ts";
import type { Thresholds } from "./thresholds.ts";

export interface JudgeContext {
  /**
   * The earliest time (ms) the caller itself saw this object not Ready (watch keeps it per
   * object): Flux resets Ready's lastTransitionTime on every attempt, so a watcher's own memory
   * is better evidence of how long a failure has lasted than the status.
   */
  readonly notReadySince?: number;
  readonly rootCause?: RootCause | null;
}

/** Who applies the objects: Argo CD for Applications, Helm (under helm-controller) for HelmReleases. */
function toolOf(kind: string): Tool {
  if (kind === "Application") return "argocd";
  return kind === "HelmRelease" ? "helm" : "flux";
}

/**
 * States from the phase and the time spent in it:
 * - failing (Ready=False): stuck once not Ready for `stuckAfterSeconds`;
 * - in progress (Ready=Unknown, an operation running): slow past `slowAfterSeconds` (default: the
 *   object's own timeout), stuck `stuckAfterSeconds` after that — slow always comes first;
 * - failed (Stalled): failed at once, whatever the time.
 */
function stateOf(reading: Reading, elapsed: number | undefined, thresholds: Thresholds): State {
  switch (reading.phase) {
    case "suspended":
    case "ready":
    case "failed":
    case "unknown":
      return reading.phase;
    case "failing":
    case "no-status":
      return elapsed !== undefined && elapsed >= thresholds.stuckAfterSeconds ? "stuck" : "progressing";
    case "in-progress": {
      const slowAfter = thresholds.slowAfterSeconds ?? reading.timeoutSeconds;
      if (elapsed === undefined || elapsed < slowAfter) return "progressing";
      return elapsed >= slowAfter + thresholds.stuckAfterSeconds ? "stuck" : "slow";
    }
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function messageOf(reading: Reading): string {
  const base = reading.message;
  if (reading.notes.length === 0) return base;
  return base === "" ? reading.notes.join("; ") : `${base} (${reading.notes.join("; ")})`;
}

/** The Assessment of one Reading at `now` (ms since the epoch). Pure. */
export function judge(reading: Reading, now: number, thresholds: Thresholds, context: JudgeContext = {}): Assessment {
  const quiet = reading.phase === "ready" || reading.phase === "suspended";
  const since = quiet ? undefined : earliest(reading.since, context.notReadySince);
  const elapsed = since === undefined ? undefined : Math.max(0, Math.floor((now - since) / 1000));
  const state = stateOf(reading, elapsed, thresholds);
  const troubled = state === "stuck" || state === "failed";
  const cause = state === "progressing" && reading.phase === "in-progress" ? null : reading.cause;
  const rootCause = cause === "dependency" ? (context.rootCause ?? null) : null;
  const recommendation = recommend({
    cause,
    tool: toolOf(reading.subject.kind),
    subject: reading.subject,
    objects: reading.objects,
    fields: reading.fields,
    rootCause,
    inInventory: reading.inInventory,
    ...(reading.sourcePath === undefined ? {} : { sourcePath: reading.sourcePath }),
  });
  return {
    object: reading.subject,
    state,
    cause,
    immutable: reading.immutable,
    objects: reading.objects,
    fields: reading.fields,
    rootCause,
    reason: reading.reason,
    message: messageOf(reading),
    recommendation,
    since: since === undefined ? null : new Date(since).toISOString(),
    notReadySeconds: elapsed ?? null,
    escalate: troubled && elapsed !== undefined && elapsed >= thresholds.escalateAfterSeconds,
  };
}
