import type { JsonObject } from "../../../src/core/k8s/json.ts";

// pkg/apis/events/v1/conversion.go: events.k8s.io/v1 renames these core v1 Event fields; the
// rest (action, reason, type, related, series, eventTime, reportingInstance, metadata) keep names.
const CORE_TO_EVENTS_V1: ReadonlyArray<readonly [string, string]> = [
  ["involvedObject", "regarding"],
  ["message", "note"],
  ["source", "deprecatedSource"],
  ["firstTimestamp", "deprecatedFirstTimestamp"],
  ["lastTimestamp", "deprecatedLastTimestamp"],
  ["count", "deprecatedCount"],
  ["reportingComponent", "reportingController"],
];

function rename(obj: JsonObject, pairs: ReadonlyArray<readonly [string, string]>): JsonObject {
  const out: JsonObject = { ...obj };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from]!;
      delete out[from];
    }
  }
  return out;
}

/** A stored (core v1) Event as events.k8s.io/v1 serves it. */
export function coreEventToEventsV1(stored: JsonObject): JsonObject {
  return { ...rename(stored, CORE_TO_EVENTS_V1), apiVersion: "events.k8s.io/v1", kind: "Event" };
}

/** An events.k8s.io/v1 Event in its stored (core v1) form. */
export function eventsV1ToCoreEvent(served: JsonObject): JsonObject {
  const swapped = CORE_TO_EVENTS_V1.map(([core, v1]) => [v1, core] as const);
  return { ...rename(served, swapped), apiVersion: "v1", kind: "Event" };
}
