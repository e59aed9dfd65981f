import { AppError, messageOf } from "../../errors.ts";
import { journalInput, journalName, planDigest, planInputOf, recordStep, startJournal, stepRecord, withPhase, type Journal } from "../../core/replace/journal.ts";
import type { StrategyName } from "../../core/replace/kind-traits.ts";
import { planReplacement } from "../../core/replace/plan-replacement.ts";
import type { Plan, ReplacementPlan, Refusal } from "../../core/replace/replace-plan.ts";
import { describeRef, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import type { Step } from "../../core/replace/replace-step.ts";
import { rollbackSteps } from "../../core/replace/rollback-steps.ts";
import type { KubeHttp } from "../kube/kube-http.ts";
import { postEvent } from "../kube/post-event.ts";
import { evaluateCondition, type Evaluation } from "./evaluate-condition.ts";
import { performAction } from "./perform-action.ts";
import { gatherPlanInput, type ReplacementRequest } from "./gather-plan-input.ts";
import { createJournalStore, type JournalStore, type StoredJournal } from "./journal-store.ts";
import { createKubeObjects, type KubeObjects } from "./kube-objects.ts";

export type { ReplacementRequest } from "./gather-plan-input.ts";

/** Seconds between two looks at a condition: kstatus-style polling, as Flux's health checks (5 s) but finer. */
export const DEFAULT_POLL_MS = 2_000;

/**
 * Past the commit point there is no timeout to roll back on; each step still gets this long
 * (beyond the drain) before the replacement is reported failed for a person to finish.
 */
export const COMMIT_STEP_TIMEOUT_MS = 5 * 60_000;

/** What the engine needs from its caller: the API, where journals live, who acts, and time (simulated in tests). */
export interface ReplacementDeps {
  readonly http: KubeHttp;
  /** The guard's own namespace: journals live there. */
  readonly journalNamespace: string;
  /** Who acts: the journal's actor, the Events' instance. */
  readonly identity: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Aborted: stop at the next step or poll (Ctrl-C, lost leadership); the journal stays for a resume. */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  /** Post Kubernetes Events on the target (default true). */
  readonly events?: boolean;
}

/** How a run begins: `start` a new replacement, `resume` the journaled one, or `auto` (watch: resume if journaled, else start). */
export type RunMode = "start" | "resume" | "auto";

/** A step's progress, for the live progress line and the records. */
export type ProgressEvent =
  | { readonly type: "planned"; readonly plan: Plan; readonly journal: string; readonly resumed: boolean }
  | { readonly type: "step"; readonly list: "steps" | "rollback"; readonly index: number; readonly total: number; readonly step: Step; readonly state: "started" | "skipped" | "acted" | "waiting" | "done"; readonly detail: string; readonly elapsedMs: number }
  | { readonly type: "phase"; readonly phase: Journal["phase"]; readonly reason?: string };

/** How a replacement ended (a value: the CLI prints it, watch records and counts it). */
export type ReplacementOutcome =
  | { readonly kind: "replaced"; readonly target: ReplaceRef; readonly strategy: StrategyName; readonly journal: string }
  | { readonly kind: "rolled-back"; readonly target: ReplaceRef; readonly strategy: StrategyName; readonly reason: string; readonly journal: string }
  /** Past the commit point, or the rollback itself failed: a person finishes it (the journal says where it stands). */
  | { readonly kind: "failed"; readonly target: ReplaceRef; readonly strategy: StrategyName; readonly reason: string; readonly journal: string }
  /** Stopped (signal, lost journal race, API server unreachable): `replace --resume` or the next leader continues. */
  | { readonly kind: "interrupted"; readonly target: ReplaceRef; readonly reason: string; readonly journal: string }
  | { readonly kind: "refused"; readonly target: ReplaceRef; readonly refusal: Refusal }
  /** Another replacement of the target is journaled and not finished (start mode), or finished badly (auto mode). */
  | { readonly kind: "busy"; readonly target: ReplaceRef; readonly reason: string; readonly journal: string };

class Stop extends Error {
  readonly why: "aborted" | "conflict" | "unavailable";
  constructor(why: "aborted" | "conflict" | "unavailable", message: string) {
    super(message);
    this.why = why;
  }
}

/** The plan for a request, read from the cluster and nothing changed (`replace --dry-run`). */
export async function planFor(request: ReplacementRequest, deps: Pick<ReplacementDeps, "http">): Promise<ReplacementPlan> {
  return planReplacement(await gatherPlanInput(request, createKubeObjects(deps.http)));
}

/**
 * The replacement engine's one entry point (issue 14; `gitops-guard replace` and `watch` call
 * it, and so does automated recovery): plans, journals the old object and the plan before the
 * first destructive step, carries the steps out (each idempotent: a step whose verification
 * already holds is not repeated), and rolls back from the journal when the new object does not
 * become healthy within the policy's timeout. Resumes from the journal after a kill.
 */
export async function runReplacement(request: ReplacementRequest, mode: RunMode, deps: ReplacementDeps): Promise<ReplacementOutcome> {
  const objects = createKubeObjects(deps.http);
  const store = createJournalStore(deps.http, deps.journalNamespace);
  const { target } = request;
  const name = journalName(target);
  const existing = await store.read(target);
  let stored: StoredJournal;
  let p: Plan;
  let resumed = false;
  if (existing !== undefined && (existing.journal.phase === "running" || existing.journal.phase === "rolling-back")) {
    if (mode === "start") return { kind: "busy", target, reason: `a replacement of ${describeRef(target)} is journaled in ${deps.journalNamespace}/${name} (${existing.journal.phase}, by ${existing.journal.actor}): continue it with --resume`, journal: name };
    const again = planReplacement(planInputOf(existing.journal.input));
    if (again.kind !== "plan" || planDigest(again) !== existing.journal.planDigest) {
      throw new AppError("ERR_INTERNAL", `the journal ${name} was written by another version of the plan; finish it by hand (its old object is in the journal) and delete the journal`);
    }
    stored = existing;
    p = again;
    resumed = true;
  } else {
    if (mode === "resume") {
      if (existing !== undefined) return outcomeOf(existing.journal, name);
      throw new AppError("ERR_USAGE", `no journaled replacement of ${describeRef(target)} to resume (${deps.journalNamespace}/${name})`);
    }
    if (existing !== undefined && mode === "auto" && existing.journal.phase !== "replaced") {
      return { kind: "busy", target, reason: `the last replacement of ${describeRef(target)} ended ${existing.journal.phase}: a person decides (gitops-guard replace, or delete ${deps.journalNamespace}/${name})`, journal: name };
    }
    const input = await gatherPlanInput(request, objects);
    const planned = planReplacement(input);
    if (planned.kind === "refusal") return { kind: "refused", target, refusal: planned };
    p = planned;
    if (existing !== undefined) await store.remove(target);
    const created = await store.create(startJournal(journalInput(input, p), p, deps.identity, deps.now()));
    if (created === "conflict") return { kind: "busy", target, reason: `another actor started a replacement of ${describeRef(target)} just now`, journal: name };
    stored = created;
    await announce(deps, target, "Normal", "ReplacementStarted", `gitops-guard replaces ${describeRef(target)} by ${p.strategy} (${p.steps.length} steps, journal ${deps.journalNamespace}/${name})`);
  }
  deps.onProgress?.({ type: "planned", plan: p, journal: name, resumed });
  const run = createRun({ deps, objects, store, plan: p, journalName: name });
  return run.execute(stored);
}

function outcomeOf(j: Journal, journal: string): ReplacementOutcome {
  const strategy = planReplacement(planInputOf(j.input));
  const s: StrategyName = strategy.kind === "plan" ? strategy.strategy : "recreate";
  switch (j.phase) {
    case "replaced":
      return { kind: "replaced", target: j.target, strategy: s, journal };
    case "rolled-back":
      return { kind: "rolled-back", target: j.target, strategy: s, reason: j.reason ?? "", journal };
    default:
      return { kind: "failed", target: j.target, strategy: s, reason: j.reason ?? j.phase, journal };
  }
}

async function announce(deps: ReplacementDeps, target: ReplaceRef, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
  if (deps.events === false || target.namespace === "") return;
  await postEvent(deps.http, target, { type, reason, message, now: new Date(deps.now()) });
}

interface RunContext {
  readonly deps: ReplacementDeps;
  readonly objects: KubeObjects;
  readonly store: JournalStore;
  readonly plan: Plan;
  readonly journalName: string;
}

function createRun(ctx: RunContext): { execute(stored: StoredJournal): Promise<ReplacementOutcome> } {
  const { deps, objects, store, plan: p } = ctx;
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  let stored: StoredJournal;

  const checkAbort = (): void => {
    if (deps.signal?.aborted) throw new Stop("aborted", "interrupted");
  };

  async function save(j: Journal): Promise<void> {
    for (;;) {
      try {
        const next = await store.update(stored, j);
        if (next === "conflict") throw new Stop("conflict", `the journal ${ctx.journalName} was changed by another actor`);
        stored = next;
        return;
      } catch (err) {
        if (err instanceof Stop) throw err;
        // The API server is unreachable: keep trying; an abort ends it (the journal then lags one step, and every step is idempotent).
        checkAbort();
        await deps.sleep(pollMs);
      }
    }
  }

  async function evaluate(c: Step["verification"], startedAt: number): Promise<Evaluation & { readonly error?: boolean }> {
    try {
      return await evaluateCondition(c, objects, deps.now(), startedAt);
    } catch (err) {
      return { holds: false, detail: `cannot tell: ${messageOf(err)}`, error: true };
    }
  }

  type StepResult = { ok: true } | { ok: false; reason: string; unreachable: boolean };
  type Emit = (state: "started" | "skipped" | "acted" | "waiting" | "done", detail: string) => void;

  /** Polls a condition until it holds; a failure once `until` has passed (unreachable: the last look could not reach the API server). */
  async function await_(c: Step["verification"], startedAt: number, until: number, onWait: (detail: string) => void): Promise<StepResult> {
    for (;;) {
      const e = await evaluate(c, startedAt);
      if (e.holds) return { ok: true };
      checkAbort();
      if (deps.now() >= until) return { ok: false, reason: e.detail, unreachable: e.error === true };
      onWait(e.detail);
      await deps.sleep(pollMs);
    }
  }

  /** Preconditions, then the action (retried while the API server fails), then the journal says "acted". */
  async function actOnce(list: "steps" | "rollback", step: Step, startedAt: number, until: number, emit: Emit): Promise<StepResult> {
    for (const c of step.preconditions) {
      const r = await await_(c, startedAt, until, (detail) => emit("waiting", `requires: ${detail}`));
      if (!r.ok) return { ...r, reason: `${step.title}: precondition not met: ${r.reason}` };
    }
    for (;;) {
      checkAbort();
      try {
        await performAction(step.action, objects, stored.journal.input, deps.now());
        break;
      } catch (err) {
        if (deps.now() >= until) return { ok: false, reason: `${step.title}: ${messageOf(err)}`, unreachable: true };
        emit("waiting", `retrying: ${messageOf(err)}`);
        await deps.sleep(pollMs);
      }
    }
    if (step.action.type === "wait") return { ok: true };
    // A kill here (after the action, before this write) repeats the action on resume: each is idempotent.
    checkAbort();
    await save(recordStep(stored.journal, list, step.id, "acted", deps.now()));
    emit("acted", "");
    return { ok: true };
  }

  /** One step: done if verified already; else precondition, act (journaled), wait for the verification until its deadline. */
  async function runStep(list: "steps" | "rollback", steps: readonly Step[], index: number, deadline: (startedAt: number) => number): Promise<StepResult> {
    const step = steps[index]!;
    checkAbort();
    let record = stepRecord(stored.journal, list, step.id);
    if (record?.state === "done") return { ok: true };
    if (record === undefined) {
      await save(recordStep(stored.journal, list, step.id, "started", deps.now()));
      record = stepRecord(stored.journal, list, step.id)!;
    }
    const startedAt = Date.parse(record.startedAt);
    const until = deadline(startedAt);
    const emit: Emit = (state, detail) => deps.onProgress?.({ type: "step", list, index, total: steps.length, step, state, detail, elapsedMs: deps.now() - startedAt });
    emit("started", "");
    const first = await evaluate(step.verification, startedAt);
    if (first.holds && step.verification.kind !== "elapsed") {
      await save(recordStep(stored.journal, list, step.id, "done", deps.now()));
      emit("skipped", first.detail);
      return { ok: true };
    }
    if (record.state !== "acted") {
      const acted = await actOnce(list, step, startedAt, until, emit);
      if (!acted.ok) return acted;
    }
    const verified = await await_(step.verification, startedAt, until, (detail) => emit("waiting", detail));
    if (!verified.ok) return { ...verified, reason: `${step.title}: not verified in time: ${verified.reason}` };
    await save(recordStep(stored.journal, list, step.id, "done", deps.now()));
    emit("done", "");
    return { ok: true };
  }

  async function finish(phase: Journal["phase"], reason?: string): Promise<void> {
    await save(withPhase(stored.journal, phase, reason));
    deps.onProgress?.({ type: "phase", phase, ...(reason === undefined ? {} : { reason }) });
  }

  async function rollBack(reason: string): Promise<ReplacementOutcome> {
    const { target } = p;
    if (stored.journal.phase !== "rolling-back") await finish("rolling-back", reason);
    const steps = rollbackSteps(p);
    const budget = p.steps.length === 0 ? 0 : stored.journal.input.settings.timeoutSeconds * 1000;
    for (let i = 0; i < steps.length; i++) {
      const r = await runStep("rollback", steps, i, (startedAt) => startedAt + budget);
      if (!r.ok) {
        if (r.unreachable) throw new Stop("unavailable", r.reason);
        const why = `rollback failed: ${r.reason} (after: ${reason})`;
        await finish("failed", why);
        await announce(deps, target, "Warning", "ReplacementFailed", `${describeRef(target)}: ${why}. The old object is in the journal ${deps.journalNamespace}/${ctx.journalName}.`);
        return { kind: "failed", target, strategy: p.strategy, reason: why, journal: ctx.journalName };
      }
    }
    await finish("rolled-back", stored.journal.reason ?? reason);
    await announce(deps, target, "Warning", "ReplacementRolledBack", `${describeRef(target)} was restored from the journal: ${stored.journal.reason ?? reason}`);
    return { kind: "rolled-back", target, strategy: p.strategy, reason: stored.journal.reason ?? reason, journal: ctx.journalName };
  }

  async function forward(): Promise<ReplacementOutcome> {
    const { target } = p;
    const deadline = Date.parse(stored.journal.deadline);
    for (let i = 0; i < p.steps.length; i++) {
      const step = p.steps[i]!;
      const r = await runStep("steps", p.steps, i, (startedAt) => (step.rollsBack ? deadline : startedAt + COMMIT_STEP_TIMEOUT_MS + (step.verification.kind === "elapsed" ? step.verification.seconds * 1000 : 0)));
      if (r.ok) continue;
      if (r.unreachable) throw new Stop("unavailable", r.reason);
      if (step.rollsBack) return rollBack(r.reason);
      await finish("failed", r.reason);
      await announce(deps, target, "Warning", "ReplacementFailed", `${describeRef(target)}: ${r.reason}. The new object serves; finish by hand (journal ${deps.journalNamespace}/${ctx.journalName}).`);
      return { kind: "failed", target, strategy: p.strategy, reason: r.reason, journal: ctx.journalName };
    }
    await finish("replaced");
    await announce(deps, target, "Normal", "Replaced", `${describeRef(target)} was replaced by ${p.strategy}; nothing of the old object is left over`);
    return { kind: "replaced", target, strategy: p.strategy, journal: ctx.journalName };
  }

  return {
    async execute(initial) {
      stored = initial;
      try {
        return stored.journal.phase === "rolling-back" ? await rollBack(stored.journal.reason ?? "resumed") : await forward();
      } catch (err) {
        if (err instanceof Stop) return { kind: "interrupted", target: p.target, reason: err.message, journal: ctx.journalName };
        throw err;
      }
    },
  };
}
