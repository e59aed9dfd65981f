import type { Finding } from "../findings/finding.ts";
import type { JsonValue } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";
import type { ReplaceStrategy } from "../policy/policy-schema.ts";

/**
 * One action per request (DESIGN "The core"), as the records and metrics name it:
 * - `allow`: nothing to do;
 * - `warn`: allowed, with warnings (risky changes);
 * - `restore`: allowed, server-assigned values patched back;
 * - `mark`: allowed, immutable paths reverted to the live values and the object annotated as a
 *   replace-strategy resource (first call), or denied with 422 "field is immutable" when the same
 *   change comes back to an object already marked for `recreate` (second call: `kind: "recreate"`);
 * - `deny`: allowed:false with a message naming the object, the field, old → new, why and the ways out.
 */
export type Action = "allow" | "warn" | "restore" | "mark" | "deny";

/** enforce changes answers; audit and off only ever answer `allow` (the compiler holds them to it). */
export type Mode = "enforce" | "audit" | "off";

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

/** One value the mutating webhook adds where the object has none (never over a value it has). */
export interface FieldDefault {
  readonly path: readonly PathSegment[];
  readonly value: JsonValue;
}

/** Defaults for one request and why (recorded as the decision's reason). */
export interface Defaulting {
  readonly fields: readonly FieldDefault[];
  readonly reason: string;
}

interface Considered {
  /** Every finding considered. */
  readonly findings: readonly Finding[];
  /** Why this answer, in a few words (recorded). */
  readonly reason: string;
}

/**
 * Allowed unchanged. The only variant audit and off mode may answer: `enforcedAction` is what
 * enforce would have done (audit), or what the mutating webhook would have done where this one
 * cannot patch (/validate), and `strategy` the strategy of an audited mark (recorded).
 */
export interface Allow extends Considered {
  readonly kind: "allow";
  readonly action: "allow";
  readonly enforcedAction: Action;
  readonly mode: Mode;
  readonly warnings: readonly string[];
  readonly strategy?: ReplaceStrategy;
}

/** Allowed with warnings for the client (risky changes, conflicts the policy only warns about). */
export interface Warn extends Considered {
  readonly kind: "warn";
  readonly action: "warn";
  readonly enforcedAction: "warn";
  readonly mode: "enforce";
  readonly warnings: readonly string[];
}

/** Allowed, with server-assigned values patched back (`revert`), defaults added (`defaults`), or a stale mark removed. */
export interface Restore extends Considered {
  readonly kind: "restore";
  readonly action: "restore";
  readonly enforcedAction: "restore";
  readonly mode: "enforce";
  /** Findings whose live value the patch puts back. */
  readonly revert: readonly Finding[];
  /** Values the patch adds where the object had none (recovery.helmRemediationDefault). */
  readonly defaults: readonly FieldDefault[];
  readonly warnings: readonly string[];
}

/** First call of the two-phase mark: conflicts reverted to the live values, the object marked. */
export interface MarkDecision extends Considered {
  readonly kind: "mark";
  readonly action: "mark";
  readonly enforcedAction: "mark";
  readonly mode: "enforce";
  readonly revert: readonly Finding[];
  readonly mark: Mark;
  readonly strategy: ReplaceStrategy;
  readonly warnings: readonly string[];
}

/** Second call of the two-phase mark: the same change to an object marked for recreate, denied 422. */
export interface Recreate extends Considered {
  readonly kind: "recreate";
  readonly action: "mark";
  readonly enforcedAction: "mark";
  readonly mode: "enforce";
  readonly strategy: "recreate";
  readonly denial: Denial;
  readonly warnings: readonly [];
}

/** allowed:false. `strategy` is kept when a mark /validate cannot make becomes a denial (recorded). */
export interface Deny extends Considered {
  readonly kind: "deny";
  readonly action: "deny";
  readonly enforcedAction: "deny";
  readonly mode: "enforce";
  readonly denial: Denial;
  readonly warnings: readonly string[];
  readonly strategy?: ReplaceStrategy;
}

export type Decision = Allow | Warn | Restore | MarkDecision | Recreate | Deny;

const NONE: readonly [] = [];

/** Allowed. `mode` audit/off and `enforcedAction` other than allow: see `Allow`. */
export function allow(
  findings: readonly Finding[],
  reason: string,
  options: { readonly mode?: Mode; readonly warnings?: readonly string[]; readonly enforcedAction?: Action; readonly strategy?: ReplaceStrategy | undefined } = {},
): Allow {
  const { mode = "enforce", warnings = NONE, enforcedAction = "allow", strategy } = options;
  return { kind: "allow", action: "allow", enforcedAction, mode, findings, warnings, reason, ...(strategy ? { strategy } : {}) };
}

export function warn(findings: readonly Finding[], warnings: readonly string[], reason: string): Warn {
  return { kind: "warn", action: "warn", enforcedAction: "warn", mode: "enforce", findings, warnings, reason };
}

export function restore(findings: readonly Finding[], revert: readonly Finding[], warnings: readonly string[], reason: string, defaults: readonly FieldDefault[] = NONE): Restore {
  return { kind: "restore", action: "restore", enforcedAction: "restore", mode: "enforce", findings, revert, defaults, warnings, reason };
}

export function mark(findings: readonly Finding[], revert: readonly Finding[], marking: Mark, warnings: readonly string[], reason: string): MarkDecision {
  return { kind: "mark", action: "mark", enforcedAction: "mark", mode: "enforce", findings, revert, mark: marking, strategy: marking.strategy, warnings, reason };
}

export function recreate(findings: readonly Finding[], message: string, reason: string): Recreate {
  return { kind: "recreate", action: "mark", enforcedAction: "mark", mode: "enforce", strategy: "recreate", denial: { code: 422, message }, findings, warnings: NONE, reason };
}

export function deny(
  findings: readonly Finding[],
  denial: Denial,
  reason: string,
  options: { readonly warnings?: readonly string[]; readonly strategy?: ReplaceStrategy | undefined } = {},
): Deny {
  const { warnings = NONE, strategy } = options;
  return { kind: "deny", action: "deny", enforcedAction: "deny", mode: "enforce", findings, denial, warnings, reason, ...(strategy ? { strategy } : {}) };
}

/** Audit mode: record what enforce would have done, change nothing (no patch, no warnings). */
export function audited(enforced: Decision): Allow {
  return allow(enforced.findings, `audit: ${enforced.reason}`, { mode: "audit", enforcedAction: enforced.enforcedAction, strategy: strategyOf(enforced) });
}

/** The findings whose live values the patch puts back (restore and mark; none otherwise). */
export function revertOf(decision: Decision): readonly Finding[] {
  return decision.kind === "restore" || decision.kind === "mark" ? decision.revert : NONE;
}

/** The values the patch adds where the object had none (restore only; none otherwise). */
export function defaultsOf(decision: Decision): readonly FieldDefault[] {
  return decision.kind === "restore" ? decision.defaults : NONE;
}

/** The denial of a deny or of the second mark call; undefined when the request is allowed. */
export function denialOf(decision: Decision): Denial | undefined {
  return decision.kind === "deny" || decision.kind === "recreate" ? decision.denial : undefined;
}

/** The replace strategy a decision carries (recorded), if any. */
export function strategyOf(decision: Decision): ReplaceStrategy | undefined {
  switch (decision.kind) {
    case "mark":
    case "recreate":
    case "allow":
    case "deny":
      return decision.strategy;
    case "warn":
    case "restore":
      return undefined;
  }
}
