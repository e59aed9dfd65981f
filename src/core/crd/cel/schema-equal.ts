import { isJsonObject, ownValue, semanticEqual, type JsonValue } from "../../k8s/json.ts";
import type { SchemaNode } from "./crd-schema-node.ts";

/**
 * Longest `set` list compared without regard to order (pairwise, so quadratic; map lists pair
 * their items by key, linearly): 256 items. Gateway API caps listeners at 64 and most map lists hold a handful; a longer list is
 * compared in order (a reorder of it then counts as a change).
 */
export const MAX_UNORDERED_ITEMS = 256;

function keyOf(item: JsonValue, keys: readonly string[]): string | undefined {
  return isJsonObject(item) ? JSON.stringify(keys.map((k) => ownValue(item, k) ?? null)) : undefined;
}

/** A map list: items paired by their keys (linear), as kube-apiserver's unstructuredMapList does. */
function mapListEqual(a: readonly JsonValue[], b: readonly JsonValue[], node: SchemaNode): boolean {
  const byKey = new Map<string, JsonValue>();
  for (const item of b) {
    const key = keyOf(item, node.listMapKeys);
    if (key === undefined || byKey.has(key)) return unorderedEqual(a, b, node.items);
    byKey.set(key, item);
  }
  return a.every((item) => {
    const key = keyOf(item, node.listMapKeys);
    return key !== undefined && byKey.has(key) && schemaEqual(item, byKey.get(key), node.items);
  });
}

function unorderedEqual(a: readonly JsonValue[], b: readonly JsonValue[], items: SchemaNode | undefined): boolean {
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((x) => {
    const i = b.findIndex((y, j) => !used[j] && schemaEqual(x, y, items));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

/**
 * Equality as kube-apiserver's CEL values define it: lists with `x-kubernetes-list-type: set` or
 * `map` are equal whatever the order of their items (apiextensions-apiserver
 * pkg/apiserver/schema/cel/values.go, unstructuredSetList/unstructuredMapList Equal); everything
 * else as semanticEqual. A node equal this way is unchanged for its rules: `self == oldSelf` on a
 * reordered set holds.
 */
export function schemaEqual(a: JsonValue | undefined, b: JsonValue | undefined, node: SchemaNode | undefined): boolean {
  if (a === b) return true;
  if (!node) return semanticEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (node.listType === "map" && node.listMapKeys.length > 0) return mapListEqual(a, b, node);
    if (node.listType === "set" && a.length <= MAX_UNORDERED_ITEMS) return unorderedEqual(a, b, node.items);
    return a.every((x, i) => schemaEqual(x, b[i], node.items));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const child = node.properties?.get(key) ?? node.additionalProperties;
      if (!schemaEqual(ownValue(a, key), ownValue(b, key), child)) return false;
    }
    return true;
  }
  return semanticEqual(a, b);
}
