import type { Assessment, RootCause } from "./assessment.ts";
import { diagnoseMessage, type DiagnoseFn } from "./diagnose-message.ts";
import { judge } from "./judge.ts";
import type { SubjectRef } from "./object-ref.ts";
import { subjectKey } from "./object-ref.ts";
import { readApplication } from "./read-application.ts";
import { readFlux } from "./read-flux.ts";
import type { Reconcilable } from "./reconcilable.ts";
import type { Reading } from "./reading.ts";
import type { Thresholds } from "./thresholds.ts";

/** Longest dependsOn chain followed (Flux itself has no limit; real chains are a handful deep). */
export const MAX_DEPENDENCY_DEPTH = 32;

export interface AssessContext {
  /** Other objects by kind, namespace and name: the dependsOn targets. */
  readonly lookup?: (kind: string, namespace: string, name: string) => Reconcilable | undefined;
  /** Per object: when the caller first saw it not Ready (ms); see JudgeContext.notReadySince. */
  readonly notReadySince?: (key: string) => number | undefined;
  /** Message diagnosis (watch passes a memoised one). */
  readonly diagnose?: DiagnoseFn;
}

export function read(object: Reconcilable, diagnose: DiagnoseFn = diagnoseMessage): Reading {
  return object.kind === "Application" ? readApplication(object.object, diagnose) : readFlux(object.object, diagnose);
}

function keyOf(subject: SubjectRef): string {
  return subjectKey(subject.kind, subject.namespace, subject.name);
}

function judgeOne(reading: Reading, now: number, thresholds: Thresholds, context: AssessContext, rootCause: RootCause | null): Assessment {
  const since = context.notReadySince?.(keyOf(reading.subject));
  return judge(reading, now, thresholds, { rootCause, ...(since === undefined ? {} : { notReadySince: since }) });
}

/**
 * Follows `dependsOn` from a waiting object to the first dependency that is not converging for a
 * reason of its own: Flux requeues waiting dependents every 30 s (`--requeue-dependency`), so
 * a chain of waits always ends in one real cause (watch-recovery.md §1.2 checkDependencies).
 */
function rootCauseOf(start: Reading, now: number, thresholds: (kind: string, namespace: string) => Thresholds, context: AssessContext): RootCause | null {
  const lookup = context.lookup;
  if (lookup === undefined) return null;
  const chain: SubjectRef[] = [];
  const seen = new Set<string>([keyOf(start.subject)]);
  let current = start;
  for (let depth = 0; depth < MAX_DEPENDENCY_DEPTH; depth++) {
    const kind = current.subject.kind;
    let next: Reading | undefined;
    let missing: SubjectRef | undefined;
    for (const dep of current.waitsOn) {
      const found = lookup(kind, dep.namespace, dep.name);
      const ref: SubjectRef = { apiVersion: found?.object.apiVersion ?? current.subject.apiVersion, kind, namespace: dep.namespace, name: dep.name };
      if (found === undefined) {
        missing ??= ref;
        continue;
      }
      const reading = read(found, context.diagnose);
      if (reading.phase !== "ready") {
        next = reading;
        break;
      }
    }
    if (next === undefined) {
      if (missing === undefined) return chain.length === 0 ? null : rootFrom(current, now, thresholds, context, chain);
      return { object: missing, state: "unknown", cause: null, message: "not found among the objects read", chain: [...chain, missing] };
    }
    if (seen.has(keyOf(next.subject))) {
      return { object: next.subject, state: "stuck", cause: "dependency", message: "dependsOn cycle", chain: [...chain, next.subject] };
    }
    seen.add(keyOf(next.subject));
    chain.push(next.subject);
    if (next.cause !== "dependency") return rootFrom(next, now, thresholds, context, chain);
    current = next;
  }
  return null;
}

function rootFrom(reading: Reading, now: number, thresholds: (kind: string, namespace: string) => Thresholds, context: AssessContext, chain: readonly SubjectRef[]): RootCause {
  const a = judgeOne(reading, now, thresholds(reading.subject.kind, reading.subject.namespace), context, null);
  return { object: a.object, state: a.state, cause: a.cause, message: a.message, chain };
}

/**
 * The assessment of one Kustomization, HelmRelease or Argo CD Application at `now` (ms since the
 * epoch) under its thresholds. Pure: the clock, the other objects and what the caller remembers
 * come in as arguments. `thresholds` may be a function of kind and namespace (policy overrides),
 * so that dependencies are judged under their own.
 */
export function assess(
  object: Reconcilable,
  now: number,
  thresholds: Thresholds | ((kind: string, namespace: string) => Thresholds),
  context: AssessContext = {},
): Assessment {
  const thresholdsOf = typeof thresholds === "function" ? thresholds : () => thresholds;
  const reading = read(object, context.diagnose);
  const rootCause = reading.cause === "dependency" ? rootCauseOf(reading, now, thresholdsOf, context) : null;
  return judgeOne(reading, now, thresholdsOf(reading.subject.kind, reading.subject.namespace), context, rootCause);
}
