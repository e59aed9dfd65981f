import { describeRef, type ReplaceRef } from "./replace-ref.ts";

/** A replacement that needs a person: rolled back, or failed past the commit point. */
export interface ReplacementAlert {
  readonly target: ReplaceRef;
  readonly outcome: "rolled-back" | "failed";
  readonly strategy: string;
  readonly reason: string;
  /** `namespace/name` of the journal. */
  readonly journal: string;
}

const REASONS = { "rolled-back": "ReplacementRolledBack", failed: "ReplacementFailed" } as const;

/** notification-controller's event (same format as watch's escalations: notification-bodies.ts), about the replaced object. */
export function fluxReplacementEvent(a: ReplacementAlert, time: string, instance: string): Record<string, unknown> {
  return {
    involvedObject: { apiVersion: a.target.apiVersion, kind: a.target.kind, namespace: a.target.namespace, name: a.target.name },
    severity: "error",
    timestamp: time,
    message: `${describeRef(a.target)} ${a.outcome === "rolled-back" ? "was rolled back" : "was not replaced"}: ${a.reason} (journal ${a.journal})`,
    reason: REASONS[a.outcome],
    metadata: { summary: `gitops-guard: replacement of ${describeRef(a.target)} ${a.outcome}`, strategy: a.strategy, journal: a.journal },
    reportingController: "gitops-guard",
    reportingInstance: instance,
  };
}

/** The plain webhook's body (docs/replace.md). */
export function webhookReplacementBody(a: ReplacementAlert, time: string, instance: string): Record<string, unknown> {
  return { version: 1, time, instance, reason: REASONS[a.outcome], type: "Warning", object: a.target, outcome: a.outcome, strategy: a.strategy, message: a.reason, journal: a.journal };
}
