import type { SubjectRef } from "../../core/assess/object-ref.ts";
import type { JsonObject } from "../../core/k8s/json.ts";
import type { Target } from "../../core/recovery/journal.ts";

/** What the replacement engine answers. */
export type ReplacementOutcome =
  | { readonly type: "done"; readonly message: string }
  | { readonly type: "failed"; readonly message: string };

export interface OrphanRecreateRequest {
  readonly target: Target;
  readonly apiVersion: string;
  /** The uid of the object to replace: the engine must not delete an object with another uid. */
  readonly uid: string;
  /** The reconciler that re-creates the object, and the requestedAt token that asks it to. */
  readonly owner: SubjectRef;
  readonly token: string;
  readonly reason: string;
  /** The new object when recovery knows it (a selector change); absent: the owner re-creates it as Git has it. */
  readonly desired?: JsonObject;
}

/**
 * The replacement engine as watch sees it (DESIGN "Replacement engine"): orphan-recreate one
 * workload — the old object (whole) journaled, deleted with propagationPolicy Orphan so its pods
 * keep serving, the new object brought by the owner, waited for until healthy, the orphans
 * removed — and the rollback of a replacement that did not become healthy. Both idempotent under
 * the engine's own journal: a new leader calling again resumes, never repeats a destructive step.
 */
export interface ReplacementPort {
  orphanRecreate(request: OrphanRecreateRequest): Promise<ReplacementOutcome>;
  rollback(request: { readonly target: Target; readonly apiVersion: string; readonly owner: SubjectRef; readonly reason: string }): Promise<ReplacementOutcome>;
}
