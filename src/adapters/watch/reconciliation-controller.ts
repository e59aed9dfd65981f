import { z } from "zod";
import type { Assessment } from "../../core/assess/assessment.ts";
import type { Reconcilable } from "../../core/assess/reconcilable.ts";
import { assessmentRecord } from "../../core/records/assessment-record.ts";
import type { Announcement } from "../../core/watch/announcement.ts";
import { fluxEventBody, webhookBody } from "../../core/watch/notification-bodies.ts";
import { keyOfReconcilable, type Change, type WatchState } from "../../core/watch/watch-state.ts";
import { subjectKey } from "../../core/assess/object-ref.ts";
import type { Logger } from "../log/create-logger.ts";
import type { WatchMetrics } from "../metrics/watch-metrics.ts";
import type { Notifier } from "../notify/notifier.ts";
import type { RecordWriter } from "../records/record-writer.ts";
import type { KubeHttp } from "../kube/kube-http.ts";
import { postEvent } from "../kube/post-event.ts";
import { collectEvidence } from "../kube/collect-evidence.ts";
import type { Recoverer, RecovererHooks } from "../recovery/recoverer.ts";

/**
 * Changes are assessed this long after the last watch event (a relist of 5,000 objects arrives
 * as one burst and is assessed once), and every `resyncMs` whatever happens, so time thresholds
 * pass without any object changing. 30 s = Flux's own dependency requeue interval: a cause is
 * noticed within one resync of its threshold.
 */
export const DEFAULT_RESYNC_MS = 30_000;
export const SETTLE_MS = 200;

export interface ControllerDeps {
  readonly state: WatchState;
  readonly http: KubeHttp;
  readonly records: RecordWriter | undefined;
  readonly metrics: WatchMetrics;
  readonly log: Logger;
  readonly notifier: Notifier | undefined;
  readonly isLeader: () => boolean;
  readonly identity: string;
  readonly now: () => number;
  readonly resyncMs?: number;
  /** Automated recovery (docs/recovery.md); absent: watch only reports. Built with the controller's hooks. */
  readonly recoverer?: (hooks: RecovererHooks) => Recoverer;
}

export interface ReconciliationController {
  replace(kind: string, objects: readonly Reconcilable[]): void;
  upsert(object: Reconcilable): void;
  delete(key: string): void;
  /** Assess now (tests, and the moment leadership is gained). */
  assessNow(): void;
  /**
   * Called when this replica becomes the leader: announces the changes it saw as a standby that
   * the old leader did not (no Event with that reason on the object since the change). A leader
   * killed between noticing and announcing is thus covered, and nothing is announced twice.
   */
  tookOver(): Promise<void>;
  /** Objects currently known. */
  size(): number;
  stop(): void;
}

/**
 * Reasons of the Events gitops-guard wrote on an object since a time (the announcement journal);
 * undefined when the API server cannot say (then the check is retried, never guessed).
 */
async function announcedSince(http: KubeHttp, a: Assessment, since: Date): Promise<Set<string> | undefined> {
  const selector = `involvedObject.kind=${a.object.kind},involvedObject.name=${a.object.name}`;
  const path = `/api/v1/namespaces/${encodeURIComponent(a.object.namespace)}/events?fieldSelector=${encodeURIComponent(selector)}`;
  try {
    const r = await http.request("GET", path, { timeoutMs: JOURNAL_TIMEOUT_MS });
    const parsed = eventListSchema.safeParse(r.body);
    if (r.status !== 200 || !parsed.success) return undefined;
    const reasons = new Set<string>();
    for (const e of parsed.data.items) {
      const at = Date.parse(e.lastTimestamp ?? e.eventTime ?? "");
      if (e.source?.component === "gitops-guard" && e.reason !== undefined && at >= since.getTime()) reasons.add(e.reason);
    }
    return reasons;
  } catch {
    return undefined;
  }
}

/** The journal check is a read of one object's Events: a few ms; an API server that takes longer is retried later. */
const JOURNAL_TIMEOUT_MS = 5_000;

const eventListSchema = z.object({
  items: z.array(z.object({ reason: z.string().optional(), lastTimestamp: z.string().nullish(), eventTime: z.string().nullish(), source: z.object({ component: z.string().optional() }).loose().optional() }).loose()),
}).loose();

/**
 * For a HelmRelease applied by a Kustomization (its `kustomize.toolkit.fluxcd.io/name|namespace`
 * labels): that Kustomization's lastAppliedRevision, the Git revision the release comes from.
 */
