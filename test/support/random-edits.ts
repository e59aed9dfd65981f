import fc from "fast-check";
import { getAt, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { setAt } from "../../src/core/k8s/set-at.ts";
import { groupOf } from "../../src/core/k8s/kube-object.ts";
import { PROTOTYPE_KEYS } from "./prototype-keys.ts";

/**
 * Random edits of a Kubernetes object, for property tests of the webhook: what a Git change (or a
 * careless manifest) can do to the object the API server is asked to store. Each edit holds only
 * numbers, read against the object as it is when the edit runs, so fast-check shrinks them
 * (toward the first path, the first value of a pool) without knowing the object.
 */
export const EDIT_OPS = [
  /** A new value of the same JSON type (a string field gets a string). */
  "replace",
  /** A value of another type; a built-in kind gets only null (see otherType). */
  "retype",
  /** Deletes a map key, or splices a list item out (the items after it shift). */
  "remove",
  /** Adds a key to a map (or overwrites one). */
  "add-key",
  /** Inserts a list item (a copy of a neighbour, `{}`, a scalar…) at any index. */
  "insert-item",
  /** Replaces a map with `{}` or a list with `[]`. */
  "empty",
  /** Adds a known subtree where it means something: affinity, tolerations, gates into a pod spec; matchExpressions into a selector. */
  "graft",
  /** Takes the value at a path from the pair's other object (or drops it): mixes the live and the new object. */
  "from-other",
] as const;

export type EditOp = (typeof EDIT_OPS)[number];

export interface Edit {
  readonly op: EditOp;
  /** Picks the path (modulo the number of candidates). */
  readonly pick: number;
  /** Picks the value (modulo the size of each pool). */
  readonly seed: number;
  /** Pick among the paths the immutable-field rules care about most (FOCUS) rather than all. */
  readonly focus: boolean;
}

export const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom(...EDIT_OPS),
  pick: fc.nat({ max: 1 << 20 }),
  seed: fc.nat({ max: 1 << 20 }),
  focus: fc.boolean(),
});

/** Segments under which a change is most often immutable, or reverting it most often goes wrong. */
const FOCUS = new Set<PathSegment>([
  "template", "selector", "matchLabels", "matchExpressions", "volumeClaimTemplates", "affinity", "nodeAffinity",
  "podAffinity", "podAntiAffinity", "tolerations", "schedulingGates", "ports", "data", "stringData", "binaryData",
  "nodeSelector", "volumes", "containers", "initContainers", "resources", "storageClassName", "volumeName",
  "clusterIP", "clusterIPs", "ipFamilies", "immutable", "type", "labels", "parameters", "provisioner", "accessModes",
]);

/** Never edited: with another name, namespace or uid the request is about another object. */
const IDENTITY: readonly (readonly PathSegment[])[] = [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"], ["metadata", "uid"]];

const STRINGS = ["a", "app", "v2", "frontend", "web", "", "100Gi", "1Gi", "ExternalName", "ClusterIP", "None", "Delete", "Retain", "In", "NotIn", "Exists", "enabled", "10.96.0.99", "TCP", "kubernetes.io/hostname"];
const NUMBERS = [0, 1, 2, 3, 80, 8080, -1, 30000];
const KEYS = [
  "app", "tier", "x", "name", "key", "value", "affinity", "podAntiAffinity", "nodeAffinity", "schedulingGates", "tolerations",
  "nodeSelector", "matchLabels", "matchExpressions", "ports", "selector", "data", "immutable", "storageClassName",
  "volumeName", "clusterIP", "type", "securityContext", "labels", "annotations", "resources", "requests", "storage",
  "port", "protocol", "operator", "values", "effect",
  // Legal map keys that name Object.prototype members: data like any other key (defect 12.3).
  ...PROTOTYPE_KEYS,
];

/** Values any map key or list item may get: fresh each call (never shared between edits). */
function anyValue(seed: number): JsonValue {
  const pool: JsonValue[] = [
    "x", "v2", "", 0, 1, 3, true, false, null, {}, [], { a: "b" }, ["a"], [{}], [{ name: "g" }],
    { matchLabels: { app: "x" } },
    { nested: { deep: {} } },
    { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "x" } }, topologyKey: "kubernetes.io/hostname" }] } },
    { key: "k", operator: "Exists", effect: "NoSchedule" },
    { name: "http", port: 80, protocol: "TCP" },
  ];
  return cloneJson(pool[seed % pool.length]!);
}

