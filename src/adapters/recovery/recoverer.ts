import type { Assessment } from "../../core/assess/assessment.ts";
import { subjectKey, type SubjectRef } from "../../core/assess/object-ref.ts";
import { parseReconcilable, type Reconcilable } from "../../core/assess/reconcilable.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { recoveryRecord, type RecoveryRecord } from "../../core/records/recovery-record.ts";
import { decideRecovery, settleValidation, type RecoveryDecision, type RecoveryInput } from "../../core/recovery/decide-recovery.ts";
import { describeSteps, formatTarget, JOURNAL_ANNOTATION, readJournal, withTried, writeJournal, type Journal, type JournalStep, type Target } from "../../core/recovery/journal.ts";
import type { RecoveryPolicy } from "../../core/recovery/recovery-policy.ts";
import { validateRecovery, type TouchedObject } from "../../core/recovery/validate-recovery.ts";
import { desiredWorkload } from "../../core/recovery/desired-selector.ts";
import type { Announcement } from "../../core/watch/announcement.ts";
import { messageOf } from "../../errors.ts";
import { statusMessage, type KubeHttp, type KubeResponse } from "../kube/kube-http.ts";
import type { Logger } from "../log/create-logger.ts";
import type { WatchMetrics } from "../metrics/watch-metrics.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import type { ReplacementPort } from "./replacement-port.ts";
import { ownerPath, targetApiVersion, targetPath } from "./resource-paths.ts";

/** Flux's recreate marker, read from the live object too (DESIGN fact 4; watch-recovery.md §2). */
export const FLUX_FORCE_ANNOTATION = "kustomize.toolkit.fluxcd.io/force";
/** Argo CD ≥ 3.3 reads sync options from the live object: Replace=true,Force=true = delete and create. */
export const ARGO_SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options";
export const REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";
export const RESET_AT = "reconcile.fluxcd.io/resetAt";
export const FORCE_AT = "reconcile.fluxcd.io/forceAt";
const MERGE_PATCH = "application/merge-patch+json";
/** One recovery request to the API server: writes of one annotation take milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

/** What the watch loop lends the recoverer: its Event/notification path and its view of the other objects. */
export interface RecovererHooks {
  /** Posts an Event on the owner and, when `notify`, tells the receivers (the controller's path). */
  readonly announce: (assessment: Assessment, announcement: Announcement, time: Date) => void;
  /** The revision feeding the owner (see RecoveryInput.sourceRevision). */
  readonly sourceRevision: (owner: Reconcilable) => string | undefined;
}

export interface RecovererDeps extends RecovererHooks {
  readonly http: KubeHttp;
  readonly policy: RecoveryPolicy;
  readonly log: Logger;
  readonly records: RecordWriter | undefined;
  readonly metrics: WatchMetrics;
  readonly now: () => number;
  readonly isLeader: () => boolean;
  readonly identity: string;
  /** The replacement engine (orphan-recreate of workloads); undefined: workloads are recommended to `gitops-guard replace`. */
  readonly replacement: ReplacementPort | undefined;
}

export interface Recoverer {
  /** Looks at one assessed object (the leader only); carries out the decision in the background, one at a time per object. */
  consider(owner: Reconcilable, assessment: Assessment): void;
  /**
   * True while the object's journal says a recovery is under way or was escalated by it:
   * Recovered/Escalated are then the recoverer's to announce (never twice).
   */
  owns(owner: Reconcilable, episodeSince: string | null): boolean;
  /** Resolves when nothing is in flight (tests, shutdown). */
  settled(): Promise<void>;
  stop(): void;
}

class Lost extends Error {}

/**
 * Carries out recovery decisions (decideRecovery) against the API server: decode → core → encode.
 * Every write of the journal on the owner happens before the step it announces (write-ahead);
 * the first write of an attempt carries the owner's resourceVersion, so of two replicas that both
 * think they lead, one wins and the other stops (409).
 */
