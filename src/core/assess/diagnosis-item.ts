import type { Assessment, RootCause, State } from "./assessment.ts";
import type { Cause } from "./cause.ts";
import type { MessageDiagnosis, Tool } from "./diagnose-message.ts";
import { isoDuration } from "./iso-duration.ts";
import type { ObjectRef, SubjectRef } from "./object-ref.ts";
import { recommend } from "./recommend.ts";

/** Version of diagnose's JSON output (docs/diagnose.md). Bumped only on an incompatible change. */
export const DIAGNOSIS_VERSION = 1;

/** One item of diagnose's output: from an object's assessment, or from a message alone. */
export interface DiagnosisItem {
  readonly object: SubjectRef | null;
  readonly state: State;
  readonly stuckFor: string | null;
  /** stuckFor in seconds (text output; not part of the JSON). */
  readonly stuckForSeconds: number | null;
  readonly cause: Cause | null;
  readonly immutable: boolean;
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  readonly rootCause: RootCause | null;
  readonly message: string;
  readonly recommendation: string;
  /** Additions to the contract (compatible): the condition reason, and since when. */
  readonly reason: string | null;
  readonly since: string | null;
}

/** stuckFor is how long it has not been Ready, given once that is a problem (slow, stuck, failed). */
export function itemFromAssessment(a: Assessment): DiagnosisItem {
  const late = a.state === "slow" || a.state === "stuck" || a.state === "failed";
  return {
    object: a.object,
    state: a.state,
    stuckFor: late && a.notReadySeconds !== null ? isoDuration(a.notReadySeconds) : null,
    stuckForSeconds: late ? a.notReadySeconds : null,
    cause: a.cause,
    immutable: a.immutable,
    objects: a.objects,
    fields: a.fields,
    rootCause: a.rootCause,
    message: a.message,
    recommendation: a.recommendation,
    reason: a.reason,
    since: a.since,
  };
}

/**
 * A message alone reports a failure, so its state is `failed` — except the two causes that pass
 * by themselves: a dependency wait and a write conflict (a 409 clears on the next retry).
 */
/** Helm's own wrappers: whatever reconciles, Helm applied these objects (helm-controller included). */
const HELM_WRAPPER = /Helm (?:install|upgrade) failed|UPGRADE FAILED|INSTALLATION FAILED|cannot (?:patch|create|replace) "[^"]{1,253}" with kind/;

export function itemFromMessage(message: string, d: MessageDiagnosis, tool: Tool | undefined): DiagnosisItem {
  const applier = HELM_WRAPPER.test(message) ? "helm" : tool;
  const passing = d.cause === "dependency" || d.cause === "conflict";
  return {
    object: null,
    state: passing ? "progressing" : "failed",
    stuckFor: null,
    stuckForSeconds: null,
    cause: d.cause,
    immutable: d.immutable,
    objects: d.objects,
    fields: d.fields,
    rootCause: null,
    message,
    recommendation: recommend({ cause: d.cause, tool: applier, objects: d.objects, fields: d.fields }),
    reason: null,
    since: null,
  };
}
