import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject } from "../../k8s/json.ts";
import { identityKey } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import { nodeName, refKey, type SideIndex, type SideObject } from "./side-index.ts";
import type { CascadeSides } from "./workload-cascade.ts";

const FLUX_KINDS: ReadonlySet<string> = new Set(["kustomize.toolkit.fluxcd.io/Kustomization", "helm.toolkit.fluxcd.io/HelmRelease"]);

/** How many dependents one change lists (a hub Kustomization in a big fleet has hundreds). */
export const MAX_DEPENDENTS = 200;

function dependents(side: SideIndex, node: SideObject): SideObject[] {
  return (side.refs.get(identityKey(node.identity)) ?? []).filter((r) => r.path.startsWith("spec.dependsOn")).map((r) => r.holder);
}

/** Keys of what an object's dependsOn names (namespace defaulting to its own). */
function dependencies(node: SideObject): string[] {
  const deps = getAt(node.object, ["spec", "dependsOn"]);
  const { group, kind, namespace } = node.identity;
  return (Array.isArray(deps) ? deps : []).flatMap((d) => {
    if (!isJsonObject(d) || typeof d["name"] !== "string") return [];
    const ns = typeof d["namespace"] === "string" && d["namespace"] !== "" ? d["namespace"] : namespace;
    return [refKey(group, kind, ns, d["name"])];
  });
}

/** A dependsOn cycle through `start` on this side: the path back to it, or undefined. Bounded by the set's size. */
function cycleThrough(side: SideIndex, start: SideObject): SideObject[] | undefined {
  const startKey = identityKey(start.identity);
  const seen = new Set<string>();
  const stack: { node: SideObject; path: SideObject[] }[] = [{ node: start, path: [start] }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (!top) break;
    for (const key of dependencies(top.node)) {
      if (key === startKey) return top.path;
      const next = side.objects.get(key);
      if (!next || seen.has(key)) continue;
      seen.add(key);
      stack.push({ node: next, path: [...top.path, next] });
    }
  }
  return undefined;
}

function ownEntries(sides: CascadeSides, changed: ChangedObject, self: string): CascadeEntry[] {
  const after = changed.after;
  if (!after) return [];
  const entries: CascadeEntry[] = [];
  for (const key of dependencies(after)) {
    const gone = sides.before.objects.get(key);
    if (gone && !sides.after.objects.has(key)) {
      entries.push(entryFor(gone, "referenced-by", "missing-reference", `${self} depends on ${nodeName(gone)}, which this change removes: it will not reconcile ("dependency not found")`));
    }
  }
  const cycle = cycleThrough(sides.after, after);
  if (cycle) {
    const loop = [...cycle, after].map(nodeName).join(" → ");
    const [first] = cycle.slice(1);
    entries.push(entryFor(first ?? after, "depends-on", "cycle", `dependsOn cycle: ${loop}; none of them becomes ready`, "spec.dependsOn"));
  }
  return entries;
}

/**
 * A changed Flux Kustomization or HelmRelease: its dependents, transitively (`dependsOn`,
 * namespace defaulting to the dependent's): removed → their dependency is missing; otherwise they
 * reconcile after it (order). Its own dependsOn: dependencies this change removes, and cycles.
 */
export function fluxCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind } = changed.identity;
  if (!FLUX_KINDS.has(`${group}/${kind}`)) return [];
  const node = changed.after ?? changed.before;
  if (!node) return [];
  const self = nodeName(node);
  const entries = ownEntries(sides, changed, self);
  const seen = new Set<string>([identityKey(node.identity)]);
  let frontier = dependents(sides.after, node).map((d) => ({ node: d, via: node }));
  while (frontier.length > 0 && seen.size <= MAX_DEPENDENTS) {
    const next: typeof frontier = [];
    for (const { node: d, via } of frontier) {
      const key = identityKey(d.identity);
      if (seen.has(key)) continue;
      seen.add(key);
      const direct = via === node;
      if (changed.change === "removed" && direct) {
        entries.push(entryFor(d, "depends-on", "missing-reference", `${nodeName(d)} depends on ${self}, which is removed: it will not reconcile ("dependency not found")`, "spec.dependsOn"));
      } else {
        const how = direct ? "depends on" : `depends (through ${nodeName(via)}) on`;
        entries.push(entryFor(d, "depends-on", "order", `${nodeName(d)} ${how} ${self}: it is reconciled only after ${self} is ready again`, "spec.dependsOn"));
      }
      next.push(...dependents(sides.after, d).map((dd) => ({ node: dd, via: d })));
    }
    frontier = next;
  }
  return entries;
}