export function createRecoverer(deps: RecovererDeps): Recoverer {
  const inflight = new Map<string, Promise<void>>();
  /** The last report/recommend/plan noted per object: logged and recorded once, not every resync. */
  const noted = new Map<string, string>();
  let stopped = false;

  const request = (method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse> =>
    deps.http.request(method, path, { ...(body === undefined ? {} : { body }), ...(contentType === undefined ? {} : { contentType }), timeoutMs: REQUEST_TIMEOUT_MS });

  const record = (subject: SubjectRef, decision: RecoveryDecision, outcome: RecoveryRecord["outcome"], message: string): void => {
    deps.records?.writeLines(`${JSON.stringify(recoveryRecord({ time: new Date(deps.now()).toISOString(), object: subject, decision, outcome, message, instance: deps.identity }))}\n`);
  };

  const pathOf = (o: SubjectRef): string => ownerPath(o.apiVersion, o.kind, o.namespace, o.name);

  async function getOwner(subject: SubjectRef): Promise<{ owner: Reconcilable; resourceVersion: string } | undefined> {
    const r = await request("GET", pathOf(subject));
    if (r.status !== 200 || !isJsonObject(r.body)) return undefined;
    const parsed = parseReconcilable(r.body);
    const meta = r.body["metadata"];
    const rv = isJsonObject(meta) && typeof meta["resourceVersion"] === "string" ? meta["resourceVersion"] : "";
    return parsed.ok ? { owner: parsed.value, resourceVersion: rv } : undefined;
  }

  /** Writes the journal; with `resourceVersion`, only if the owner has not changed since it was read. */
  async function saveJournal(subject: SubjectRef, journal: Journal, resourceVersion?: string): Promise<void> {
    const metadata: JsonObject = { annotations: { [JOURNAL_ANNOTATION]: writeJournal(journal) } };
    if (resourceVersion !== undefined) metadata["resourceVersion"] = resourceVersion;
    const r = await request("PATCH", pathOf(subject), { metadata }, MERGE_PATCH);
    if (r.status === 409) throw new Lost(`the owner changed meanwhile (${statusMessage(r)})`);
    if (r.status !== 200) throw new Error(`writing the journal: ${statusMessage(r)}`);
  }

  async function annotate(path: string, annotations: Record<string, string>): Promise<void> {
    const r = await request("PATCH", path, { metadata: { annotations } }, MERGE_PATCH);
    if (r.status !== 200) throw new Error(`PATCH ${path}: ${statusMessage(r)}`);
  }

  async function uidOf(path: string): Promise<string | undefined> {
    const r = await request("GET", path);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !isJsonObject(r.body)) throw new Error(`GET ${path}: ${statusMessage(r)}`);
    const meta = r.body["metadata"];
    return isJsonObject(meta) && typeof meta["uid"] === "string" ? meta["uid"] : undefined;
  }

  function mustPath(target: Target): string {
    const path = targetPath(target);
    if (path === undefined) throw new Error(`${formatTarget(target)}: a kind recovery does not know where to find (or no namespace)`);
    return path;
  }

  /** The uid a destructive step acts on: journaled before the step (write-ahead), read once. */
  async function pinUid(journal: Journal, index: number, path: string, save: (j: Journal) => Promise<void>): Promise<string | undefined> {
    const step = journal.steps[index];
    if (step !== undefined && "uid" in step && step.uid !== undefined) return step.uid;
    const uid = await uidOf(path);
    if (uid !== undefined && step !== undefined) await save({ ...journal, steps: journal.steps.map((s, i) => (i === index ? { ...step, uid } : s)) });
    return uid;
  }

  async function orphanDelete(journal: Journal, index: number, target: Target, save: (j: Journal) => Promise<void>): Promise<string | undefined> {
    const path = mustPath(target);
    const uid = await pinUid(journal, index, path, save);
    if (uid === undefined) return undefined; // already gone: the upgrade creates it
    const r = await request("DELETE", path, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Orphan", preconditions: { uid } });
    // 404: gone already; 409: the uid precondition failed, so it is a newer object: done either way.
    if (r.status !== 200 && r.status !== 202 && r.status !== 404 && r.status !== 409) throw new Error(`DELETE ${path}: ${statusMessage(r)}`);
    return uid;
  }

  /** The live workload with the refused selector: what the engine creates (desired-selector.ts). */
  async function desiredFor(path: string, selector: Readonly<Record<string, string>>): Promise<JsonObject | undefined> {
    const r = await request("GET", path);
    return r.status === 200 && isJsonObject(r.body) ? desiredWorkload(r.body, selector) : undefined;
  }

  async function orphanRecreate(subject: SubjectRef, journal: Journal, index: number, target: Target, save: (j: Journal) => Promise<void>): Promise<string> {
    const engine = deps.replacement;
    if (engine === undefined) throw new Error("no replacement engine given to watch");
    const uid = await pinUid(journal, index, mustPath(target), save);
    if (uid === undefined) throw new Error(`${formatTarget(target)} not found`);
    const step = journal.steps[index];
    const selector = step?.op === "orphan-recreate" ? step.selector : undefined;
    const desired = selector === undefined ? undefined : await desiredFor(mustPath(target), selector);
    const outcome = await engine.orphanRecreate({
      target, apiVersion: targetApiVersion(target.kind) ?? "", uid, owner: subject, token: journal.token,
      reason: `${journal.cause} conflict on ${subject.kind}/${subject.namespace}/${subject.name}`, ...(desired === undefined ? {} : { desired }),
    });
    if (outcome.type === "failed") throw new Error(`orphan-recreate ${formatTarget(target)}: ${outcome.message}`);
    return uid;
  }

  async function requestReconcile(subject: SubjectRef, journal: Journal, reset: boolean, force: boolean): Promise<void> {
    // flux reconcile's levers: the same token in requestedAt and resetAt/forceAt (watch-recovery.md §2).
    const annotations: Record<string, string> = { [REQUESTED_AT]: journal.token };
    if (reset) annotations[RESET_AT] = journal.token;
    if (force) annotations[FORCE_AT] = journal.token;
    await annotate(pathOf(subject), annotations);
  }

  async function argoSync(subject: SubjectRef): Promise<void> {
    // What `argocd app sync` does: an operation on the Application (application-controller runs it).
    const r = await request("PATCH", pathOf(subject), { operation: { initiatedBy: { username: "gitops-guard" }, sync: { syncOptions: ["Replace=true", "Force=true"] } } }, MERGE_PATCH);
    if (r.status !== 200) throw new Error(`requesting a sync: ${statusMessage(r)}`);
  }

  /** One step, idempotent; returns the step as done (with the uid it acted on). */
  async function runStep(subject: SubjectRef, journal: Journal, index: number, save: (j: Journal) => Promise<void>): Promise<JournalStep> {
    const step = journal.steps[index]!;
    switch (step.op) {
      case "mark-force":
        await annotate(mustPath(step.target), { [FLUX_FORCE_ANNOTATION]: "enabled" });
        return { ...step, done: true };
      case "argo-replace":
        await annotate(mustPath(step.target), { [ARGO_SYNC_OPTIONS_ANNOTATION]: "Replace=true,Force=true" });
        return { ...step, done: true };
      case "request-reconcile":
        await requestReconcile(subject, journal, step.reset, step.force);
        return { ...step, done: true };
      case "argo-sync":
        await argoSync(subject);
        return { ...step, done: true };
      case "orphan-delete": {
        const uid = await orphanDelete(journal, index, step.target, save);
        return { ...step, ...(uid === undefined ? {} : { uid }), done: true };
      }
      case "orphan-recreate":
        return { ...step, uid: await orphanRecreate(subject, journal, index, step.target, save), done: true };
    }
  }

  async function act(subject: SubjectRef, assessment: Assessment, decision: Extract<RecoveryDecision, { type: "act" }>, resourceVersion: string, input: RecoveryInput): Promise<void> {
    const action = decision.journal.action ?? "action";
    if (decision.dryRun) {
      const key = subjectKey(subject.kind, subject.namespace, subject.name);
      if (noted.get(key) === `plan:${decision.summary}`) return;
      noted.set(key, `plan:${decision.summary}`);
      deps.log.info({ reconciliation: key, plan: decision.summary, rule: decision.rule }, "recovery dry-run: would act");
      record(subject, decision, "planned", `would: ${decision.summary}`);
      deps.metrics.recovery(action, "planned");
      deps.announce(assessment, { type: "Normal", reason: "RecoveryPlanned", message: `dry-run (recovery.mode): would ${decision.summary}`, notify: false }, new Date(deps.now()));
      return;
    }
    let journal = decision.journal;
    if (!decision.resume) {
      await saveJournal(subject, journal, resourceVersion);
      deps.metrics.recovery(action, "started");
      record(subject, decision, "noted", decision.summary);
      deps.announce(assessment, { type: "Normal", reason: "Recovering", message: `recovering: ${decision.summary} (policy ${decision.rule})`, notify: false }, new Date(deps.now()));
    }
    const save = async (j: Journal): Promise<void> => {
      await saveJournal(subject, j);
      journal = j;
    };
    for (let i = 0; i < journal.steps.length; i++) {
      if (journal.steps[i]!.done) continue;
      if (stopped || !deps.isLeader()) return; // the next leader resumes from the journal
      let done: JournalStep;
      try {
        done = await runStep(subject, journal, i, save);
      } catch (err) {
        if (err instanceof Lost) throw err;
        const failed: Journal = { ...journal, phase: "validating", tried: withTried(journal.tried, `attempt ${journal.attempt}: ${describeSteps([journal.steps[i]!])} failed: ${messageOf(err)}`) };
        deps.log.warn({ reconciliation: `${subject.kind}/${subject.namespace}/${subject.name}`, step: journal.steps[i]!.op, error: messageOf(err) }, "recovery step failed");
        deps.metrics.recovery(action, "failed");
        // A step that cannot be carried out fails the attempt at once ("unhealthy" does not wait for the window).
        await settle(subject, assessment, input, failed, { type: "unhealthy", message: `step ${journal.steps[i]!.op} failed: ${messageOf(err)}` });
        return;
      }
      await save({ ...journal, steps: journal.steps.map((s, k) => (k === i ? done : s)) });
    }
    await save({ ...journal, phase: "validating", at: new Date(deps.now()).toISOString() });
    record(subject, decision, "done", `steps done: ${describeSteps(journal.steps)}; validating health`);
  }

  async function touched(journal: Journal): Promise<TouchedObject[]> {
    const out: TouchedObject[] = [];
    for (const step of journal.steps) {
      if (!("target" in step)) continue;
      const path = targetPath(step.target);
      if (path === undefined) continue;
      const r = await request("GET", path);
      if (r.status === 404) out.push({ target: step.target, object: undefined });
      else if (r.status === 200 && isJsonObject(r.body)) out.push({ target: step.target, object: r.body });
      else throw new Error(`GET ${path}: ${statusMessage(r)}`);
    }
    return out;
  }

  async function settle(subject: SubjectRef, assessment: Assessment, input: RecoveryInput, journal: Journal, verdict: Parameters<typeof settleValidation>[2]): Promise<void> {
    await carryOut(subject, assessment, settleValidation(input, journal, verdict), input, undefined);
  }

  function note(key: string, subject: SubjectRef, decision: Extract<RecoveryDecision, { type: "report" | "recommend" }>): void {
    if (noted.get(key) === decision.reason) return;
    noted.set(key, decision.reason);
    // Logged, not recorded: the assessment record already says what is wrong; recovery records are for what it did.
    deps.log.info({ reconciliation: key, decision: decision.type, reason: decision.reason }, "recovery: nothing automatic");
  }

  async function escalate(key: string, subject: SubjectRef, assessment: Assessment, decision: Extract<RecoveryDecision, { type: "escalate" }>, resourceVersion: string | undefined): Promise<void> {
    await saveJournal(subject, decision.journal, resourceVersion);
    if (decision.rollback && deps.replacement !== undefined) {
      for (const step of decision.journal.steps) {
        if (step.op !== "orphan-recreate") continue;
        const outcome = await deps.replacement.rollback({ target: step.target, apiVersion: targetApiVersion(step.target.kind) ?? "", owner: subject, reason: decision.message }).catch((err: unknown) => ({ type: "failed" as const, message: messageOf(err) }));
        deps.log.warn({ reconciliation: key, target: formatTarget(step.target), outcome }, "replacement rolled back");
      }
    }
    deps.metrics.recovery(decision.journal.action ?? "none", "escalated");
    record(subject, decision, "escalated", decision.message);
    deps.announce(assessment, { type: "Warning", reason: "Escalated", message: decision.message, notify: true }, new Date(deps.now()));
  }

  async function close(key: string, subject: SubjectRef, assessment: Assessment, decision: Extract<RecoveryDecision, { type: "close" }>, resourceVersion: string | undefined): Promise<void> {
    await saveJournal(subject, decision.journal, resourceVersion);
    record(subject, decision, decision.validated ? "recovered" : "noted", decision.message);
    if (decision.validated) deps.metrics.recovery(decision.journal.action ?? "action", "recovered");
    if (decision.announce) deps.announce(assessment, { type: "Normal", reason: "Recovered", message: decision.message, notify: true }, new Date(deps.now()));
    noted.delete(key);
  }

  async function carryOut(subject: SubjectRef, assessment: Assessment, decision: RecoveryDecision, input: RecoveryInput, resourceVersion: string | undefined): Promise<void> {
    const key = subjectKey(subject.kind, subject.namespace, subject.name);
    switch (decision.type) {
      case "idle":
      case "wait":
        return;
      case "report":
      case "recommend":
        note(key, subject, decision);
        return;
      case "act":
        await act(subject, assessment, decision, resourceVersion ?? "", input);
        return;
      case "validate": {
        const verdict = validateRecovery(input.owner, decision.journal, await touched(decision.journal), deps.now());
        await settle(subject, assessment, input, decision.journal, verdict);
        return;
      }
      case "backoff":
        await saveJournal(subject, decision.journal, resourceVersion);
        deps.metrics.recovery(decision.journal.action ?? "action", "failed");
        record(subject, decision, "failed", decision.reason);
        deps.log.warn({ reconciliation: key, reason: decision.reason }, "recovery attempt failed; backing off");
        return;
      case "await-fix":
        await saveJournal(subject, decision.journal, resourceVersion);
        record(subject, decision, "noted", `exhausted retries at source revision ${decision.journal.revision ?? "unknown"}: reset once it changes`);
        return;
      case "escalate":
        await escalate(key, subject, assessment, decision, resourceVersion);
        return;
      case "close":
        await close(key, subject, assessment, decision, resourceVersion);
        return;
    }
  }

  async function run(assessment: Assessment): Promise<void> {
    const subject = assessment.object;
    // Decide again on the owner as the API server has it now: the watch cache may not have our last journal write yet.
    const fresh = await getOwner(subject);
    if (fresh === undefined || stopped || !deps.isLeader()) return;
    const input: RecoveryInput = inputFor(fresh.owner, assessment);
    const decision = decideRecovery(input);
    await carryOut(subject, assessment, decision, input, fresh.resourceVersion);
  }

  function inputFor(owner: Reconcilable, assessment: Assessment): RecoveryInput {
    const source = deps.sourceRevision(owner);
    return {
      owner, assessment, journal: readJournal(owner.object.metadata.annotations), policy: deps.policy, now: deps.now(),
      replacementAvailable: deps.replacement !== undefined,
      ...(source === undefined ? {} : { sourceRevision: source }),
    };
  }

  return {
    consider(owner, assessment) {
      if (stopped || !deps.isLeader()) return;
      const key = subjectKey(assessment.object.kind, assessment.object.namespace, assessment.object.name);
      if (inflight.has(key)) return;
      const quick = decideRecovery(inputFor(owner, assessment));
      if (quick.type === "idle" || quick.type === "wait") return;
      const job = (quick.type === "report" || quick.type === "recommend" ? carryOut(assessment.object, assessment, quick, inputFor(owner, assessment), undefined) : run(assessment))
        .catch((err: unknown) => {
          if (err instanceof Lost) deps.log.info({ reconciliation: key, reason: err.message }, "recovery: another replica moved first; looking again later");
          else deps.log.warn({ reconciliation: key, error: messageOf(err) }, "recovery: could not carry out the decision; retrying at the next resync");
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, job);
    },
    owns(owner, episodeSince) {
      const j = readJournal(owner.object.metadata.annotations);
      if (j.state !== "ok") return false;
      const { phase, at } = j.journal;
      if (phase === "acting" || phase === "validating" || phase === "backoff" || phase === "escalated") return true;
      // Closed during this episode (the recoverer announced Recovered itself, maybe before the watch saw Ready).
      return phase === "recovered" && episodeSince !== null && Date.parse(at) >= Date.parse(episodeSince);
    },
    async settled() {
      while (inflight.size > 0) await Promise.all([...inflight.values()]);
    },
    stop() {
      stopped = true;
    },
  };
}