/** Subtrees grafted into a pod spec (an object holding `containers`). */
const POD_SPEC_GRAFTS: readonly (readonly [string, JsonValue])[] = [
  ["affinity", { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] } } }],
  ["affinity", { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: "x" } }, topologyKey: "kubernetes.io/hostname" } }] } }],
  ["affinity", {}],
  ["tolerations", [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }]],
  ["tolerations", []],
  ["schedulingGates", [{ name: "example.com/gate" }]],
  ["schedulingGates", [{ name: "a" }, { name: "b" }]],
  ["nodeSelector", { "kubernetes.io/os": "linux" }],
  ["nodeSelector", {}],
  ["securityContext", { runAsNonRoot: true }],
  ["securityContext", {}],
  ["dnsConfig", { options: [{ name: "ndots", value: "2" }] }],
  ["topologySpreadConstraints", [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "x" } } }]],
  ["hostAliases", [{ ip: "10.0.0.1", hostnames: ["a"] }]],
  ["activeDeadlineSeconds", 30],
];

/** Subtrees grafted into a label selector (an object holding matchLabels or matchExpressions). */
const SELECTOR_GRAFTS: readonly (readonly [string, JsonValue])[] = [
  ["matchLabels", { app: "x" }],
  ["matchLabels", {}],
  ["matchExpressions", [{ key: "tier", operator: "In", values: ["web"] }]],
  ["matchExpressions", [{ key: "tier", operator: "Exists" }]],
  ["matchExpressions", []],
];

const OTHER_GRAFTS: readonly (readonly [string, JsonValue])[] = [
  ["metadata", { labels: { app: "x" } }],
  ["selector", { matchLabels: { app: "x" } }],
  ["ports", [{ name: "http", port: 80, protocol: "TCP" }]],
  ["data", { key: "value" }],
  ["immutable", true],
  ["template", { metadata: { labels: { app: "x" } } }],
];

