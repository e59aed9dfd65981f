import type { Reconcilable } from "../assess/reconcilable.ts";
import { computeHealth } from "../health/compute-health.ts";
import type { JsonObject } from "../k8s/json.ts";
import type { HealthVerdict } from "./decide-recovery.ts";
import { formatTarget, type Journal, type Target } from "./journal.ts";

export interface TouchedObject {
  readonly target: Target;
  /** The live object now; undefined when it does not exist (yet). */
  readonly object: JsonObject | undefined;
}

function applicationVerdict(owner: Extract<Reconcilable, { kind: "Application" }>): HealthVerdict {
  const sync = owner.object.status?.sync?.status;
  const health = owner.object.status?.health?.status;
  return sync === "Synced" && health === "Healthy" ? { type: "healthy", message: "Application Synced and Healthy" } : { type: "pending", message: `Application sync ${sync ?? "unknown"}, health ${health ?? "unknown"}` };
}

type FluxOwner = Exclude<Reconcilable, { kind: "Application" }>;

/** Stalled, or this attempt's reconcile request not handled yet. */
function fluxProgress(owner: FluxOwner, journal: Journal): HealthVerdict | undefined {
  const stalled = owner.object.status?.conditions?.find((c) => c.type === "Stalled");
  if (stalled?.status === "True") return { type: "unhealthy", message: `${owner.kind} Stalled: ${stalled.message ?? stalled.reason ?? ""}` };
  const requested = journal.steps.some((s) => s.op === "request-reconcile");
  if (requested && owner.object.status?.lastHandledReconcileAt !== journal.token) return { type: "pending", message: `${owner.kind} has not handled the reconcile request yet` };
  return undefined;
}

/** Stalled, not yet handled, not Ready, generation not observed: what keeps a Flux owner from counting as recovered. */
function fluxBlocker(owner: FluxOwner, journal: Journal): HealthVerdict | undefined {
  const progress = fluxProgress(owner, journal);
  if (progress !== undefined) return progress;
  const o = owner.object;
  const ready = o.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return { type: "pending", message: `${owner.kind} Ready=${ready?.status ?? "absent"}${ready?.message ? `: ${ready.message}` : ""}` };
  const generation = o.metadata.generation;
  const observed = o.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) return { type: "pending", message: `${owner.kind} generation ${generation} not observed yet` };
  return undefined;
}

function ownerVerdict(owner: Reconcilable, journal: Journal): HealthVerdict {
  if (owner.kind === "Application") return applicationVerdict(owner);
  const blocker = fluxBlocker(owner, journal);
  if (blocker !== undefined) return blocker;
  if (owner.kind === "Kustomization" && journal.revision !== undefined) {
    const applied = owner.object.status?.lastAppliedRevision;
    if (applied !== journal.revision) return { type: "pending", message: `Kustomization at ${applied ?? "no revision"}, expected ${journal.revision}` };
    return { type: "healthy", message: `Kustomization Ready at ${journal.revision}` };
  }
  return { type: "healthy", message: `${owner.kind} Ready` };
}

/**
 * Health after a recovery (issue 15 item 3, R3.4): the owner Ready=True at the expected revision,
 * having handled this attempt's reconcile request, and every touched object Current by kstatus'
 * rules (computeHealth; watch-recovery.md §4.1). Failed anywhere = unhealthy; anything still on
 * its way = pending (the caller bounds the wait by recovery.healthTimeoutSeconds). Pure.
 */
export function validateRecovery(owner: Reconcilable, journal: Journal, touched: readonly TouchedObject[], now: number): HealthVerdict {
  const own = ownerVerdict(owner, journal);
  if (own.type === "unhealthy") return own;
  const notes: string[] = [];
  for (const t of touched) {
    if (t.object === undefined) {
      notes.push(`${formatTarget(t.target)} NotFound`);
      continue;
    }
    const health = computeHealth(t.object, now);
    if (health.status === "Failed") return { type: "unhealthy", message: `${formatTarget(t.target)} Failed: ${health.message}` };
    if (health.status !== "Current") notes.push(`${formatTarget(t.target)} ${health.status}: ${health.message}`);
  }
  if (own.type === "pending") return { type: "pending", message: [own.message, ...notes].join("; ") };
  if (notes.length > 0) return { type: "pending", message: notes.join("; ") };
  const objects = touched.length === 0 ? "" : `; ${touched.map((t) => formatTarget(t.target)).join(", ")} Current`;
  return { type: "healthy", message: `${own.message}${objects}` };
}
