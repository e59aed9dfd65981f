import { z } from "zod";
import { CAUSES } from "../assess/cause.ts";

/** A person stops recovery on one object with `gitops-guard.io/recovery: disabled` (anything else: allowed). */
export const RECOVERY_ANNOTATION = "gitops-guard.io/recovery";
/** The journal on the owner: one JSON document, rewritten at every phase change (write-ahead). */
export const JOURNAL_ANNOTATION = "gitops-guard.io/recovery-journal";
/**
 * Longest journal accepted (bytes of JSON): annotations share a 256 KiB budget per object
 * (apimachinery ValidateAnnotationsSize); a journal of 32 steps and 10 tries is under 8 KiB.
 */
export const MAX_JOURNAL_BYTES = 16_384;
/** Steps one action may hold: the objects one diagnosis names are capped at 16 (+ owner steps). */
export const MAX_STEPS = 24;
/** Past attempts kept in `tried` (the escalation lists them). */
export const MAX_TRIED = 10;

const targetSchema = z.strictObject({
  kind: z.string().min(1).max(253),
  namespace: z.string().min(1).max(253).nullable(),
  name: z.string().min(1).max(253),
});
export type Target = z.infer<typeof targetSchema>;

/**
 * One step of an action, carried out by the adapter in order. Destructive steps (`orphan-delete`,
 * `orphan-recreate`) keep the uid of the object they act on: a new leader repeats them with that
 * uid as a precondition, so an object re-created meanwhile is never deleted (409 = done).
 */
const stepSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("mark-force"), target: targetSchema, done: z.boolean() }),
  z.strictObject({ op: z.literal("argo-replace"), target: targetSchema, done: z.boolean() }),
  z.strictObject({ op: z.literal("orphan-delete"), target: targetSchema, done: z.boolean(), uid: z.string().max(64).optional() }),
  z.strictObject({
    op: z.literal("orphan-recreate"), target: targetSchema, done: z.boolean(), uid: z.string().max(64).optional(),
    /** The new selector's matchLabels, read from the refused change (desired-selector.ts); absent: the selector stays. */
    selector: z.record(z.string().max(317), z.string().max(63)).refine((m) => Object.keys(m).length <= 32, "at most 32 labels").optional(),
  }),
  z.strictObject({ op: z.literal("request-reconcile"), reset: z.boolean(), force: z.boolean(), done: z.boolean() }),
  z.strictObject({ op: z.literal("argo-sync"), done: z.boolean() }),
]);
export type JournalStep = z.infer<typeof stepSchema>;

export const ACTION_TYPES = ["flux-recreate", "orphan-recreate", "helm-recreate", "argo-replace", "unlock", "reset"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * - `acting`: steps being carried out (a new leader resumes at the first step not done);
 * - `validating`: done, health being validated until `at` + healthTimeoutSeconds;
 * - `backoff`: the attempt failed; the next one not before `retryAfter`;
 * - `awaiting-fix`: exhausted retries seen at `revision`; reset once the source moves on;
 * - `recovered`, `escalated`: the episode is over (a new one starts when it is stuck again after Ready).
 */
export const JOURNAL_PHASES = ["acting", "validating", "backoff", "awaiting-fix", "recovered", "escalated"] as const;
export type JournalPhase = (typeof JOURNAL_PHASES)[number];

export const journalSchema = z.strictObject({
  v: z.literal(1),
  cause: z.enum(CAUSES),
  action: z.enum(ACTION_TYPES).nullable(),
  attempt: z.number().int().min(0).max(100),
  phase: z.enum(JOURNAL_PHASES),
  /** When the current phase began (ISO 8601). */
  at: z.string().max(40),
  /** The `reconcile.fluxcd.io/requestedAt` value of this attempt (also resetAt/forceAt). */
  token: z.string().max(64),
  /** Kustomization: the revision the owner must reach; awaiting-fix: the source revision seen. */
  revision: z.string().max(256).optional(),
  retryAfter: z.string().max(40).optional(),
  steps: z.array(stepSchema).max(MAX_STEPS),
  tried: z.array(z.string().max(512)).max(MAX_TRIED),
});
export type Journal = z.infer<typeof journalSchema>;

export type JournalRead =
  | { readonly state: "absent" }
  | { readonly state: "ok"; readonly journal: Journal }
  | { readonly state: "invalid"; readonly error: string };

/** The journal annotation's value, parsed once (hostile input: size-capped, strict schema). */
export function readJournal(annotations: Readonly<Record<string, string>> | null | undefined): JournalRead {
  if (annotations === null || annotations === undefined || !Object.hasOwn(annotations, JOURNAL_ANNOTATION)) return { state: "absent" };
  const text = annotations[JOURNAL_ANNOTATION] ?? "";
  if (text.length > MAX_JOURNAL_BYTES) return { state: "invalid", error: `${JOURNAL_ANNOTATION} is ${text.length} bytes (at most ${MAX_JOURNAL_BYTES})` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { state: "invalid", error: `${JOURNAL_ANNOTATION} is not JSON` };
  }
  const parsed = journalSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { state: "invalid", error: `${JOURNAL_ANNOTATION}: ${issue ? `${issue.path.join(".") || "(document)"}: ${issue.message}` : "invalid"}` };
  }
  return { state: "ok", journal: parsed.data };
}

/** The annotation value (compact JSON). */
export function writeJournal(journal: Journal): string {
  return JSON.stringify(journal);
}

/** True when `gitops-guard.io/recovery: disabled` is on the object. */
export function recoveryDisabled(annotations: Readonly<Record<string, string>> | null | undefined): boolean {
  return annotations !== null && annotations !== undefined && Object.hasOwn(annotations, RECOVERY_ANNOTATION) && annotations[RECOVERY_ANNOTATION] === "disabled";
}

/** Adds one line to `tried`, keeping the newest MAX_TRIED. */
export function withTried(tried: readonly string[], line: string): string[] {
  return [...tried, line.slice(0, 512)].slice(-MAX_TRIED);
}

export function formatTarget(t: Target): string {
  return t.namespace === null ? `${t.kind}/${t.name}` : `${t.kind}/${t.namespace}/${t.name}`;
}

/** One line per step for Events and records: "mark-force Deployment/web/api". */
export function describeSteps(steps: readonly JournalStep[]): string {
  return steps
    .map((s) => {
      switch (s.op) {
        case "request-reconcile":
          return `requestedAt${s.reset ? "+resetAt" : ""}${s.force ? "+forceAt" : ""} on the owner`;
        case "argo-sync":
          return "sync of the Application";
        default:
          return `${s.op} ${formatTarget(s.target)}`;
      }
    })
    .join(", ");
}
