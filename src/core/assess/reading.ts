import type { Cause } from "./cause.ts";
import type { ObjectRef, SubjectRef } from "./object-ref.ts";

/**
 * What a reconciler object's status says, before any clock or threshold is applied: the
 * kind-specific readers (read-flux.ts, read-application.ts) produce it, judge.ts turns it into
 * an Assessment.
 *
 * - `failed`: the controller gave up (Stalled=True, a failed Argo CD operation);
 * - `failing`: an attempt failed and the controller retries (Ready=False);
 * - `in-progress`: working, nothing has failed yet (Ready=Unknown, an operation running);
 * - `no-status`: the controller has never written a status.
 */
export type Phase = "suspended" | "ready" | "failed" | "failing" | "in-progress" | "no-status" | "unknown";

export interface Reading {
  readonly subject: SubjectRef;
  readonly phase: Phase;
  readonly reason: string | null;
  readonly message: string;
  /** When the current phase began (ms since the epoch), as far as the status tells. */
  readonly since: number | undefined;
  /** The object's own timeout (seconds): beyond it, in-progress work is slow. */
  readonly timeoutSeconds: number;
  readonly cause: Cause | null;
  readonly immutable: boolean;
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  /** dependsOn entries this object waits on (namespace defaulted to its own). */
  readonly waitsOn: readonly { readonly namespace: string; readonly name: string }[];
  /** Facts appended to the message (revisions, failure counts). */
  readonly notes: readonly string[];
  /** Objects of the diagnosis that the Kustomization's inventory lists. */
  readonly inInventory: readonly ObjectRef[];
  readonly sourcePath?: string;
}
