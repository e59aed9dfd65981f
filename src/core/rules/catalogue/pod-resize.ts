import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, isNil, semanticEqual, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { compareQuantities, parseQuantity } from "../../k8s/quantity.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { canonicalQuantity } from "./canonical-quantity.ts";

/**
 * The `pods/resize` subresource (ValidatePodResize, pkg/apis/core/validation/validation.go;
 * podResizeStrategy, pkg/registry/core/pod/strategy.go; reference/k8s-immutability-1.34-plus.md
 * §2.1). Its PrepareForUpdate keeps only the containers' resources from the request (every other
 * change is dropped, not refused), so the rules here judge resources only.
 */

const CPU_MEMORY = new Set(["cpu", "memory"]);
const RESOURCE_LISTS = ["requests", "limits"] as const;

/** A container the resize may change: a regular one, or a restartable (sidecar) init container. */
export interface ResizableContainer {
  readonly path: readonly PathSegment[];
  readonly old: JsonObject;
  readonly new: JsonObject;
  readonly sidecar: boolean;
}

function containersOf(spec: JsonValue | undefined, list: "containers" | "initContainers"): JsonObject[] {
  const items = getAt(spec, [list]);
  return Array.isArray(items) ? items.filter(isJsonObject) : [];
}

/** Containers present on both sides (matched by name, as validatePodResizeContainerOrdering requires). */
function pairedContainers(input: RuleInput): { containers: ResizableContainer[]; plainInit: ResizableContainer[] } {
  const containers: ResizableContainer[] = [];
  const plainInit: ResizableContainer[] = [];
  for (const list of ["containers", "initContainers"] as const) {
    const olds = containersOf(getAt(input.old, ["spec"]), list);
    const news = containersOf(getAt(input.new, ["spec"]), list);
    news.forEach((after, index) => {
      const before = olds.find((c) => c["name"] === after["name"]);
      if (!before) return;
      const sidecar = list === "initContainers" && before["restartPolicy"] === "Always";
      const pair = { path: ["spec", list, index], old: before, new: after, sidecar };
      if (list === "initContainers" && !sidecar) plainInit.push(pair);
      else containers.push(pair);
    });
  }
  return { containers, plainInit };
}

function resourceList(container: JsonValue | undefined, list: string): JsonObject {
  const value = getAt(container, ["resources", list]);
  return isJsonObject(value) ? value : {};
}

function quantityText(value: JsonValue | undefined): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function sameQuantity(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const x = quantityText(a);
  const y = quantityText(b);
  if (x === undefined || y === undefined) return semanticEqual(a ?? null, b ?? null);
  return compareQuantities(x, y) === 0;
}

/** Requests as the API server stores them: a request without its own value is defaulted from the limit. */
function effectiveRequests(container: JsonValue | undefined): JsonObject {
  return { ...resourceList(container, "limits"), ...resourceList(container, "requests") };
}

/** Changes of resources other than cpu and memory, and of resizePolicy (immutable since v1.33, kubernetes#130183). */
export function resizeOnlyCpuMemory(input: RuleInput): Violation[] {
  const { containers } = pairedContainers(input);
  const out: Violation[] = [];
  for (const c of containers) {
    for (const list of RESOURCE_LISTS) {
      const before = resourceList(c.old, list);
      const after = resourceList(c.new, list);
      for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (CPU_MEMORY.has(name) || sameQuantity(before[name], after[name])) continue;
        out.push({ path: [...c.path, "resources", list, name], from: before[name], to: after[name], detail: "only cpu and memory resources may be resized" });
      }
    }
    if (!isNil(c.new["resizePolicy"]) && !isNil(c.old["resizePolicy"]) && !semanticEqual(c.old["resizePolicy"], c.new["resizePolicy"])) {
      out.push({ path: [...c.path, "resizePolicy"], from: c.old["resizePolicy"], to: c.new["resizePolicy"], detail: "a container's resizePolicy cannot change (v1.33+)" });
    }
  }
  return out;
}

/** Resources of a non-restartable init container: never resizable. */
export function resizeInitContainers(input: RuleInput): Violation[] {
  return pairedContainers(input).plainInit.flatMap((c) => {
    const from = getAt(c.old, ["resources"]);
    const to = getAt(c.new, ["resources"]);
    if (semanticEqual(canonicalResources(from), canonicalResources(to))) return [];
    return [{ path: [...c.path, "resources"], from, to }];
  });
}

function canonicalResources(value: JsonValue | undefined): JsonValue {
  if (!isJsonObject(value)) return null;
  const out: JsonObject = {};
  for (const list of RESOURCE_LISTS) {
    const items = isJsonObject(value[list]) ? value[list] : {};
    const canonical: JsonObject = {};
    for (const [name, q] of Object.entries(items)) canonical[name] = canonicalQuantity(q);
    if (Object.keys(canonical).length > 0) out[list] = canonical;
  }
  return out;
}

/** A request or limit present before and absent after ("resource requests cannot be removed"). */
export function resizeRemovals(input: RuleInput): Violation[] {
  const out: Violation[] = [];
  for (const c of pairedContainers(input).containers) {
    const requestsAfter = effectiveRequests(c.new);
    for (const [list, after] of [["requests", requestsAfter], ["limits", resourceList(c.new, "limits")]] as const) {
      const before = resourceList(c.old, list);
      for (const name of Object.keys(before)) {
        if (after[name] !== undefined) continue;
        out.push({ path: [...c.path, "resources", list, name], from: before[name], to: undefined, detail: `resource ${list} cannot be removed by a resize` });
      }
    }
  }
  return out;
}

