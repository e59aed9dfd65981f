import type { Cause } from "./cause.ts";
import type { ObjectRef, SubjectRef } from "./object-ref.ts";

/**
 * How a reconciliation stands. `slow`: still progressing past its own timeout; `stuck`: not Ready
 * for longer than the stuck threshold; `failed`: the controller gave up (Flux `Stalled=True`, an
 * Argo CD sync operation that failed); `unknown`: the status says too little.
 */
export const STATES = ["ready", "progressing", "slow", "stuck", "failed", "suspended", "unknown"] as const;
export type State = (typeof STATES)[number];

/** The first object down a `dependsOn` chain that is itself not converging, and the chain to it. */
export interface RootCause {
  readonly object: SubjectRef;
  readonly state: State;
  readonly cause: Cause | null;
  readonly message: string;
  /** From the first dependency to the root, inclusive. */
  readonly chain: readonly SubjectRef[];
}

export interface Assessment {
  readonly object: SubjectRef;
  readonly state: State;
  /** Null while nothing is wrong (ready, suspended, progressing within its limits). */
  readonly cause: Cause | null;
  readonly immutable: boolean;
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  readonly rootCause: RootCause | null;
  /** The status condition's reason (`ReconciliationFailed`, `UpgradeFailed`, `Failed` …); null when none. */
  readonly reason: string | null;
  /** The controller's own message, as written (secret values never appear in Flux/Argo status). */
  readonly message: string;
  readonly recommendation: string;
  /** When it stopped being Ready, as far as the evidence goes (ISO 8601); null when unknown or ready. */
  readonly since: string | null;
  /** Seconds not Ready at `now` (from `since`); null when ready, suspended or unknown. */
  readonly notReadySeconds: number | null;
  /** True once stuck or failed for the escalation threshold. */
  readonly escalate: boolean;
}

/** States that make `diagnose` exit 1 and `watch` alert. */
export function isTroubled(state: State): boolean {
  return state === "stuck" || state === "failed";
}
