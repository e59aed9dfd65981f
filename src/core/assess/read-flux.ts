import type { Cause } from "./cause.ts";
import { conditionOf, timeOf } from "./conditions.ts";
import { diagnoseMessage, EMPTY_DIAGNOSIS, type DiagnoseFn, type MessageDiagnosis } from "./diagnose-message.ts";
import { MESSAGE_WINS, progressCause, REASON_CAUSES } from "./flux-causes.ts";
import { helmReleaseTimeout, kustomizationTimeout } from "./flux-timeouts.ts";
import { objectsInInventory } from "./inventory.ts";
import type { Condition, HelmRelease, Kustomization } from "./reconcilable.ts";
import type { Phase, Reading } from "./reading.ts";

type FluxObject = Kustomization | HelmRelease;

/** Reason first, unless the message proves an immutable field or a Helm lock inside the wrapper. */
function causeOf(reason: string | undefined, diagnosis: MessageDiagnosis): Cause {
  if (MESSAGE_WINS.has(diagnosis.cause)) return diagnosis.cause;
  return (reason === undefined ? undefined : REASON_CAUSES.get(reason)) ?? diagnosis.cause;
}

/**
 * The condition that explains a HelmRelease failure. `Ready` is a summary: after a rollback it says
 * `RollbackSucceeded` while the upgrade's error is in `Released`; `MissingRollbackTarget` exists
 * only in `Stalled` (fluxcd/flux2#4772; watch-recovery.md §1.3, §3.2).
 */
function explaining(kind: string, conditions: readonly Condition[] | undefined, ready: Condition): Condition {
  if (kind !== "HelmRelease") return ready;
  const released = conditionOf(conditions, "Released");
  const remediated = ready.reason?.startsWith("Rollback") === true || ready.reason?.startsWith("Uninstall") === true;
  return remediated && released?.status === "False" ? released : ready;
}

function phaseOf(obj: FluxObject, ready: Condition | undefined, stalled: Condition | undefined): Phase {
  if (obj.spec?.suspend === true) return "suspended";
  if (stalled?.status === "True") return "failed";
  if (ready === undefined) return obj.status?.conditions === undefined || obj.status.conditions.length === 0 ? "no-status" : "unknown";
  if (ready.status === "True") return "ready";
  // Ready=False, whatever the reason (ProgressingWithRetry carries the last error's message), is a
  // failed attempt being retried; Ready=Unknown is an attempt under way.
  if (ready.status === "False") return "failing";
  return "in-progress";
}

/**
 * How long the current failure has lasted is the earliest evidence of it: Ready's transition
 * (reset when an attempt flips Ready to Unknown and back) and, for a Kustomization, the first run
 * of the failing manifest digest in `status.history` (`firstReconciled`, docs §History).
 */
