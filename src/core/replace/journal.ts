import { z } from "zod";
import { canonicalJson, fnv1a64 } from "../hash/fnv1a.ts";
import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import type { PlanInput } from "./plan-replacement.ts";
import type { Plan } from "./replace-plan.ts";
import { refKey, type ReplaceRef } from "./replace-ref.ts";

/** Where a replacement stands. `running` and `rolling-back` resume; the others are final. */
export const JOURNAL_PHASES = ["running", "rolling-back", "replaced", "rolled-back", "failed"] as const;
export type JournalPhase = (typeof JOURNAL_PHASES)[number];

/** started: the step began (the drain counts from here); acted: its action was sent; done: verified. */
export type StepState = "started" | "acted" | "done";

export interface StepRecord {
  readonly id: string;
  readonly state: StepState;
  /** When it reached this state (ISO 8601). */
  readonly at: string;
  /** When the step started (the drain delay counts from here). */
  readonly startedAt: string;
}

/**
 * The journal of one replacement (issue 14 item 2). It keeps the plan's inputs rather than the
 * plan: planReplacement is pure, so a resumed run recomputes the same steps (checked by
 * `planDigest`), and the old object is there whole for a rollback.
 */
export interface Journal {
  readonly version: 1;
  readonly target: ReplaceRef;
  readonly phase: JournalPhase;
  readonly actor: string;
  readonly startedAt: string;
  /** startedAt + the policy's timeout: past it, a step before the commit point rolls back. */
  readonly deadline: string;
  readonly planDigest: string;
  readonly input: JournalInput;
  readonly steps: readonly StepRecord[];
  readonly rollback: readonly StepRecord[];
  /** Why it rolled back or failed. */
  readonly reason?: string;
}

export interface JournalInput {
  readonly live: JsonObject;
  readonly desired: JsonObject | null;
  readonly desiredSource: PlanInput["desiredSource"];
  readonly desiredOthers: readonly JsonObject[];
  readonly selecting: readonly JsonObject[];
  readonly pods: readonly JsonObject[];
  readonly oldReplicaSets: readonly string[];
  readonly owner: ReplaceRef | null;
  readonly settings: PlanInput["settings"];
  readonly strategy: PlanInput["strategy"] | null;
}

const jsonObjectSchema = z.custom<JsonObject>((v) => isJsonObject(v), { message: "a JSON object" });
const refSchema = z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string(), name: z.string() });
const stepRecordSchema = z.object({ id: z.string(), state: z.enum(["started", "acted", "done"]), at: z.string(), startedAt: z.string() });

export const journalSchema = z.object({
  version: z.literal(1),
  target: refSchema,
  phase: z.enum(JOURNAL_PHASES),
  actor: z.string(),
  startedAt: z.iso.datetime(),
  deadline: z.iso.datetime(),
  planDigest: z.string(),
  input: z.object({
    live: jsonObjectSchema,
    desired: jsonObjectSchema.nullable(),
    desiredSource: z.enum(["file", "marks", "owner"]),
    desiredOthers: z.array(jsonObjectSchema),
    selecting: z.array(jsonObjectSchema),
    pods: z.array(jsonObjectSchema),
    oldReplicaSets: z.array(z.string()),
    owner: refSchema.nullable(),
    settings: z.object({ timeoutSeconds: z.number(), drainSeconds: z.number(), runningJobs: z.enum(["leave", "replace"]) }),
    strategy: z.enum(["orphan-recreate", "blue-green", "recreate"]).nullable(),
  }),
  steps: z.array(stepRecordSchema),
  rollback: z.array(stepRecordSchema),
  reason: z.string().optional(),
});

/**
 * A ConfigMap holds at most 1 MiB (kube-apiserver's object size limit for ConfigMaps and
 * Secrets, MaxSecretSize = 1 MiB). The journal stays under 900 KiB so its metadata fits too; an
 * object too large to journal is not replaced (there would be no way back).
 */
export const MAX_JOURNAL_BYTES = 900 * 1024;

