import type { CascadeEntry, ChangedObject } from "./cascade-entry.ts";
import { crdCascade } from "./crd-cascade.ts";
import { fluxCascade } from "./flux-cascade.ts";
import { rbacCascade } from "./rbac-cascade.ts";
import { referenceCascade } from "./reference-cascade.ts";
import { selectorCascade, serviceCascade } from "./selector-cascade.ts";
import { buildSideIndex, type SideObject } from "./side-index.ts";
import { workloadCascade, type CascadeSides } from "./workload-cascade.ts";

type Relationship = (sides: CascadeSides, changed: ChangedObject) => CascadeEntry[];

/** Every relationship the cascade follows, in the order their entries are listed. */
const RELATIONSHIPS: readonly Relationship[] = [workloadCascade, selectorCascade, serviceCascade, referenceCascade, rbacCascade, fluxCascade, crdCascade];

/** How many cascade entries one object lists: beyond it, a count (a Service over hundreds of workloads). */
export const MAX_CASCADE_ENTRIES = 200;

export interface CascadeInput {
  readonly before: Iterable<SideObject>;
  readonly after: Iterable<SideObject>;
  readonly changed: readonly ChangedObject[];
}

export interface ObjectCascade {
  readonly entries: readonly CascadeEntry[];
  /** Entries found but not listed (over MAX_CASCADE_ENTRIES). */
  readonly omitted: number;
}

function dedupe(entries: readonly CascadeEntry[]): CascadeEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = `${e.kind}/${e.namespace}/${e.name}/${e.relation}/${e.effect}/${e.path ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The cascade of every changed object (same order as `changed`): which other objects of the
 * manifests the change affects, how and why. Both sides are indexed once (linear in the number of
 * objects); each lookup touches only objects sharing a label pair or a name.
 */
export function computeCascade(input: CascadeInput): ObjectCascade[] {
  const sides: CascadeSides = { before: buildSideIndex(input.before), after: buildSideIndex(input.after) };
  return input.changed.map((changed) => {
    const all = dedupe(RELATIONSHIPS.flatMap((relationship) => relationship(sides, changed)));
    return { entries: all.slice(0, MAX_CASCADE_ENTRIES), omitted: Math.max(0, all.length - MAX_CASCADE_ENTRIES) };
  });
}