function sourceRevisionOf(owner: Reconcilable, objects: ReadonlyMap<string, Reconcilable>): string | undefined {
  const labels = owner.object.metadata["labels"];
  if (typeof labels !== "object" || labels === null) return undefined;
  const name = Reflect.get(labels, "kustomize.toolkit.fluxcd.io/name");
  const namespace = Reflect.get(labels, "kustomize.toolkit.fluxcd.io/namespace");
  if (typeof name !== "string" || typeof namespace !== "string" || !Object.hasOwn(labels, "kustomize.toolkit.fluxcd.io/name")) return undefined;
  const ks = objects.get(subjectKey("Kustomization", namespace, name));
  return ks?.kind === "Kustomization" ? ks.object.status?.lastAppliedRevision : undefined;
}

/** Health-check failures naming workloads get their pods' evidence (ImagePullBackOff, CrashLoopBackOff, …). */
function needsEvidence(change: Change): boolean {
  return change.next.cause === "health-check" && change.next.objects.length > 0 && change.announcements.some((n) => n.reason === "ReconciliationStuck" || n.reason === "Escalated");
}

/**
 * The loop behind `watch`: keeps the objects the watches deliver, assesses them (debounced, and
 * on every resync), and tells people about state changes. Every replica assesses (its metrics
 * and its memory stay warm for a takeover); only the leader announces — Events, records,
 * notifications — so an object's change is announced once, by whoever leads when it is seen.
 */
