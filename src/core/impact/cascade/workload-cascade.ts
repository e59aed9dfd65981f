import { describeObject, identityKey } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import { getAt } from "../../k8s/field-path.ts";
import { describeSelector, labelsOf } from "./label-selector.ts";
import { createsPods, podTemplateOf, sameLabels, type PodTemplate } from "./pod-templates.ts";
import { heldKey, heldOn, podSelectorsOf, selectedWorkloads, serviceSelectorsOf } from "./selection.ts";
import { nodeName, refKey, type HeldSelector, type SideIndex, type SideObject } from "./side-index.ts";

export interface CascadeSides {
  readonly before: SideIndex;
  readonly after: SideIndex;
}

function templateOf(node: SideObject | undefined): PodTemplate | undefined {
  return node ? podTemplateOf(node.identity.group, node.identity.kind, node.object) : undefined;
}

/** "Service web/api", "NetworkPolicy web/deny's peer spec.ingress[0].from[0]". */
function holder(held: HeldSelector): string {
  return held.role === "NetworkPolicy peer" ? `${nodeName(held.owner)}'s peer ${held.path}` : nodeName(held.owner);
}

const LOSS: Record<HeldSelector["role"], string> = {
  Service: "it sends no traffic to them",
  PodDisruptionBudget: "they are no longer protected from voluntary disruption",
  NetworkPolicy: "the policy no longer applies to them",
  "NetworkPolicy peer": "traffic the policy allowed to or from them is now denied",
  PodMonitor: "they are no longer scraped",
  ServiceMonitor: "it is no longer scraped",
};

/** Objects that reach a Service: Ingresses and Gateway routes (backends) and ServiceMonitors (labels). */
function serviceConsumers(after: SideIndex, service: SideObject): { node: SideObject; path: string }[] {
  const { namespace, name: serviceName } = service.identity;
  const routes = (after.refs.get(refKey("", "Service", namespace, serviceName)) ?? []).map((r) => ({ node: r.holder, path: r.path }));
  const monitors = serviceSelectorsOf(after, namespace, labelsOf(getAt(service.object, ["metadata", "labels"]))).map((h) => ({ node: h.owner, path: h.path }));
  return [...routes, ...monitors];
}

/** A Service left selecting nothing also strands what sends traffic to it or scrapes it. */
function strandedByService(after: SideIndex, service: SideObject): CascadeEntry[] {
  return serviceConsumers(after, service).map(({ node, path }) =>
    entryFor(node, "targets", "dangling", `${nodeName(node)} reaches ${nodeName(service)}, which selects no pods of any workload in the manifests after this change`, path),
  );
}

interface Candidate {
  readonly before?: HeldSelector;
  readonly after?: HeldSelector;
}

function candidates(sides: CascadeSides, changed: ChangedObject, tb: PodTemplate | undefined, ta: PodTemplate | undefined): Map<string, Candidate> {
  const byKey = new Map<string, Candidate>();
  const ns = changed.identity.namespace;
  if (tb) for (const h of podSelectorsOf(sides.before, ns, tb.labels)) byKey.set(heldKey(h), { before: h });
  if (ta) {
    for (const h of podSelectorsOf(sides.after, ns, ta.labels)) byKey.set(heldKey(h), { ...byKey.get(heldKey(h)), after: h });
  }
  return byKey;
}

function lostEntries(sides: CascadeSides, changed: ChangedObject, before: HeldSelector, workload: string): CascadeEntry[] {
  const afterHeld = heldOn(sides.after, before);
  // The selecting object itself is removed: its own pair reports that.
  if (!afterHeld) return [];
  const self = identityKey(changed.identity);
  const others = selectedWorkloads(sides.after, afterHeld).filter((w) => identityKey(w.node.identity) !== self);
  if (others.length > 0) {
    return [entryFor(afterHeld.owner, "selects", "deselected", `${holder(afterHeld)} no longer selects the pods of ${workload}: ${LOSS[afterHeld.role]}`, afterHeld.path)];
  }
  const message =
    `after this change ${holder(afterHeld)} selects no pods of any workload in the manifests ` +
    `(selector ${describeSelector(afterHeld.selector)}; ${workload} was the one it selected): ${LOSS[afterHeld.role]}`;
  const entries = [entryFor(afterHeld.owner, "selects", "dangling", message, afterHeld.path)];
  if (afterHeld.role === "Service") entries.push(...strandedByService(sides.after, afterHeld.owner));
  return entries;
}

