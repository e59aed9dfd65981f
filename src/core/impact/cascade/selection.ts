import { indexedNamespaces, selectIn, selectorsOf, type LabelIndex } from "./label-index.ts";
import { selectorMatches, type Labels, type Selector } from "./label-selector.ts";
import { namespaceLabelsOf, type HeldSelector, type SideIndex, type SideObject, type Workload } from "./side-index.ts";

/** Whether a namespaceSelector selects a namespace of this side (its labels as far as the set knows them). */
export function namespaceMatcher(side: SideIndex): (selector: Selector, namespace: string) => boolean {
  return (selector, namespace) => selectorMatches(selector, namespaceLabelsOf(side, namespace).labels);
}

function namespacesOf<T>(side: SideIndex, held: HeldSelector, index: LabelIndex<T>): string[] {
  const scope = held.scope;
  if (scope.type === "names") return [...new Set(scope.names)];
  const all = [...indexedNamespaces(index)];
  if (scope.type === "any") return all;
  const matches = namespaceMatcher(side);
  return all.filter((ns) => matches(scope.selector, ns));
}

/** The workloads of this side whose pods the selector selects (in the namespaces it looks in). */
export function selectedWorkloads(side: SideIndex, held: HeldSelector): readonly Workload[] {
  const cached = side.selectedCache.get(held.key);
  if (cached) return cached;
  const selected = namespacesOf(side, held, side.workloads).flatMap((ns) => selectIn(side.workloads, ns, held.selector));
  side.selectedCache.set(held.key, selected);
  return selected;
}

/** The Services of this side a ServiceMonitor selects. */
export function selectedServices(side: SideIndex, held: HeldSelector): SideObject[] {
  return namespacesOf(side, held, side.services).flatMap((ns) => selectIn(side.services, ns, held.selector));
}

/** Every pod selector of this side that selects pods with these labels in this namespace. */
export function podSelectorsOf(side: SideIndex, namespace: string, labels: Labels): HeldSelector[] {
  return selectorsOf(side.podSelectors, namespace, labels, namespaceMatcher(side));
}

/** Every ServiceMonitor selector of this side that selects a Service with these labels in this namespace. */
export function serviceSelectorsOf(side: SideIndex, namespace: string, labels: Labels): HeldSelector[] {
  return selectorsOf(side.serviceSelectors, namespace, labels, namespaceMatcher(side));
}

/** A held selector's identity across the two sides: owner and field path. */
export function heldKey(held: HeldSelector): string {
  return held.key;
}

/** The same held selector on the other side (same owner identity and path), if that side has it. */
export function heldOn(side: SideIndex, held: HeldSelector): HeldSelector | undefined {
  return side.heldByKey.get(held.key);
}
