import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import type { ClusterApi } from "./cluster-api.ts";
import { meta, numberField } from "./json-fields.ts";

/** One event as a controller emits it. */
export interface EventDraft {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/** Emits Events for one component, aggregating repeats. */
export type EventEmitter = (object: JsonObject, event: EventDraft) => Promise<void>;

// Distinct events remembered for aggregation; the oldest is forgotten beyond this (client-go's
// EventCorrelator keeps an LRU cache of 4096).
const MAX_REMEMBERED = 4096;

/**
 * A core/v1 Event emitter for `component` ("deployment-controller", …), as client-go's
 * EventRecorder with its EventCorrelator: the first occurrence creates `<object>.<hex>`; a repeat
 * (same object, type, reason, message) bumps count and lastTimestamp of that Event, at most once
 * per simulated instant, so a controller retrying a failing write each pass still reaches a fixed
 * point within a tick.
 */
export function createEventEmitter(api: ClusterApi, component: string): EventEmitter {
  const seen = new Map<string, { name: string; namespace: string; atMs: number }>();
  let serial = 0;
  return async (object, event) => {
    const nowMs = api.now().getTime();
    const stamp = kubeTimestamp(api.now());
    const namespace = meta(object, "namespace") || "default";
    const key = JSON.stringify([meta(object, "uid"), event.type, event.reason, event.message]);
    const known = seen.get(key);
    if (known && known.atMs === nowMs) return;
    if (known && api.get({ apiVersion: "v1", kind: "Event", namespace: known.namespace, name: known.name })) {
      known.atMs = nowMs;
      await api.update({ apiVersion: "v1", kind: "Event", namespace: known.namespace, name: known.name }, (e) => ({ ...e, count: numberField(e, "count", 1) + 1, lastTimestamp: stamp }));
      return;
    }
    serial += 1;
    const name = `${meta(object, "name")}.${(nowMs * 1000 + serial).toString(16)}`;
    seen.set(key, { name, namespace, atMs: nowMs });
    if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value!);
    await api.create({
      apiVersion: "v1", kind: "Event", metadata: { name, namespace },
      involvedObject: { apiVersion: String(object["apiVersion"]), kind: String(object["kind"]), namespace, name: meta(object, "name"), uid: meta(object, "uid"), resourceVersion: meta(object, "resourceVersion") },
      reason: event.reason, message: event.message, type: event.type, source: { component },
      firstTimestamp: stamp, lastTimestamp: stamp, count: 1, reportingComponent: component, reportingInstance: `${component}-simulated`,
    });
  };
}
