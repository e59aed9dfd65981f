import { assess } from "../assess/assess.ts";
import { memoDiagnose } from "../assess/diagnose-message.ts";
import type { Assessment } from "../assess/assessment.ts";
import { subjectKey } from "../assess/object-ref.ts";
import type { Reconcilable } from "../assess/reconcilable.ts";
import type { Thresholds } from "../assess/thresholds.ts";
import { announce, type Announcement } from "./announcement.ts";

/** One object whose assessment changed in a way worth telling (state, escalation, immutable). */
export interface Change {
  readonly key: string;
  readonly previous: Assessment | undefined;
  readonly next: Assessment;
  readonly announcements: readonly Announcement[];
}

export interface WatchState {
  /** Assesses every object at `now`; returns the changes since the last call. */
  assessAll(objects: ReadonlyMap<string, Reconcilable>, now: number): Change[];
  /** The current assessments (metrics read them at scrape time). */
  current(): Iterable<Assessment>;
  get(key: string): Assessment | undefined;
  size(): number;
}

export function keyOfReconcilable(o: Reconcilable): string {
  return subjectKey(o.kind, o.object.metadata.namespace ?? "", o.object.metadata.name);
}

function changed(previous: Assessment | undefined, next: Assessment): boolean {
  return previous === undefined || previous.state !== next.state || previous.escalate !== next.escalate || previous.immutable !== next.immutable || previous.cause !== next.cause;
}

/**
 * What watch remembers between resyncs: the last assessment of each object and when it was first
 * seen not Ready (Flux resets Ready's transition time on every attempt; this memory does not).
 * Objects that are gone are forgotten. Pure apart from its own maps: the clock comes in as `now`.
 */
export function createWatchState(options: { readonly thresholds: (kind: string, namespace: string) => Thresholds; readonly runbook: string }): WatchState {
  let assessments = new Map<string, Assessment>();
  const diagnose = memoDiagnose();
  const notReadySince = new Map<string, number>();
  return {
    assessAll(objects, now) {
      const lookup = (kind: string, namespace: string, name: string): Reconcilable | undefined => objects.get(subjectKey(kind, namespace, name));
      const next = new Map<string, Assessment>();
      const changes: Change[] = [];
      for (const [key, object] of objects) {
        const a = assess(object, now, options.thresholds, { lookup, notReadySince: (k) => notReadySince.get(k), diagnose });
        if (a.state === "ready" || a.state === "suspended") notReadySince.delete(key);
        else if (!notReadySince.has(key)) notReadySince.set(key, now);
        next.set(key, a);
        const previous = assessments.get(key);
        if (changed(previous, a)) changes.push({ key, previous, next: a, announcements: announce(previous, a, options.runbook) });
      }
      for (const key of notReadySince.keys()) if (!objects.has(key)) notReadySince.delete(key);
      assessments = next;
      return changes;
    },
    current: () => assessments.values(),
    get: (key) => assessments.get(key),
    size: () => assessments.size,
  };
}