function gainedEntry(sides: CascadeSides, after: HeldSelector, workload: string): CascadeEntry | undefined {
  const counted = after.role === "Service" || after.role === "PodDisruptionBudget";
  const selected = counted ? selectedWorkloads(sides.after, after) : [];
  if (selected.length > 1) {
    const shown = selected.slice(0, 5).map((w) => nodeName(w.node)).join(", ");
    const why = after.role === "Service" ? "traffic is spread over all of them" : "a pod under two budgets cannot be evicted (the eviction API refuses it)";
    return entryFor(after.owner, "selects", "selects-multiple", `${holder(after)} now selects pods of ${selected.length} workloads (${shown}): ${why}`, after.path);
  }
  // A selector that is new itself (a new app's own Service) selecting new pods is the intent, not a cascade.
  if (!heldOn(sides.before, after)) return undefined;
  return entryFor(after.owner, "selects", "newly-selected", `${holder(after)} now selects the pods of ${workload}`, after.path);
}

function replacedEntry(held: HeldSelector, workload: string): CascadeEntry | undefined {
  if (held.role === "Service") {
    return entryFor(held.owner, "selects", "recreated-target", `${nodeName(held.owner)} loses every endpoint of ${workload} while it is deleted and created again`, held.path);
  }
  if (held.role === "PodDisruptionBudget") {
    return entryFor(held.owner, "selects", "recreated-target", `${nodeName(held.owner)} does not protect the pods of ${workload} from its deletion (a delete is not an eviction)`, held.path);
  }
  return undefined;
}

/** HPAs and VPAs that scale the workload. */
function scalerEntries(sides: CascadeSides, changed: ChangedObject, workload: string): CascadeEntry[] {
  const { group, kind, namespace, name: n } = changed.identity;
  const scalers = (sides.after.refs.get(refKey(group, kind, namespace, n)) ?? []).filter((r) => r.path.startsWith("spec.scaleTargetRef") || r.path === "spec.targetRef");
  return scalers.flatMap((r) => {
    if (changed.change === "removed") return [entryFor(r.holder, "targets", "missing-reference", `${nodeName(r.holder)} targets ${workload}, which is removed: it scales nothing`, r.path)];
    if (changed.replaced) return [entryFor(r.holder, "targets", "recreated-target", `${nodeName(r.holder)} targets ${workload}, which is being recreated: scaling stops until it exists again and its replica count starts from the manifest`, r.path)];
    return [];
  });
}

function optional(entry: CascadeEntry | undefined): CascadeEntry[] {
  return entry ? [entry] : [];
}

/**
 * What selects a changed workload's pods, before and after: Services, PDBs, NetworkPolicies and
 * their peers, PodMonitors; and what scales it. Only when its pod labels change, it comes or goes,
 * or it is replaced.
 */
export function workloadCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind } = changed.identity;
  if (!createsPods(group, kind)) return [];
  const tb = templateOf(changed.before);
  const ta = templateOf(changed.after);
  const workload = describeObject(kind, changed.identity.namespace, changed.identity.name);
  const entries = scalerEntries(sides, changed, workload);
  const relabelled = !(tb && ta && sameLabels(tb.labels, ta.labels));
  if (!relabelled && !changed.replaced) return entries;
  for (const { before, after } of candidates(sides, changed, tb, ta).values()) {
    if (before && !after) entries.push(...lostEntries(sides, changed, before, workload));
    else if (!before && after) entries.push(...optional(gainedEntry(sides, after, workload)));
    else if (before && after && changed.replaced) entries.push(...optional(replacedEntry(after, workload)));
  }
  return entries;
}
