import type { PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue, type JsonValue } from "../../k8s/json.ts";
import type { SchemaNode, ValidationRule } from "./crd-schema-node.ts";

/** How a schema node is reached from its parent. */
export type Step =
  | { readonly kind: "property"; readonly name: string }
  /** A list item; `mapKeys` for `x-kubernetes-list-type: map` lists (correlated by key), else uncorrelated. */
  | { readonly kind: "item"; readonly mapKeys: readonly string[] | undefined }
  /** A value of an `additionalProperties` map (correlated by key). */
  | { readonly kind: "value" };

/** One rule at one schema node. */
export interface RuleSite {
  readonly steps: readonly Step[];
  /** The node's path pattern ("*" for any list index or map key). */
  readonly pattern: readonly PathSegment[];
  readonly node: SchemaNode;
  readonly rule: ValidationRule;
  /** Position among the rules of the version (stable rule ids). */
  readonly index: number;
}

/** Every rule of a version's schema with the node it sits on, in schema order. */
export function ruleSitesOf(root: SchemaNode): RuleSite[] {
  const out: RuleSite[] = [];
  const walk = (node: SchemaNode, steps: Step[], pattern: PathSegment[]): void => {
    for (const rule of node.validations) out.push({ steps, pattern, node, rule, index: out.length });
    for (const [name, child] of node.properties ?? []) walk(child, [...steps, { kind: "property", name }], [...pattern, name]);
    if (node.items) {
      const mapKeys = node.listType === "map" && node.listMapKeys.length > 0 ? node.listMapKeys : undefined;
      walk(node.items, [...steps, { kind: "item", mapKeys }], [...pattern, "*"]);
    }
    if (node.additionalProperties) walk(node.additionalProperties, [...steps, { kind: "value" }], [...pattern, "*"]);
  };
  walk(root, [], []);
  return out;
}

/** Entries of `x-kubernetes-validations` anywhere in the schema that are not rules. */
export function invalidValidationsOf(root: SchemaNode): number {
  let count = 0;
  const stack: SchemaNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    count += node.invalidValidations;
    stack.push(...(node.properties?.values() ?? []), ...(node.items ? [node.items] : []), ...(node.additionalProperties ? [node.additionalProperties] : []));
  }
  return count;
}

/**
 * One place a rule is evaluated: the node in the new object, its correlated old value (undefined
 * when the node is new or not correlatable), and whether the nearest correlatable node at or above
 * it is unchanged (kube-apiserver then ratchets errors of rules without oldSelf into warnings:
 * apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go shouldRatchetError).
 */
export interface NodeVisit {
  readonly path: readonly PathSegment[];
  readonly self: JsonValue;
  readonly old: JsonValue | undefined;
  readonly unchanged: boolean;
}

function keyOf(item: JsonValue, keys: readonly string[]): string | undefined {
  if (!isJsonObject(item)) return undefined;
  return JSON.stringify(keys.map((k) => ownValue(item, k) ?? null));
}

type Equal = (a: JsonValue, b: JsonValue) => boolean;

/** How visits are computed: node equality, and which paths a change touches (others are unchanged). */
export interface VisitOptions {
  readonly equal: Equal;
  readonly touched: (path: readonly PathSegment[]) => boolean;
  /**
   * True when a change is known at or below `path` (reached by field names and map keys only:
   * list items are compared by index there, not by key), so the node differs without comparing.
   */
  readonly changedBelow: (path: readonly PathSegment[]) => boolean;
}

function child(parent: NodeVisit, segment: PathSegment, self: JsonValue | undefined, old: JsonValue | undefined, opts: VisitOptions): NodeVisit[] {
  // Null and absent values are not validated (validation.go: "We only validate non-null values").
  if (self === undefined || self === null) return [];
  const path = [...parent.path, segment];
  // No change at, above or below this node: it and all below it are unchanged, never judged.
  if (!opts.touched(path)) return [];
  const unchanged = old === undefined ? parent.unchanged && parent.old === undefined : !opts.changedBelow(path) && opts.equal(old, self);
  return [{ path, self, old, unchanged }];
}

function stepFrom(visit: NodeVisit, step: Step, opts: VisitOptions): NodeVisit[] {
  const { self, old } = visit;
  if (step.kind === "property") {
    if (!isJsonObject(self)) return [];
    return child(visit, step.name, ownValue(self, step.name), isJsonObject(old) ? ownValue(old, step.name) : undefined, opts);
  }
  if (step.kind === "value") {
    if (!isJsonObject(self)) return [];
    return Object.keys(self).flatMap((key) => child(visit, key, ownValue(self, key), isJsonObject(old) ? ownValue(old, key) : undefined, opts));
  }
  if (!Array.isArray(self)) return [];
  const keys = step.mapKeys;
  let oldByKey: Map<string, JsonValue> | undefined;
  const oldItem = (key: string): JsonValue | undefined => {
    if (!oldByKey) {
      oldByKey = new Map();
      if (keys && Array.isArray(old)) for (const item of old) {
        const k = keyOf(item, keys);
        if (k !== undefined) oldByKey.set(k, item);
      }
    }
    return oldByKey.get(key);
  };
  return self.flatMap((item, i) => {
    if (!opts.touched([...visit.path, i])) return [];
    const key = keys ? keyOf(item, keys) : undefined;
    const visits = child(visit, i, item, key !== undefined ? oldItem(key) : undefined, opts);
    // An uncorrelated item inherits "unchanged" from the list (the nearest correlatable node).
    return key === undefined ? visits.map((v) => ({ ...v, unchanged: visit.unchanged })) : visits;
  });
}

/** The nodes a rule site is evaluated at in `next` (with `previous` on an update, undefined on a create). */
export function visitsOf(steps: readonly Step[], next: JsonValue, previous: JsonValue | undefined, opts: VisitOptions): NodeVisit[] {
  let frontier: NodeVisit[] = [{ path: [], self: next, old: previous, unchanged: previous !== undefined && !opts.changedBelow([]) && opts.equal(previous, next) }];
  for (const step of steps) frontier = frontier.flatMap((visit) => stepFrom(visit, step, opts));
  return frontier;
}