/** Paths of every node below the top level (objects, arrays and leaves), identity excluded. */
export function nodePaths(value: JsonValue, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [];
  const children: [PathSegment, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isJsonObject(value) ? Object.entries(value) : [];
  for (const [key, child] of children) {
    const path = [...prefix, key];
    if (IDENTITY.some((p) => p.length === path.length && p.every((s, i) => s === path[i]))) continue;
    out.push(path, ...nodePaths(child, path));
  }
  return out;
}

function pickPath(paths: readonly PathSegment[][], edit: Edit): PathSegment[] | undefined {
  const focused = edit.focus ? paths.filter((p) => p.some((s) => FOCUS.has(s))) : [];
  const from = focused.length > 0 ? focused : paths;
  return from.length > 0 ? from[edit.pick % from.length] : undefined;
}

/** A new value of the same JSON type as `current`. */
function sameType(current: JsonValue, seed: number): JsonValue {
  if (typeof current === "string") return seed % 5 === 0 ? `${current}-x` : STRINGS[seed % STRINGS.length]!;
  if (typeof current === "number") return seed % 3 === 0 ? current + 1 : NUMBERS[seed % NUMBERS.length]!;
  if (typeof current === "boolean") return !current;
  if (current === null) return anyValue(seed);
  if (Array.isArray(current)) {
    const copy = cloneJson(current);
    switch (seed % 5) {
      case 0: return [];
      case 1: return copy.slice(0, Math.max(0, copy.length - 1));
      case 2: return copy.reverse();
      case 3: return copy.length > 0 ? [...copy, cloneJson(copy[0]!)] : [anyValue(seed >> 3)];
      default: return copy.slice(1);
    }
  }
  const copy = cloneJson(current);
  const keys = Object.keys(copy);
  switch (seed % 4) {
    case 0: return {};
    case 1: {
      if (keys.length > 0) setAt(copy, [keys[(seed >> 2) % keys.length]!], undefined);
      return copy;
    }
    case 2: {
      setAt(copy, [KEYS[(seed >> 2) % KEYS.length]!], anyValue(seed >> 4));
      return copy;
    }
    default: {
      const key = keys.length > 0 ? keys[(seed >> 2) % keys.length]! : KEYS[(seed >> 2) % KEYS.length]!;
      setAt(copy, [key], copy[key] === undefined ? anyValue(seed >> 4) : sameType(copy[key], seed >> 4));
      return copy;
    }
  }
}

/**
 * A value of another JSON type than `current`. A built-in kind only ever gets null: kube-apiserver's
 * decoder refuses any other type change (400 before admission), but null decodes as the zero value.
 */
function otherType(current: JsonValue | undefined, seed: number, builtin: boolean): JsonValue {
  if (builtin) return null;
  const pool: JsonValue[] = ["x", 1, true, null, { a: "b" }, ["a"], {}, []];
  const kind = (v: JsonValue | undefined): string => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  const others = pool.filter((v) => kind(v) !== kind(current));
  return cloneJson(others[seed % others.length]!);
}

function containerPaths(object: JsonObject, type: "object" | "array"): PathSegment[][] {
  const all = [[], ...nodePaths(object)];
  return all.filter((p) => {
    const value = getAt(object, p);
    return type === "array" ? Array.isArray(value) : isJsonObject(value);
  });
}

function graft(object: JsonObject, edit: Edit): void {
  const objects = containerPaths(object, "object");
  const podSpecs = objects.filter((p) => Array.isArray(getAt(object, [...p, "containers"])));
  const selectors = objects.filter((p) => p[p.length - 1] === "selector" || p[p.length - 1] === "labelSelector");
  const choice = edit.pick % 3;
  const [targets, grafts] =
    choice === 0 && podSpecs.length > 0 ? [podSpecs, POD_SPEC_GRAFTS]
    : choice === 1 && selectors.length > 0 ? [selectors, SELECTOR_GRAFTS]
    : [objects, OTHER_GRAFTS];
  const at = targets[(edit.pick >> 2) % targets.length]!;
  const [key, value] = grafts[edit.seed % grafts.length]!;
  setAt(object, [...at, key], cloneJson(value));
}

function insertItem(object: JsonObject, edit: Edit): void {
  const lists = containerPaths(object, "array");
  const focused = edit.focus ? lists.filter((p) => p.some((s) => FOCUS.has(s))) : [];
  const from = focused.length > 0 ? focused : lists;
  if (from.length === 0) return graft(object, edit);
  const at = from[edit.pick % from.length]!;
  const list = getAt(object, at);
  if (!Array.isArray(list)) return;
  const index = (edit.seed >> 2) % (list.length + 1);
  const neighbour = list[Math.min(index, list.length - 1)];
  const item = edit.seed % 4 === 0 && neighbour !== undefined ? sameType(neighbour, edit.seed >> 4)
    : edit.seed % 4 === 1 && neighbour !== undefined ? cloneJson(neighbour)
    : edit.seed % 4 === 2 ? {}
    : anyValue(edit.seed >> 2);
  list.splice(index, 0, item);
}

/**
 * Applies one edit to `object` (mutating it); `other` is the pair's other object, for `from-other`;
 * `builtin`: the kind is served by kube-apiserver itself, not by a CRD (see otherType).
 */
export function applyEdit(object: JsonObject, other: JsonObject, edit: Edit, builtin: boolean): void {
  switch (edit.op) {
    case "graft":
      return graft(object, edit);
    case "insert-item":
      return insertItem(object, edit);
    case "add-key": {
      const maps = containerPaths(object, "object");
      const focused = edit.focus ? maps.filter((p) => p.some((s) => FOCUS.has(s))) : [];
      const from = focused.length > 0 ? focused : maps;
      const at = from[edit.pick % from.length]!;
      setAt(object, [...at, KEYS[edit.seed % KEYS.length]!], anyValue(edit.seed >> 3));
      return;
    }
    case "from-other": {
      const path = pickPath(nodePaths(other), edit);
      if (!path) return;
      const value = getAt(other, path);
      setAt(object, path, edit.seed % 5 === 0 || value === undefined ? undefined : cloneJson(value));
      return;
    }
    default:
      break;
  }
  const path = pickPath(nodePaths(object), edit);
  if (!path) return;
  const current = getAt(object, path);
  if (current === undefined) return;
  if (edit.op === "remove") setAt(object, path, undefined);
  else if (edit.op === "retype") setAt(object, path, otherType(current, edit.seed, builtin));
  else if (edit.op === "empty") setAt(object, path, Array.isArray(current) ? [] : isJsonObject(current) ? {} : sameType(current, edit.seed));
  else setAt(object, path, sameType(current, edit.seed));
}

/**
 * The incoming object: a copy of `base` with the edits applied, its identity (apiVersion, kind,
 * metadata name, namespace and uid) kept as `base` has it.
 */
export function editedObject(base: JsonObject, other: JsonObject, edits: readonly Edit[]): JsonObject {
  const object = structuredClone(base);
  const builtin = isBuiltinGroup(groupOf(typeof base["apiVersion"] === "string" ? base["apiVersion"] : ""));
  for (const edit of edits) applyEdit(object, other, edit, builtin);
  if (!isJsonObject(object["metadata"])) object["metadata"] = {};
  for (const path of IDENTITY) setAt(object, path, getAt(base, path) === undefined ? undefined : cloneJson(getAt(base, path)!));
  return object;
}

/** Groups kube-apiserver serves itself: the core group, the unqualified ones (apps, batch, policy…) and *.k8s.io. */
export function isBuiltinGroup(group: string): boolean {
  return group === "" || !group.includes(".") || group.endsWith(".k8s.io");
}

function shape(value: JsonValue | undefined): "object" | "array" | "scalar" | "none" {
  if (value === undefined || value === null) return "none";
  return Array.isArray(value) ? "array" : isJsonObject(value) ? "object" : "scalar";
}

/**
 * Paths where `incoming` holds a map, a list or a scalar where `live` holds another of the three
 * (null and absent match anything; two scalars of different types count only as list items: a map
 * value may be an IntOrString or a Quantity, which take both). For a built-in kind no such request
 * reaches a webhook: the decoder refuses it with 400 (a typed Go struct has one shape per field),
 * so property tests discard those cases. An `add-key` value may still have a wrong shape where the
 * live object has nothing to compare with.
 */
export function shapeConflicts(live: JsonValue | undefined, incoming: JsonValue | undefined, prefix: PathSegment[] = []): PathSegment[][] {
  const a = shape(live);
  const b = shape(incoming);
  if (a === "none" || b === "none") return [];
  if (a !== b) return a === "scalar" && b === "scalar" ? [] : [prefix];
  if (Array.isArray(live) && Array.isArray(incoming)) {
    // Items of a list share one Go type: an item the live list lacks is held to the first one's
    // shape, and a scalar item to the scalar type of the first (a number among finalizers is a 400).
    return incoming.flatMap((item, i) => {
      const like = i < live.length ? live[i] : live[0];
      const scalars = shape(like) === "scalar" && shape(item) === "scalar";
      return scalars && typeof like !== typeof item ? [[...prefix, i]] : shapeConflicts(like, item, [...prefix, i]);
    });
  }
  if (isJsonObject(live) && isJsonObject(incoming)) {
    return Object.keys(incoming).flatMap((key) => (Object.hasOwn(live, key) ? shapeConflicts(live[key], incoming[key], [...prefix, key]) : []));
  }
  return [];
}

/** A list item `null`: the decoder makes it the item type's zero value ("" or {}), never null. */
function hasNullItem(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some((item) => item === null || hasNullItem(item));
  return isJsonObject(value) && Object.values(value).some(hasNullItem);
}

/**
 * False when kube-apiserver would never send `incoming` to a webhook: for a built-in kind, a shape
 * conflict (shapeConflicts: the decoder answers 400), a `null` list item, or a Secret `stringData`
 * value that is not a string. (A webhook never sees stringData at all: Convert_v1_Secret_To_core_Secret
 * folds it into data before admission, `null` as "". The corpus keeps the manifest's string form,
 * which the checks fold the same way, asStored; a null would fold differently.)
 */
export function reachesWebhook(live: JsonObject, incoming: JsonObject): boolean {
  const apiVersion = typeof live["apiVersion"] === "string" ? live["apiVersion"] : "";
  if (!isBuiltinGroup(groupOf(apiVersion))) return true;
  if (shapeConflicts(live, incoming).length > 0 || hasNullItem(incoming)) return false;
  const stringData = incoming["kind"] === "Secret" ? incoming["stringData"] : undefined;
  return !isJsonObject(stringData) || Object.values(stringData).every((v) => typeof v === "string");
}

/**
 * A list both objects of a pair get longer by the same copies before the incoming object is
 * edited: the corpus' lists are short (one or two items), and index-based reverts go wrong only
 * past a few items (a removal shifts every later item).
 */
export interface Growth {
  /** Picks the list (modulo the number of lists of the live object). */
  readonly pick: number;
  /** How many copies of the picked list's first item are appended. */
  readonly times: number;
  readonly focus: boolean;
}

export const growthArbitrary: fc.Arbitrary<Growth> = fc.record({
  pick: fc.nat({ max: 1 << 20 }),
  times: fc.integer({ min: 1, max: 4 }),
  focus: fc.boolean(),
});

/** A copy of `item` with its identifying strings (`name`, `key`, or the item itself) made unique. */
function renamed(item: JsonValue, suffix: string): JsonValue {
  if (typeof item === "string") return `${item}${suffix}`;
  if (!isJsonObject(item)) return cloneJson(item);
  const copy = cloneJson(item);
  for (const key of ["name", "key"]) if (typeof copy[key] === "string") copy[key] = `${copy[key]}${suffix}`;
  return copy;
}

/**
 * The pair with the same copies appended to one list of both objects (where the new object has
 * that list too). The live object stays valid for the API server as far as names go (every copy
 * gets a fresh name or key).
 */
export function grownPair(pair: { readonly old: JsonObject; readonly new: JsonObject }, growths: readonly Growth[]): { old: JsonObject; new: JsonObject } {
  const out = { old: structuredClone(pair.old), new: structuredClone(pair.new) };
  for (const [n, growth] of growths.entries()) {
    // Lists of objects (renamed copies stay valid), and finalizers; not lists of enum-like strings
    // (ipFamilies, accessModes), whose copies the API server would never have stored.
    const lists = containerPaths(out.old, "array").filter((p) => {
      const list = getAt(out.old, p);
      return Array.isArray(list) && (isJsonObject(list[0]) || (p.length === 2 && p[0] === "metadata" && p[1] === "finalizers"));
    });
    const path = pickPath(lists, { op: "insert-item", pick: growth.pick, seed: 0, focus: growth.focus });
    if (!path) continue;
    for (const object of [out.old, out.new]) {
      const list = getAt(object, path);
      if (!Array.isArray(list) || list.length === 0) continue;
      for (let i = 0; i < growth.times; i++) list.push(renamed(list[0]!, `-g${n}${i}`));
    }
  }
  return out;
}
