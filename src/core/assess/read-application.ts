import type { Cause } from "./cause.ts";
import { timeOf } from "./conditions.ts";
import { diagnoseMessage, EMPTY_DIAGNOSIS, type DiagnoseFn, type MessageDiagnosis } from "./diagnose-message.ts";
import type { ObjectRef } from "./object-ref.ts";
import type { Application } from "./reconcilable.ts";
import type { Phase, Reading } from "./reading.ts";

/**
 * Argo CD has no per-Application timeout; an operation running longer than this is slow.
 * 300 s = the stuck default, and 5 automated retries at Argo's default backoff (5 s × 2ⁿ, capped at
 * 3 min: 5+10+20+40+80 = 155 s) fit well inside it (watch-recovery.md §7.3).
 */
export const APPLICATION_TIMEOUT_SECONDS = 300;

/** Application condition types that report errors (pkg/apis/application/v1alpha1 ApplicationConditionType). */
const ERROR_CONDITIONS = new Set(["SyncError", "ComparisonError", "InvalidSpecError", "UnknownError", "DeletionError"]);

type Status = NonNullable<Application["status"]>;

function refOf(r: { kind: string; namespace?: string | undefined; name: string }): ObjectRef {
  return { kind: r.kind, namespace: r.namespace === undefined || r.namespace === "" ? null : r.namespace, name: r.name };
}

/** Failed sync results name their objects and carry each object's own API server message. */
function failedResources(status: Status): { objects: ObjectRef[]; messages: string[] } {
  const failed = (status.operationState?.syncResult?.resources ?? []).filter((r) => r.status === "SyncFailed" || r.hookPhase === "Failed");
  return { objects: failed.map(refOf), messages: failed.map((r) => r.message ?? "").filter((m) => m !== "") };
}

function unhealthyResources(status: Status): ObjectRef[] {
  return (status.resources ?? []).filter((r) => r.health?.status === "Degraded" || r.health?.status === "Missing").map(refOf);
}

function conditionCause(type: string, diagnosis: MessageDiagnosis): Cause {
  if (diagnosis.cause !== "other") return diagnosis.cause;
  if (type === "ComparisonError") return "build";
  if (type === "InvalidSpecError") return "invalid";
  return "other";
}

interface Judged {
  readonly phase: Phase;
  readonly message: string;
  readonly since: number | undefined;
  readonly cause: Cause | null;
  readonly extraObjects: readonly ObjectRef[];
  readonly diagnosis: MessageDiagnosis;
}

function judgeOperation(status: Status, d: DiagnoseFn): Judged | undefined {
  const op = status.operationState;
  if (op === undefined) return undefined;
  if (op.phase === "Failed" || op.phase === "Error") {
    const { objects, messages } = failedResources(status);
    const message = op.message ?? messages.join("; ");
    const diagnosis = d([message, ...messages].join("\n"));
    return { phase: "failed", message, since: timeOf(op.finishedAt ?? op.startedAt), cause: diagnosis.cause, extraObjects: objects, diagnosis };
  }
  if (op.phase === "Running" || op.phase === "Terminating") {
    const message = op.message ?? "sync operation running";
    const diagnosis = d(message);
    const cause = /healthy state/i.test(message) ? "health-check" : "timeout";
    return { phase: "in-progress", message, since: timeOf(op.startedAt), cause, extraObjects: [], diagnosis };
  }
  return undefined;
}

function judged(d: DiagnoseFn, phase: Phase, message: string, since: number | undefined, cause: Cause | null): Judged {
  return { phase, message, since, cause, extraObjects: [], diagnosis: phase === "failing" || phase === "failed" ? d(message) : EMPTY_DIAGNOSIS };
}

function judgeConditions(status: Status, d: DiagnoseFn): Judged | undefined {
  const errorCondition = (status.conditions ?? []).find((c) => ERROR_CONDITIONS.has(c.type));
  if (errorCondition === undefined) return undefined;
  const message = errorCondition.message ?? errorCondition.type;
  return judged(d, "failing", message, timeOf(errorCondition.lastTransitionTime), conditionCause(errorCondition.type, d(message)));
}

function outOfSyncMessage(obj: Application): string {
  const automated = obj.spec?.syncPolicy?.automated;
  return automated !== undefined && automated !== null ? "OutOfSync; automated sync will apply it" : "OutOfSync and automated sync is off: someone has to sync it";
}

/** Argo CD ≥ 2.x writes health.lastTransitionTime; older ones only the last operation's end. */
function healthSince(status: Status): number | undefined {
  return timeOf(status.health?.lastTransitionTime ?? status.operationState?.finishedAt);
}

function judgeHealth(obj: Application, status: Status, d: DiagnoseFn): Judged {
  const health = status.health?.status;
  const sync = status.sync?.status;
  const healthMessage = status.health?.message ?? `health ${String(health)}`;
  const since = healthSince(status);
  if (health === "Degraded" || health === "Missing") return { ...judged(d, "failing", healthMessage, since, "health-check"), extraObjects: unhealthyResources(status) };
  if (health === "Progressing") return judged(d, "in-progress", healthMessage, since, "health-check");
  if (sync === "Synced" && health === "Healthy") return judged(d, "ready", "Synced and Healthy", undefined, null);
  if (sync === "OutOfSync") return judged(d, "in-progress", outOfSyncMessage(obj), undefined, null);
  return judged(d, "unknown", `sync ${sync ?? "unknown"}, health ${health ?? "unknown"}`, undefined, null);
}

function judgeStatus(obj: Application, status: Status, d: DiagnoseFn): Judged {
  const op = judgeOperation(status, d);
  if (op !== undefined && op.phase === "failed") return op;
  return judgeConditions(status, d) ?? op ?? judgeHealth(obj, status, d);
}

function mergeRefs(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const out = [...a];
  for (const ref of b) if (!out.some((o) => o.kind === ref.kind && o.name === ref.name)) out.push(ref);
  return out;
}

/** Reads an Argo CD Application (operationState, conditions, sync and health; watch-recovery.md §4.2, §7.3). */
export function readApplication(obj: Application, d: DiagnoseFn = diagnoseMessage): Reading {
  const namespace = obj.metadata.namespace ?? "";
  const subject = { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata.name };
  const status = obj.status;
  const result =
    status === undefined
      ? judged(d, "no-status", "no status written yet: is the Argo CD application-controller running?", timeOf(obj.metadata.creationTimestamp), "other")
      : status.health?.status === "Suspended"
        ? judged(d, "suspended", status.health.message ?? "health Suspended", undefined, null)
        : judgeStatus(obj, status, d);
  const { diagnosis } = result;
  const retries = status?.operationState?.retryCount;
  return {
    subject,
    phase: result.phase,
    reason: result.phase === "failed" ? (status?.operationState?.phase ?? null) : null,
    message: result.message,
    since: result.since,
    timeoutSeconds: APPLICATION_TIMEOUT_SECONDS,
    cause: result.cause,
    immutable: diagnosis.immutable,
    objects: mergeRefs(result.extraObjects, diagnosis.objects),
    fields: diagnosis.fields,
    waitsOn: [],
    notes: retries !== undefined && retries > 0 ? [`retried ${retries} time(s)`] : [],
    inInventory: [],
  };
}