export function createReconciliationController(deps: ControllerDeps): ReconciliationController {
  const objects = new Map<string, Reconcilable>();
  /** Changes seen while not leading, by object: the latest one, with its time. */
  const unannounced = new Map<string, { readonly change: Change; readonly time: Date }>();
  let settle: NodeJS.Timeout | undefined;
  let stopped = false;
  const recoverer = deps.recoverer?.({
    announce: (a, n, time) => {
      deps.metrics.announced(n.reason);
      announceEvent(a, n, time);
      const iso = time.toISOString();
      if (n.notify && deps.notifier) deps.notifier.send((r) => (r.name === "flux" ? fluxEventBody(a, n, iso, deps.identity) : webhookBody(a, n, iso, deps.identity)));
    },
    sourceRevision: (owner) => sourceRevisionOf(owner, objects),
  });

  /** Event names are `<object>.<ms in hex>`: two announcements in one millisecond (a simulated clock, recovery right after a state change) get distinct ones. */
  let lastStamp = 0;
  function announceEvent(a: Assessment, n: Announcement, time: Date): void {
    lastStamp = Math.max(time.getTime(), lastStamp + 1);
    void postEvent(deps.http, a.object, { type: n.type, reason: n.reason, message: n.message, now: new Date(lastStamp) }).then((failed) => {
      if (failed) deps.log.warn({ reconciliation: `${a.object.kind}/${a.object.namespace}/${a.object.name}`, reason: n.reason, error: failed }, "could not record the event");
    });
  }

  /** Records, Events and notifications of one change (the leader only). */
  const publish = (change: Change, time: Date): void => {
    if (needsEvidence(change)) {
      void collectEvidence(deps.http, change.next.objects).then((evidence) => publishWith(change, time, evidence));
      return;
    }
    publishWith(change, time, []);
  };

  const publishWith = (change: Change, time: Date, evidence: readonly string[]): void => {
    const { previous, next } = change;
    const seen = evidence.length === 0 ? "" : ` Evidence: ${evidence.join("; ")}.`;
    // Evidence goes after the first sentence, before the advice: Event messages are cut at 1 KiB.
    const withEvidence = (message: string): string => {
      const cut = message.indexOf(". ");
      return cut < 0 ? `${message}${seen}` : `${message.slice(0, cut + 1)}${seen}${message.slice(cut + 1)}`;
    };
    const announcements = change.announcements.map((n) => (n.reason === "ReconciliationStuck" || n.reason === "Escalated" ? { ...n, message: withEvidence(n.message) } : n));
    const iso = time.toISOString();
    deps.records?.writeLines(`${JSON.stringify(assessmentRecord({ time: iso, previous: previous?.state, next, announced: announcements.map((n) => n.reason), instance: deps.identity }))}\n`);
    announcements.forEach((n, i) => {
      deps.metrics.announced(n.reason);
      // post-event names Events <object>.<ms in hex>: announcements of one change are a millisecond apart.
      announceEvent(next, n, new Date(time.getTime() + i));
      if (n.notify && deps.notifier) {
        deps.notifier.send((r) => (r.name === "flux" ? fluxEventBody(next, n, iso, deps.identity) : webhookBody(next, n, iso, deps.identity)));
      }
    });
  };

  /**
   * Publishes only what no replica has announced on the object during this episode (the Events
   * say): since it stopped being Ready, or, without that, within the last resync.
   */
  const publishMissing = async (change: Change, time: Date): Promise<void> => {
    const { next } = change;
    const since = next.since === null ? time.getTime() - (deps.resyncMs ?? DEFAULT_RESYNC_MS) - SETTLE_MS : Date.parse(next.since);
    const done = await announcedSince(deps.http, next, new Date(since));
    if (done === undefined) {
      // Unknown: kept for the next resync unless a newer change of the object replaced it.
      if (!unannounced.has(change.key)) unannounced.set(change.key, { change, time });
      return;
    }
    const missing = change.announcements.filter((n) => !done.has(n.reason));
    if (missing.length > 0 || change.announcements.length === 0) publish({ ...change, announcements: missing }, time);
  };

  const tell = (change: Change, time: Date): void => {
    const { previous, next } = change;
    const object = objects.get(change.key);
    // While a recovery is under way its outcome (Recovered after health validation, Escalated with
    // what was tried) is the recoverer's to announce, not the state change's.
    const owned = recoverer !== undefined && object !== undefined && recoverer.owns(object, previous?.since ?? null);
    const announcements = owned ? change.announcements.filter((n) => n.reason !== "Recovered" && n.reason !== "Escalated") : change.announcements;
    change = { ...change, announcements };
    deps.metrics.transition(next.object.kind, previous?.state ?? "none", next.state);
    const leading = deps.isLeader();
    const level = next.state === "stuck" || next.state === "failed" ? "warn" : "info";
    deps.log[level]({ reconciliation: `${next.object.kind}/${next.object.namespace}/${next.object.name}`, from: previous?.state ?? null, to: next.state, cause: next.cause, immutable: next.immutable, escalate: next.escalate, leader: leading, announce: announcements.map((n) => n.reason) }, "reconciliation state changed");
    if (!leading) {
      if (announcements.length > 0) unannounced.set(change.key, { change, time });
      return;
    }
    unannounced.delete(change.key);
    if (previous === undefined && announcements.length > 0) {
      // First sight of a troubled object (a restart, a new leader): another replica may have
      // announced it already; the Events on it say whether.
      void publishMissing(change, time);
      return;
    }
    publish(change, time);
  };

  let flushing: Promise<void> | undefined;
  /** Announces what was seen but not announced (as a standby, or when the journal could not be read). */
  function flushPending(): Promise<void> {
    flushing ??= (async () => {
      const pending = [...unannounced.values()];
      unannounced.clear();
      for (const { change, time } of pending) {
        if (stopped || !deps.isLeader()) return;
        const current = deps.state.get(change.key);
        if (current === undefined || current.state !== change.next.state) continue; // moved on: its next change speaks for it
        await publishMissing(change, time);
      }
    })().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  const assessNow = (): void => {
    if (stopped) return;
    if (deps.isLeader() && unannounced.size > 0 && flushing === undefined) void flushPending();
    const now = deps.now();
    const changes = deps.state.assessAll(objects, now);
    const time = new Date(now);
    for (const change of changes) tell(change, time);
    if (recoverer !== undefined && deps.isLeader()) {
      for (const [key, object] of objects) {
        const a = deps.state.get(key);
        if (a !== undefined) recoverer.consider(object, a);
      }
    }
  };

  const soon = (): void => {
    if (stopped || settle !== undefined) return;
    settle = setTimeout(() => {
      settle = undefined;
      assessNow();
    }, SETTLE_MS);
  };

  const resync = setInterval(assessNow, deps.resyncMs ?? DEFAULT_RESYNC_MS);
  deps.metrics.assessmentsSource(() => deps.state.current());

  return {
    replace(kind, list) {
      for (const [key, o] of objects) if (o.kind === kind) objects.delete(key);
      for (const o of list) objects.set(keyOfReconcilable(o), o);
      soon();
    },
    upsert(o) {
      objects.set(keyOfReconcilable(o), o);
      soon();
    },
    delete(key) {
      if (objects.delete(key)) soon();
    },
    assessNow,
    tookOver: flushPending,
    size: () => objects.size,
    stop() {
      stopped = true;
      recoverer?.stop();
      clearInterval(resync);
      if (settle) clearTimeout(settle);
    },
  };
}
