import { getAt } from "../../k8s/field-path.ts";
import { describeObject, identityKey } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import { describeSelector, labelsOf } from "./label-selector.ts";
import { heldOn, selectedServices, selectedWorkloads, serviceSelectorsOf } from "./selection.ts";
import { nodeName, type HeldSelector, type SideIndex, type SideObject } from "./side-index.ts";
import type { CascadeSides } from "./workload-cascade.ts";

function selected(side: SideIndex, held: HeldSelector): SideObject[] {
  return held.role === "ServiceMonitor" ? selectedServices(side, held) : selectedWorkloads(side, held).map((w) => w.node);
}

function what(held: HeldSelector): string {
  return held.role === "NetworkPolicy peer" ? `the peer ${held.path} of ${nodeName(held.owner)}` : nodeName(held.owner);
}

/** One selector of a modified selecting object: who it stops selecting, who it starts selecting. */
function heldEntries(sides: CascadeSides, before: HeldSelector | undefined, after: HeldSelector): CascadeEntry[] {
  const was = before ? selected(sides.before, before) : [];
  const now = selected(sides.after, after);
  const nowKeys = new Set(now.map((n) => identityKey(n.identity)));
  const wasKeys = new Set(was.map((n) => identityKey(n.identity)));
  const entries: CascadeEntry[] = [];
  for (const node of was) {
    if (nowKeys.has(identityKey(node.identity))) continue;
    const affected = sides.after.objects.get(identityKey(node.identity));
    if (!affected) continue;
    const effect = now.length === 0 ? "dangling" : "deselected";
    const tail = now.length === 0 ? `; after this change it selects nothing in the manifests (selector ${describeSelector(after.selector)})` : "";
    entries.push(entryFor(affected, "selected-by", effect, `${what(after)} no longer selects ${nodeName(affected)}${tail}`, after.path));
  }
  // A new selector object is the intent; a changed one that reaches new pods is a cascade.
  if (!before) return entries;
  for (const node of now) {
    if (wasKeys.has(identityKey(node.identity))) continue;
    entries.push(entryFor(node, "selected-by", "newly-selected", `${what(after)} now selects ${nodeName(node)}`, after.path));
  }
  return entries;
}

/**
 * A modified Service, PDB, NetworkPolicy, PodMonitor or ServiceMonitor: the workloads (or
 * Services) its selectors stop or start selecting. Removed selecting objects are intended.
 */
export function selectorCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  if (changed.change !== "modified" || !changed.after) return [];
  const held = sides.after.held.get(identityKey(changed.identity)) ?? [];
  return held.flatMap((after) => heldEntries(sides, heldOn(sides.before, after), after));
}

function servicePorts(service: SideObject | undefined): { names: Set<string>; numbers: Set<number> } {
  const names = new Set<string>();
  const numbers = new Set<number>();
  const ports = getAt(service?.object, ["spec", "ports"]);
  for (const port of Array.isArray(ports) ? ports : []) {
    const n = getAt(port, ["name"]);
    const p = getAt(port, ["port"]);
    if (typeof n === "string") names.add(n);
    if (typeof p === "number") numbers.add(p);
  }
  return { names, numbers };
}

function hasPort(ports: { names: Set<string>; numbers: Set<number> }, port: string | number): boolean {
  return typeof port === "number" ? ports.numbers.has(port) : ports.names.has(port);
}

/**
 * A changed Service: the Ingresses and Gateway routes sending to it (removed → missing reference;
 * a port they use gone → missing reference; replaced → recreated target) and the ServiceMonitors
 * that stop selecting it (its labels changed or it is removed).
 */
export function serviceCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind, namespace, name: n } = changed.identity;
  if (group !== "" || kind !== "Service") return [];
  const service = describeObject(kind, namespace, n);
  return [...backendEntries(sides, changed, service), ...monitorEntries(sides, changed, service)];
}

function backendEntries(sides: CascadeSides, changed: ChangedObject, service: string): CascadeEntry[] {
  const entries: CascadeEntry[] = [];
  const ports = servicePorts(changed.after);
  const portsBefore = servicePorts(changed.before);
  for (const ref of sides.after.refs.get(identityKey(changed.identity)) ?? []) {
    if (changed.change === "removed") {
      entries.push(entryFor(ref.holder, "targets", "missing-reference", `${nodeName(ref.holder)} sends traffic to ${service}, which is removed`, ref.path));
    } else if (ref.port !== undefined && !hasPort(ports, ref.port) && hasPort(portsBefore, ref.port)) {
      entries.push(entryFor(ref.holder, "targets", "missing-reference", `${nodeName(ref.holder)} sends traffic to port ${String(ref.port)} of ${service}, which no longer has it`, ref.path));
    } else if (changed.replaced) {
      entries.push(entryFor(ref.holder, "targets", "recreated-target", `${nodeName(ref.holder)} sends traffic to ${service}, which is deleted and created again (no endpoints meanwhile)`, ref.path));
    }
  }
  return entries;
}

function monitorEntries(sides: CascadeSides, changed: ChangedObject, service: string): CascadeEntry[] {
  const namespace = changed.identity.namespace;
  const entries: CascadeEntry[] = [];
  if (!changed.before) return entries;
  const labelsAfter = changed.after ? labelsOf(getAt(changed.after.object, ["metadata", "labels"])) : new Map<string, string>();
  const monitorsAfter = new Set(serviceSelectorsOf(sides.after, namespace, labelsAfter).map((h) => identityKey(h.owner.identity)));
  for (const h of serviceSelectorsOf(sides.before, namespace, labelsOf(getAt(changed.before.object, ["metadata", "labels"])))) {
    const monitor = sides.after.objects.get(identityKey(h.owner.identity));
    if (!monitor || monitorsAfter.has(identityKey(h.owner.identity))) continue;
    const afterHeld = heldOn(sides.after, h);
    const left = afterHeld ? selectedServices(sides.after, afterHeld).length : 0;
    const effect = left === 0 ? "dangling" : "deselected";
    const tail = left === 0 ? ": it now selects no Service in the manifests" : "";
    entries.push(entryFor(monitor, "selects", effect, `${nodeName(monitor)} no longer selects ${service}${tail}`, h.path));
  }
  return entries;
}