/** The data key of the journal object. */
export const JOURNAL_KEY = "journal.json";

/** Label on every journal object (list them: `kubectl get cm,secret -l gitops-guard.io/journal=replace`). */
export const JOURNAL_LABEL = "gitops-guard.io/journal";

/** Journal object name: one per target, stable (a resume finds it), ≤ 63 characters. */
export function journalName(target: ReplaceRef): string {
  return `gitops-guard-replace-${fnv1a64(refKey(target))}`;
}

/** A label value: ≤ 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric ("" when nothing is left). */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

export function planDigest(p: Plan): string {
  return fnv1a64(canonicalJson(p.steps));
}

/**
 * What the journal keeps of the plan's inputs: only what the plan was made from (the selecting
 * objects that switch, the StatefulSet's pods by name and uid), so it stays small and the
 * recomputed plan is the same.
 */
export function journalInput(input: PlanInput, p: Plan): JournalInput {
  const switching = new Set(p.switches.map((s) => `${s.ref.kind}/${s.ref.name}`));
  const rolled = new Set(p.steps.flatMap((s) => (s.action.type === "delete-pod" ? [s.action.name] : [])));
  const nameOf = (o: JsonObject): string => (isJsonObject(o["metadata"]) && typeof o["metadata"]["name"] === "string" ? o["metadata"]["name"] : "");
  return {
    live: input.live,
    desired: input.desired ?? null,
    desiredSource: input.desiredSource,
    desiredOthers: input.desiredOthers.filter((o) => switching.has(`${String(o["kind"])}/${nameOf(o)}`)),
    selecting: input.selecting.filter((o) => switching.has(`${String(o["kind"])}/${nameOf(o)}`)),
    pods: input.pods.filter((o) => rolled.has(nameOf(o))).map((o) => ({ metadata: { name: nameOf(o), uid: isJsonObject(o["metadata"]) ? o["metadata"]["uid"] ?? "" : "" } })),
    oldReplicaSets: input.oldReplicaSets,
    owner: input.owner ?? null,
    settings: input.settings,
    strategy: input.strategy ?? null,
  };
}

/** The plan's inputs back from a journal. */
export function planInputOf(j: JournalInput): PlanInput {
  return {
    live: j.live, desired: j.desired ?? undefined, desiredSource: j.desiredSource, desiredOthers: j.desiredOthers,
    selecting: j.selecting, pods: j.pods, oldReplicaSets: j.oldReplicaSets, owner: j.owner ?? undefined, settings: j.settings, strategy: j.strategy ?? undefined,
  };
}

export function startJournal(input: JournalInput, p: Plan, actor: string, now: number): Journal {
  return {
    version: 1, target: p.target, phase: "running", actor,
    startedAt: new Date(now).toISOString(), deadline: new Date(now + input.settings.timeoutSeconds * 1000).toISOString(),
    planDigest: planDigest(p), input, steps: [], rollback: [],
  };
}

/** The journal with one step's new state (its start time kept from the first record). */
export function recordStep(j: Journal, list: "steps" | "rollback", id: string, state: StepState, now: number): Journal {
  const at = new Date(now).toISOString();
  const records = j[list];
  const previous = records.find((r) => r.id === id);
  const next: StepRecord = { id, state, at, startedAt: previous?.startedAt ?? at };
  return { ...j, [list]: previous === undefined ? [...records, next] : records.map((r) => (r.id === id ? next : r)) };
}

export function stepRecord(j: Journal, list: "steps" | "rollback", id: string): StepRecord | undefined {
  return j[list].find((r) => r.id === id);
}

export function withPhase(j: Journal, phase: JournalPhase, reason?: string): Journal {
  return { ...j, phase, ...(reason === undefined ? {} : { reason }) };
}

/** The journal as stored, and whether it fits (MAX_JOURNAL_BYTES). */
export function serializeJournal(j: Journal): { text: string; fits: boolean } {
  const text = JSON.stringify(j);
  return { text, fits: new TextEncoder().encode(text).length <= MAX_JOURNAL_BYTES };
}
