import type { Finding } from "../findings/finding.ts";
import type { ReplaceStrategy } from "../policy/policy-schema.ts";

/**
 * One action per request (DESIGN "The core"):
 * - `allow`: nothing to do;
 * - `warn`: allowed, with warnings (risky changes);
 * - `restore`: allowed, server-assigned values patched back;
 * - `mark`: allowed, immutable paths reverted to the live values and the object annotated as a
 *   replace-strategy resource (first call), or denied with 422 "field is immutable" when the same
 *   change comes back to an object already marked for `recreate` (second call);
 * - `deny`: allowed:false with a message naming the object, the field, old → new, why and the ways out.
 */
export type Action = "allow" | "warn" | "restore" | "mark" | "deny";

export const ACTIONS = ["allow", "warn", "restore", "mark", "deny"] as const;

export interface Denial {
  /** HTTP-style code the API server passes to the client (≥ 400). */
  readonly code: number;
  readonly message: string;
}

/** A replace-strategy mark to write onto the object (first call of `mark`). */
export interface Mark {
  readonly strategy: ReplaceStrategy;
  /** fnv1a64 of the desired values of the marked paths: "the same change" means the same digest. */
  readonly digest: string;
  /** Which marker of the owning tool to add (Flux force, Argo CD Replace=true,Force=true), if any. */
  readonly toolMarker: "flux" | "argocd" | undefined;
}

export interface Decision {
  /** What this answer does. In audit and off mode always `allow`. */
  readonly action: Action;
  /** What enforce mode does for the same request (equals `action` in enforce mode). */
  readonly enforcedAction: Action;
  readonly mode: "enforce" | "audit" | "off";
  /** Every finding considered. */
  readonly findings: readonly Finding[];
  /** Findings whose live value the patch puts back (restore and mark). Empty unless action patches. */
  readonly revert: readonly Finding[];
  readonly mark?: Mark;
  readonly strategy?: ReplaceStrategy;
  readonly denial?: Denial;
  /** Warnings for the client, each ≤ 120 characters (AdmissionResponse.warnings guidance). */
  readonly warnings: readonly string[];
  /** Why this action, in a few words (recorded). */
  readonly reason: string;
}