function sinceOf(obj: FluxObject, ready: Condition | undefined, stalled: Condition | undefined, phase: Phase): number | undefined {
  if (phase === "no-status") return timeOf(obj.metadata.creationTimestamp);
  const times = [timeOf((phase === "failed" ? stalled : ready)?.lastTransitionTime)];
  const latest = obj.kind === "Kustomization" ? obj.status?.history?.[0] : undefined;
  if (phase === "failing" && latest !== undefined && latest.lastReconciledStatus !== "ReconciliationSucceeded") {
    times.push(timeOf(latest.firstReconciled));
  }
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

function generationNote(obj: FluxObject): string | undefined {
  const generation = obj.metadata.generation;
  const observed = obj.status?.observedGeneration;
  if (generation === undefined || observed === undefined || observed >= generation) return undefined;
  return `generation ${generation} not yet reconciled (observed ${observed})`;
}

function revisionNote(obj: FluxObject): string | undefined {
  if (obj.kind !== "Kustomization") return undefined;
  const attempted = obj.status?.lastAttemptedRevision;
  const applied = obj.status?.lastAppliedRevision;
  if (!attempted || attempted === applied) return undefined;
  return `revision ${attempted} attempted, ${applied ?? "none"} applied`;
}

function failuresNote(obj: FluxObject): string | undefined {
  if (obj.kind !== "HelmRelease") return undefined;
  const failures = obj.status?.failures ?? 0;
  if (failures <= 0) return undefined;
  const retryForever = obj.spec?.upgrade?.strategy?.name === "RetryOnFailure" || obj.spec?.install?.strategy?.name === "RetryOnFailure";
  // RetryOnFailure never reaches Stalled (fluxcd/helm-controller#1551): the count is the only signal.
  return `${failures} failed attempt(s)${retryForever ? " (RetryOnFailure: never stalls)" : ""}`;
}

function notesOf(obj: FluxObject, phase: Phase): string[] {
  const notes = [generationNote(obj)];
  if (phase !== "ready") notes.push(revisionNote(obj), failuresNote(obj));
  return notes.filter((n): n is string => n !== undefined);
}

function noStatusMessage(kind: string): string {
  const controller = kind === "HelmRelease" ? "helm-controller" : "kustomize-controller";
  return `no status written yet: is ${controller} running, and does it watch this namespace?`;
}

interface Explained {
  readonly phase: Phase;
  readonly reason: string | null;
  readonly message: string;
  readonly cause: Cause | null;
  readonly diagnosis: MessageDiagnosis;
}

function phaseCause(phase: Phase, reason: string | undefined, progress: string, diagnosis: MessageDiagnosis): Cause | null {
  if (phase === "failed" || phase === "failing") return causeOf(reason, diagnosis);
  if (phase === "in-progress") return progressCause(progress);
  return phase === "no-status" ? "other" : null;
}

/** Phases whose message says nothing wrong ("Applied revision: …"): not worth parsing. */
const QUIET: ReadonlySet<Phase> = new Set(["ready", "suspended", "no-status"]);

function explain(obj: FluxObject, diagnose: DiagnoseFn): Explained & { readonly ready: Condition | undefined; readonly stalled: Condition | undefined } {
  const conditions = obj.status?.conditions;
  const ready = conditionOf(conditions, "Ready");
  const stalled = conditionOf(conditions, "Stalled");
  const phase = phaseOf(obj, ready, stalled);
  const source = phase === "failed" ? stalled : ready === undefined ? undefined : explaining(obj.kind, conditions, ready);
  const progress = conditionOf(conditions, "Reconciling")?.message;
  const message = phase === "no-status" ? noStatusMessage(obj.kind) : (source?.message ?? progress ?? "");
  const diagnosis = QUIET.has(phase) ? EMPTY_DIAGNOSIS : diagnose(message);
  return { phase, reason: source?.reason ?? null, message, cause: phaseCause(phase, source?.reason, progress ?? message, diagnosis), diagnosis, ready, stalled };
}

/** Reads a Kustomization or HelmRelease status (watch-recovery.md §1). */
export function readFlux(obj: FluxObject, diagnose: DiagnoseFn = diagnoseMessage): Reading {
  const { phase, reason, message, cause, diagnosis, ready, stalled } = explain(obj, diagnose);
  const namespace = obj.metadata.namespace ?? "";
  const fromSpec = (obj.spec?.dependsOn ?? []).map((d) => ({ namespace: d.namespace ?? namespace, name: d.name }));
  const inventory = obj.kind === "Kustomization" ? obj.status?.inventory?.entries : undefined;
  const path = obj.kind === "Kustomization" ? obj.spec?.path : undefined;
  return {
    subject: { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata.name },
    phase,
    reason,
    message,
    since: sinceOf(obj, ready, stalled, phase),
    timeoutSeconds: obj.kind === "Kustomization" ? kustomizationTimeout(obj.spec) : helmReleaseTimeout(obj.spec),
    cause,
    immutable: diagnosis.immutable,
    objects: diagnosis.objects,
    fields: diagnosis.fields,
    waitsOn: diagnosis.dependencies.length > 0 ? diagnosis.dependencies : fromSpec,
    notes: notesOf(obj, phase),
    inInventory: objectsInInventory(inventory, diagnosis.objects),
    ...(path ? { sourcePath: path } : {}),
  };
}
