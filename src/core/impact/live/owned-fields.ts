import { isJsonObject, ownValue, semanticEqual, type JsonObject, type JsonValue } from "../../k8s/json.ts";

/**
 * The fields of a live object that an applier set and would remove again by omitting them: the
 * union of the `managedFields` entries written by server-side apply (`operation: Apply`, the way
 * Flux, Argo CD with ServerSideApply and `kubectl apply --server-side` write), and the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation of client-side `kubectl apply`
 * (and Argo CD's default sync). A field the server defaulted or assigned, or that a controller
 * wrote with an update, is in neither: an apply that omits it keeps it.
 *
 * fieldsV1 (k8s.io/apimachinery/pkg/apis/meta/v1 FieldsV1; sigs.k8s.io/structured-merge-diff
 * fieldpath serialization): `f:<name>` a field, `k:{"name":"app"}` a list item by its key fields,
 * `v:<json>` a set item by value, `i:<n>` an item by index, `.` the node itself.
 */
export interface OwnedTree {
  readonly fields: Map<string, OwnedTree>;
  /** List items owned by their key fields (`k:` entries, and `name`-keyed items of last-applied). */
  readonly items: { readonly match: JsonObject; readonly tree: OwnedTree }[];
  /** Set members owned by value (`v:` entries). */
  readonly values: JsonValue[];
}

/** Deeper than any real object (kube-apiserver refuses JSON nested beyond 10,000; real objects stay under 30). */
export const MAX_OWNED_DEPTH = 64;
/** The annotation client-side `kubectl apply` keeps the applied configuration in. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

function emptyTree(): OwnedTree {
  return { fields: new Map(), items: [], values: [] };
}

/** A `k:`/`v:` key's JSON, or the annotation's: an object or a primitive; anything else (or malformed text) is ignored. */
function parseJsonText(text: string): JsonValue | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isJsonObject(value)) return value;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return undefined;
}

function addFieldsV1(into: OwnedTree, node: JsonValue | undefined, depth: number): void {
  if (!isJsonObject(node) || depth > MAX_OWNED_DEPTH) return;
  for (const key of Object.keys(node)) {
    const child = ownValue(node, key);
    if (key.startsWith("f:")) {
      const name = key.slice(2);
      let sub = into.fields.get(name);
      if (!sub) {
        sub = emptyTree();
        into.fields.set(name, sub);
      }
      addFieldsV1(sub, child, depth + 1);
    } else if (key.startsWith("k:")) {
      const match = parseJsonText(key.slice(2));
      if (!isJsonObject(match)) continue;
      const tree = emptyTree();
      addFieldsV1(tree, child, depth + 1);
      into.items.push({ match, tree });
    } else if (key.startsWith("v:")) {
      const value = parseJsonText(key.slice(2));
      if (value !== undefined) into.values.push(value);
    }
    // `i:<n>` (atomic lists by index) and `.`: the list is replaced whole anyway (appliedObject).
  }
}

function addApplied(into: OwnedTree, value: JsonValue | undefined, depth: number): void {
  if (depth > MAX_OWNED_DEPTH) return;
  if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      let sub = into.fields.get(key);
      if (!sub) {
        sub = emptyTree();
        into.fields.set(key, sub);
      }
      addApplied(sub, ownValue(value, key), depth + 1);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const name = isJsonObject(item) ? ownValue(item, "name") : undefined;
      if (isJsonObject(item) && typeof name === "string") {
        const tree = emptyTree();
        addApplied(tree, item, depth + 1);
        into.items.push({ match: { name }, tree });
      } else {
        into.values.push(item);
      }
    }
  }
}

/** The applier-owned fields of a live object; undefined when it carries no ownership information at all. */
export function ownedFields(live: JsonObject): OwnedTree | undefined {
  const metadata = ownValue(live, "metadata");
  if (!isJsonObject(metadata)) return undefined;
  const tree = emptyTree();
  let known = false;
  const managed = ownValue(metadata, "managedFields");
  if (Array.isArray(managed)) {
    for (const entry of managed) {
      if (!isJsonObject(entry) || ownValue(entry, "operation") !== "Apply" || ownValue(entry, "subresource") !== undefined) continue;
      known = true;
      addFieldsV1(tree, ownValue(entry, "fieldsV1"), 0);
    }
  }
  const annotations = ownValue(metadata, "annotations");
  const lastApplied = isJsonObject(annotations) ? ownValue(annotations, LAST_APPLIED_ANNOTATION) : undefined;
  if (typeof lastApplied === "string") {
    const applied = parseJsonText(lastApplied);
    if (isJsonObject(applied)) {
      known = true;
      addApplied(tree, applied, 0);
    }
  }
  return known ? tree : undefined;
}

/** The owned subtree of a list item (matched on its key fields), if the applier owned it. */
export function ownedItem(tree: OwnedTree | undefined, item: JsonValue): OwnedTree | undefined {
  if (!tree) return undefined;
  if (isJsonObject(item)) {
    for (const owned of tree.items) {
      if (Object.keys(owned.match).every((key) => semanticEqual(ownValue(owned.match, key), ownValue(item, key)))) return owned.tree;
    }
  }
  return tree.values.some((v) => semanticEqual(v, item)) ? emptyTree() : undefined;
}