/** Memory limit decreases (refused on v1.33 unless the memory resizePolicy is RestartContainer). */
export function resizeMemoryLimitDecrease(input: RuleInput): Violation[] {
  const out: Violation[] = [];
  for (const c of pairedContainers(input).containers) {
    const before = quantityText(resourceList(c.old, "limits")["memory"]);
    const after = quantityText(resourceList(c.new, "limits")["memory"]);
    if (before === undefined || after === undefined || (compareQuantities(after, before) ?? 0) >= 0) continue;
    const policies = getAt(c.old, ["resizePolicy"]);
    const restarts = Array.isArray(policies) && policies.some((p) => isJsonObject(p) && p["resourceName"] === "memory" && p["restartPolicy"] === "RestartContainer");
    if (!restarts) out.push({ path: [...c.path, "resources", "limits", "memory"], from: before, to: after });
  }
  return out;
}

type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

/** Sums quantities exactly (numerator at the largest scale). */
function add(a: { n: bigint; s: number } | undefined, text: JsonValue | undefined): { n: bigint; s: number } | undefined {
  const q = quantityText(text);
  const parsed = q === undefined ? undefined : parseQuantity(q);
  if (!parsed || parsed.numerator === 0n) return a;
  if (!a) return { n: parsed.numerator, s: parsed.scale };
  const s = Math.max(a.s, parsed.scale);
  return { n: a.n * 10n ** BigInt(s - a.s) + parsed.numerator * 10n ** BigInt(s - parsed.scale), s };
}

function sameSum(a: { n: bigint; s: number } | undefined, b: { n: bigint; s: number } | undefined): boolean {
  if (!a || !b) return a === b;
  const s = Math.max(a.s, b.s);
  return a.n * 10n ** BigInt(s - a.s) === b.n * 10n ** BigInt(s - b.s);
}

/**
 * The pod's QoS class as pkg/apis/core/helper/qos (ComputePodQOS) computes it: from pod-level
 * resources when set, else from every container (init containers included); cpu and memory only,
 * zero quantities ignored, requests defaulted from limits.
 */
export function podQosClass(pod: JsonObject): QosClass {
  const spec = getAt(pod, ["spec"]);
  const podLevel = getAt(spec, ["resources"]);
  const holders: JsonValue[] = isJsonObject(podLevel) && Object.keys(podLevel).length > 0
    ? [{ resources: podLevel }]
    : [...containersOf(spec, "containers"), ...containersOf(spec, "initContainers")];
  const requests = new Map<string, { n: bigint; s: number }>();
  const limits = new Map<string, { n: bigint; s: number }>();
  let guaranteed = true;
  for (const holder of holders) {
    const req = effectiveRequests(holder);
    const lim = resourceList(holder, "limits");
    for (const name of CPU_MEMORY) {
      const r = add(requests.get(name), req[name]);
      if (r) requests.set(name, r);
      const l = add(limits.get(name), lim[name]);
      if (l) limits.set(name, l);
      if (add(undefined, lim[name]) === undefined) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed && requests.size === limits.size && [...limits].every(([name, l]) => sameSum(requests.get(name), l))) return "Guaranteed";
  return "Burstable";
}

/** "Pod QOS Class may not change as a result of resizing". */
export function resizeQos(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = podQosClass(input.old);
  const after = podQosClass(input.new);
  return before === after ? [] : [{ path: rule.root, from: before, to: after, detail: `the resize would change the pod's QoS class from ${before} to ${after}` }];
}

function hasPodLevelResources(pod: JsonObject): boolean {
  const resources = getAt(pod, ["spec", "resources"]);
  return isJsonObject(resources) && Object.keys(resources).length > 0;
}

/** Every `resources` the resize changes (containers, init containers, the pod's own), with the values as written. */
function resourceChanges(input: RuleInput, detail?: string): Violation[] {
  const { containers, plainInit } = pairedContainers(input);
  const paths: (readonly PathSegment[])[] = [...containers, ...plainInit].map((c) => [...c.path, "resources"]);
  paths.push(["spec", "resources"]);
  return paths.flatMap((path) => {
    const from = getAt(input.old, path);
    const to = getAt(input.new, path);
    if (semanticEqual(canonicalResources(from), canonicalResources(to))) return [];
    return [{ path, from, to, ...(detail !== undefined ? { detail } : {}) }];
  });
}

/** Without in-place pod-level resize: a pod that uses pod-level resources cannot be resized at all. */
export function resizeWithPodLevelResources(input: RuleInput): Violation[] {
  if (!(hasPodLevelResources(input.old) || hasPodLevelResources(input.new))) return [];
  return resourceChanges(input);
}

/** With in-place pod-level resize (v1.36+ default): only cpu and memory of `spec.resources` may change. */
export function resizePodLevelCpuMemory(input: RuleInput, rule: CompiledRule): Violation[] {
  const out: Violation[] = [];
  for (const list of RESOURCE_LISTS) {
    const before = resourceList(getAt(input.old, ["spec"]), list);
    const after = resourceList(getAt(input.new, ["spec"]), list);
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (CPU_MEMORY.has(name) || sameQuantity(before[name], after[name])) continue;
      out.push({ path: [...rule.root, list, name], from: before[name], to: after[name], detail: "only cpu and memory pod-level resources may be resized" });
    }
  }
  return out;
}

/** Static (mirror) pods and Windows pods cannot be resized. */
export function resizeUnsupportedPod(input: RuleInput): Violation[] {
  const mirror = getAt(input.old, ["metadata", "annotations", "kubernetes.io/config.mirror"]);
  const windows = getAt(input.old, ["spec", "os", "name"]) === "windows";
  if (mirror === undefined && !windows) return [];
  return resourceChanges(input, mirror !== undefined ? "static pods cannot be resized" : "windows pods cannot be resized");
}
