import type { KubeConfig } from "@kubernetes/client-node";
import { messageOf } from "../../errors.ts";
import { getAt } from "../../core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { MARK_ANNOTATIONS } from "../../core/decide/mark-annotations.ts";
import { metaString, metaValue } from "../../core/k8s/kube-object.ts";
import { JOURNAL_KEY, JOURNAL_LABEL, journalSchema } from "../../core/replace/journal.ts";
import { REPLACE_LABEL } from "../../core/replace/creatable-object.ts";
import { orderReplacements } from "../../core/replace/order-replacements.ts";
import { refKey, describeRef, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import type { ReplaceSettings } from "../../core/replace/replace-settings.ts";
import { fluxReplacementEvent, webhookReplacementBody, type ReplacementAlert } from "../../core/replace/replacement-notification.ts";
import { replacementRecord } from "../../core/records/replacement-record.ts";
import type { KubeHttp } from "../kube/kube-http.ts";
import { listWatch, type ListWatch } from "../kube/list-watch.ts";
import type { Logger } from "../log/create-logger.ts";
import type { ReplaceMetrics } from "../metrics/replace-metrics.ts";
import type { Notifier } from "../notify/notifier.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import { runReplacement, type ProgressEvent, type ReplacementOutcome } from "../replace/run-replacement.ts";

/** The strategy the webhook's mark label carries for the objects watch replaces. */
export const WATCHED_STRATEGY = "orphan-recreate";

/** The workload kinds watch replaces (the webhook marks only these for orphan-recreate). */
const WATCHED_KINDS = [
  { kind: "Deployment", plural: "deployments" },
  { kind: "StatefulSet", plural: "statefulsets" },
  { kind: "DaemonSet", plural: "daemonsets" },
  { kind: "ReplicaSet", plural: "replicasets" },
] as const;

export interface ReplacementRunnerDeps {
  readonly kc: KubeConfig;
  readonly http: KubeHttp;
  readonly log: Logger;
  readonly metrics: ReplaceMetrics;
  readonly records: RecordWriter | undefined;
  readonly notifier: Notifier | undefined;
  readonly isLeader: () => boolean;
  readonly identity: string;
  /** The guard's namespace (journals). */
  readonly journalNamespace: string;
  /** Watch one namespace only; undefined: all. */
  readonly namespace?: string;
  readonly settings: ReplaceSettings;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A pass over everything marked or journaled this often, whatever the watches say. */
  readonly resyncMs: number;
  readonly pollMs?: number;
  /** Targets (refKey) another part of this process is replacing now (automated recovery): left to it, never run twice. */
  readonly claimed?: (key: string) => boolean;
}

export interface ReplacementRunner {
  /** Leadership gained: journaled replacements are resumed, marked ones started. */
  tookOver(): void;
  /** Leadership lost: the running replacement stops at its next step (its journal stays for the next leader). */
  lostLeadership(): void;
  /** Resolves when no pass is running (tests). */
  idle(): Promise<void>;
  /** Marked objects and running journals currently known. */
  pending(): number;
  stop(): Promise<void>;
}

function refOf(obj: JsonObject, apiVersion: string, kind: string): ReplaceRef {
  return { apiVersion, kind, namespace: metaString(obj, "namespace") ?? "", name: metaString(obj, "name") ?? "" };
}

/** The target of a journal ConfigMap that is still running or rolling back, else undefined. */
function runningJournalTarget(cm: JsonObject): ReplaceRef | undefined {
  const phase = metaValue(cm, "labels", "gitops-guard.io/phase");
  if (phase !== "running" && phase !== "rolling-back") return undefined;
  const text = isJsonObject(cm["data"]) ? cm["data"][JOURNAL_KEY] : undefined;
  if (typeof text !== "string") return undefined;
  try {
    const parsed = journalSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.target : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `watch` carrying out marked replacements (issue 14 item 5): a label-selector watch per workload
 * kind finds what the webhook marked `gitops-guard.io/replace=orphan-recreate`, a watch on the
 * journals finds what a previous leader left running; the leader alone runs the engine, one
 * replacement at a time, in dependency order. Every step goes to the records stream, every
 * outcome to the metrics; a rollback or failure is escalated to the receivers.
 */
export function createReplacementRunner(deps: ReplacementRunnerDeps): ReplacementRunner {
  const marked = new Map<string, ReplaceRef>();
  const journaled = new Map<string, ReplaceRef>();
  /** Outcomes that need a person (refused, busy): not retried until the object's spec or mark changes. */
  const settled = new Map<string, string>();
  const versions = new Map<string, string>();
  let running: Promise<void> | undefined;
  let again = false;
  let abort: AbortController | undefined;
  let stopped = false;
  const watches: ListWatch[] = [];

  const record = (r: Parameters<typeof replacementRecord>[0]): void => {
    deps.records?.writeLines(`${JSON.stringify(replacementRecord(r))}\n`);
  };

  const onProgress = (target: ReplaceRef, journal: { name: string; strategy: string | null }) => (e: ProgressEvent): void => {
    const time = new Date(deps.now()).toISOString();
    if (e.type === "planned") {
      journal.name = e.journal;
      journal.strategy = e.plan.strategy;
      return;
    }
    if (e.type === "phase") return;
    if (e.state === "waiting") return;
    if (e.state === "done") deps.metrics.step(e.step.id, e.elapsedMs / 1000);
    record({ time, target, event: "step", strategy: journal.strategy, step: e.step.id, list: e.list, state: e.state, detail: e.detail, journal: journal.name, instance: deps.identity });
  };

  const escalate = (alert: ReplacementAlert): void => {
    const time = new Date(deps.now()).toISOString();
    deps.notifier?.send((r) => (r.name === "flux" ? fluxReplacementEvent(alert, time, deps.identity) : webhookReplacementBody(alert, time, deps.identity)));
  };

  const report = (target: ReplaceRef, o: ReplacementOutcome, strategy: string | null): void => {
    const time = new Date(deps.now()).toISOString();
    const reason = o.kind === "refused" ? o.refusal.reason : "reason" in o ? o.reason : "";
    const s = "strategy" in o ? o.strategy : strategy ?? "";
    deps.metrics.outcome(target.kind, s, o.kind);
    record({ time, target, event: "outcome", strategy: s || null, step: null, list: null, state: o.kind, detail: reason, journal: "journal" in o ? o.journal : null, instance: deps.identity });
    const level = o.kind === "replaced" ? "info" : "warn";
    deps.log[level]({ target: describeRef(target), outcome: o.kind, strategy: s, reason }, "replacement");
    if (o.kind === "rolled-back" || o.kind === "failed") escalate({ target, outcome: o.kind, strategy: s, reason, journal: `${deps.journalNamespace}/${o.journal}` });
  };

  async function replaceOne(target: ReplaceRef): Promise<void> {
    const key = refKey(target);
    abort = new AbortController();
    const journal = { name: "", strategy: null as string | null };
    deps.metrics.inProgress(1);
    try {
      const outcome = await runReplacement({ target, settings: deps.settings }, "auto", {
        http: deps.http, journalNamespace: deps.journalNamespace, identity: deps.identity,
        now: deps.now, sleep: deps.sleep, signal: abort.signal, onProgress: onProgress(target, journal),
        ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
      });
      report(target, outcome, journal.strategy);
      if (outcome.kind === "refused" || outcome.kind === "busy") settled.set(key, versions.get(key) ?? "");
    } catch (err) {
      deps.metrics.outcome(target.kind, journal.strategy ?? "", "error");
      deps.log.error({ target: describeRef(target), err: messageOf(err) }, "replacement could not run");
      settled.set(key, versions.get(key) ?? "");
    } finally {
      deps.metrics.inProgress(-1);
      abort = undefined;
    }
  }

  /** One pass: running journals first (a previous leader's work), then marked objects in dependency order. */
  async function pass(): Promise<void> {
    const todo = new Map<string, ReplaceRef>(journaled);
    for (const { target } of orderReplacements([...marked.values()].map((target) => ({ target })))) {
      const key = refKey(target);
      if (!todo.has(key) && settled.get(key) !== (versions.get(key) ?? "")) todo.set(key, target);
    }
    for (const target of todo.values()) {
      if (stopped || !deps.isLeader()) return;
      if (deps.claimed?.(refKey(target)) === true) continue;
      await replaceOne(target);
    }
  }

  const kick = (): void => {
    if (stopped || !deps.isLeader()) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await pass();
      } while (again && !stopped && deps.isLeader());
    })().finally(() => {
      running = undefined;
    });
  };

  const base = (plural: string): string => (deps.namespace ? `/apis/apps/v1/namespaces/${encodeURIComponent(deps.namespace)}/${plural}` : `/apis/apps/v1/${plural}`);
  for (const { kind, plural } of WATCHED_KINDS) {
    const keyOf = (o: JsonObject): string => refKey(refOf(o, "apps/v1", kind));
    const keep = (o: JsonObject): void => {
      const ref = refOf(o, "apps/v1", kind);
      marked.set(refKey(ref), ref);
      // The spec's generation and the mark's digest: a status update (every few seconds on a
      // workload) is no reason to try a settled target again, a new spec or a new mark is.
      versions.set(refKey(ref), `${String(getAt(o, ["metadata", "generation"]) ?? "")}/${metaValue(o, "annotations", MARK_ANNOTATIONS.digest) ?? ""}`);
    };
    watches.push(listWatch({
      kc: deps.kc, http: deps.http, path: base(plural), query: { labelSelector: `${REPLACE_LABEL}=${WATCHED_STRATEGY}` },
      onList: (items) => {
        for (const [key, ref] of marked) if (ref.kind === kind) marked.delete(key);
        items.forEach(keep);
        kick();
      },
      onEvent: (type, o) => {
        if (type === "DELETED") marked.delete(keyOf(o));
        else keep(o);
        kick();
      },
      onError: (err, retryInMs) => deps.log.warn({ kind, err: err.message, retryInMs }, "watch of marked objects failed; retrying"),
    }));
  }
  watches.push(listWatch({
    kc: deps.kc, http: deps.http, path: `/api/v1/namespaces/${encodeURIComponent(deps.journalNamespace)}/configmaps`, query: { labelSelector: `${JOURNAL_LABEL}=replace` },
    onList: (items) => {
      journaled.clear();
      for (const cm of items) {
        const t = runningJournalTarget(cm);
        if (t) journaled.set(refKey(t), t);
      }
      kick();
    },
    onEvent: (type, cm) => {
      const t = runningJournalTarget(cm);
      const annotated = metaValue(cm, "annotations", "gitops-guard.io/target");
      if (type === "DELETED" || t === undefined) {
        if (annotated) journaled.delete(annotated);
      } else {
        journaled.set(refKey(t), t);
      }
      if (type !== "MODIFIED") kick();
    },
    onError: (err, retryInMs) => deps.log.warn({ err: err.message, retryInMs }, "watch of replacement journals failed; retrying"),
  }));
  const resync = setInterval(kick, deps.resyncMs);

  return {
    tookOver: kick,
    lostLeadership: () => abort?.abort(),
    idle: async () => {
      while (running !== undefined) await running;
    },
    pending: () => new Set([...marked.keys(), ...journaled.keys()]).size,
    async stop() {
      stopped = true;
      clearInterval(resync);
      abort?.abort();
      for (const w of watches) w.stop();
      await running;
    },
  };
}
