import type { Condition } from "./reconcilable.ts";

/** The condition of a type, if present (Flux and Kubernetes conditions are unique by type). */
export function conditionOf(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Milliseconds since the epoch of an RFC 3339 timestamp; undefined when absent or unparsable. */
export function timeOf(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null || text === "") return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
