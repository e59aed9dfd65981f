import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf, parseMapSelector, selectorMatches } from "../../../src/core/impact/cascade/label-selector.ts";
import type { ClusterApi } from "./cluster-api.ts";
import { meta, objectField } from "./json-fields.ts";
import { POD, SERVICE } from "./kinds.ts";
import { isPodServing } from "./pod-conditions.ts";

/** When a sample was taken. */
export interface SampleMoment {
  /** The driver's tick count (0 before the first advance). */
  readonly tick: number;
  /** Simulated time, epoch milliseconds. */
  readonly timeMs: number;
  /** The store's resourceVersion after the write that led to the sample. */
  readonly resourceVersion: string;
}

/** The lowest count seen and when. */
export interface ReadyMinimum extends SampleMoment {
  readonly ready: number;
  /** The ready pods' names at that moment. */
  readonly pods: readonly string[];
}

/** Counts the ready pods a Service selects, after every committed write and at every tick. */
export interface ReadyPodsRecorder {
  readonly namespace: string;
  readonly service: string;
  /** The lowest count seen since the recorder started (Infinity before the first sample). */
  readonly min: number;
  /** When `min` was first seen; undefined before the first sample. */
  readonly minAt: ReadyMinimum | undefined;
  /** The count at each tick, oldest first (one entry per tick: bounded by the scenario's length). */
  readonly perTick: readonly { readonly tick: number; readonly timeMs: number; readonly ready: number }[];
  /** The count now. */
  current(): number;
  /** Stops sampling. */
  stop(): void;
}

/** Where a recorder gets its samples from: the driver. */
export interface RecorderSource {
  readonly api: ClusterApi;
  /** Calls the listener after every committed write in the cluster; returns the remover. */
  onWrite(listener: () => void): () => void;
  /** Calls the listener after every tick's fixed point; returns the remover. */
  onTick(listener: (tick: number) => void): () => void;
  currentTick(): number;
  resourceVersion(): string;
}

/** Names of the pods the Service's selector picks that are Ready and not terminating (0 if the Service is absent). */
export function readyPodsOf(api: ClusterApi, namespace: string, service: string): string[] {
  const svc = api.get({ ...SERVICE, namespace, name: service });
  if (!svc) return [];
  const selector = parseMapSelector(objectField(svc, "spec")["selector"]);
  return api.list(POD, namespace)
    .filter((pod: JsonObject) => selectorMatches(selector, labelsOf(objectField(pod, "metadata")["labels"])) && isPodServing(pod))
    .map((pod) => meta(pod, "name"));
}

/**
 * The availability assertion issue 14 asks for: the minimum, over every state the cluster went
 * through (after each committed write, whoever made it, and at each tick), of the ready pods the
 * Service `namespace/service` selects, so a scenario can assert
 * `recorder.min >= replicas - maxUnavailable`. Sampling every write, not only ticks, catches a
 * window that opens and closes between two ticks (a selector switched before the new pods are
 * ready, then switched back).
 */
export function recordReadyPods(source: RecorderSource, namespace: string, service: string): ReadyPodsRecorder {
  let min = Number.POSITIVE_INFINITY;
  let minAt: ReadyMinimum | undefined;
  const perTick: { tick: number; timeMs: number; ready: number }[] = [];
  const sample = (): number => {
    const pods = readyPodsOf(source.api, namespace, service);
    if (pods.length < min) {
      min = pods.length;
      minAt = { ready: pods.length, pods, tick: source.currentTick(), timeMs: source.api.now().getTime(), resourceVersion: source.resourceVersion() };
    }
    return pods.length;
  };
  sample();
  const offWrite = source.onWrite(() => void sample());
  const offTick = source.onTick((tick) => perTick.push({ tick, timeMs: source.api.now().getTime(), ready: sample() }));
  return {
    namespace, service, perTick,
    get min() { return min; },
    get minAt() { return minAt; },
    current: () => readyPodsOf(source.api, namespace, service).length,
    stop() {
      offWrite();
      offTick();
    },
  };
}
