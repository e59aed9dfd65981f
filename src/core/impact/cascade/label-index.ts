import { requiredPairs, selectorMatches, type Labels, type Selector } from "./label-selector.ts";

/**
 * Inverted indexes that keep cascade analysis linear in the number of objects: label-bearing
 * objects by namespace and `key=value` pair, selectors by namespace and one pair they require.
 * A lookup touches only the candidates that share a label pair, never every object of a namespace
 * (kube-linter and kube-score compare every selector with every pod template: quadratic).
 */

function pairKey(key: string, value: string): string {
  // "\u0000" cannot occur in a label key or value (both are validated by the API server).
  return `${key}\u0000${value}`;
}

interface Labeled<T> {
  readonly item: T;
  readonly labels: Labels;
}

interface LabelBucket<T> {
  readonly all: Labeled<T>[];
  readonly byPair: Map<string, Labeled<T>[]>;
}

export interface LabelIndex<T> {
  readonly byNamespace: Map<string, LabelBucket<T>>;
}

export function createLabelIndex<T>(): LabelIndex<T> {
  return { byNamespace: new Map() };
}

export function addLabeled<T>(index: LabelIndex<T>, namespace: string, labels: Labels, item: T): void {
  let bucket = index.byNamespace.get(namespace);
  if (!bucket) {
    bucket = { all: [], byPair: new Map() };
    index.byNamespace.set(namespace, bucket);
  }
  const entry = { item, labels };
  bucket.all.push(entry);
  for (const [k, v] of labels) {
    const key = pairKey(k, v);
    const list = bucket.byPair.get(key);
    if (list) list.push(entry);
    else bucket.byPair.set(key, [entry]);
  }
}

/** Every indexed object of one namespace that the selector selects. */
export function selectIn<T>(index: LabelIndex<T>, namespace: string, selector: Selector): T[] {
  const bucket = index.byNamespace.get(namespace);
  if (!bucket || selector.type === "none") return [];
  let candidates = bucket.all;
  for (const [k, v] of requiredPairs(selector)) {
    const list = bucket.byPair.get(pairKey(k, v)) ?? [];
    if (list.length < candidates.length) candidates = list;
  }
  return candidates.filter((c) => selectorMatches(selector, c.labels)).map((c) => c.item);
}

/** Namespaces that hold at least one indexed object. */
export function indexedNamespaces<T>(index: LabelIndex<T>): IterableIterator<string> {
  return index.byNamespace.keys();
}

/** Which namespaces a selecting object looks in. */
export type NamespaceScope =
  | { readonly type: "names"; readonly names: readonly string[] }
  | { readonly type: "any" }
  /** A namespaceSelector: decided per namespace by the caller (namespace labels). */
  | { readonly type: "selector"; readonly selector: Selector };

export interface Selecting<S> {
  readonly item: S;
  readonly selector: Selector;
  readonly scope: NamespaceScope;
}

interface SelectorBucket<S> {
  readonly byPair: Map<string, Selecting<S>[]>;
  readonly scan: Selecting<S>[];
}

export interface SelectorIndex<S> {
  readonly byNamespace: Map<string, SelectorBucket<S>>;
  /** Selectors over any namespace or a namespaceSelector: checked for every lookup. */
  readonly wide: Selecting<S>[];
}

export function createSelectorIndex<S>(): SelectorIndex<S> {
  return { byNamespace: new Map(), wide: [] };
}

export function addSelecting<S>(index: SelectorIndex<S>, entry: Selecting<S>): void {
  if (entry.selector.type === "none") return;
  if (entry.scope.type !== "names") {
    index.wide.push(entry);
    return;
  }
  // Any one required pair will do: an object the selector selects carries every required pair.
  const [first] = requiredPairs(entry.selector);
  for (const namespace of new Set(entry.scope.names)) {
    let bucket = index.byNamespace.get(namespace);
    if (!bucket) {
      bucket = { byPair: new Map(), scan: [] };
      index.byNamespace.set(namespace, bucket);
    }
    if (!first) {
      bucket.scan.push(entry);
      continue;
    }
    const key = pairKey(first[0], first[1]);
    const list = bucket.byPair.get(key);
    if (list) list.push(entry);
    else bucket.byPair.set(key, [entry]);
  }
}

/**
 * Every selecting object that selects an object with these labels in this namespace.
 * `namespaceMatches` decides namespaceSelector scopes (it knows the namespaces' labels).
 */
export function selectorsOf<S>(
  index: SelectorIndex<S>,
  namespace: string,
  labels: Labels,
  namespaceMatches: (selector: Selector, namespace: string) => boolean,
): S[] {
  const found: S[] = [];
  const bucket = index.byNamespace.get(namespace);
  if (bucket) {
    for (const [k, v] of labels) {
      for (const s of bucket.byPair.get(pairKey(k, v)) ?? []) if (selectorMatches(s.selector, labels)) found.push(s.item);
    }
    for (const s of bucket.scan) if (selectorMatches(s.selector, labels)) found.push(s.item);
  }
  for (const s of index.wide) {
    const inScope = s.scope.type === "any" || (s.scope.type === "selector" && namespaceMatches(s.scope.selector, namespace));
    if (inScope && selectorMatches(s.selector, labels)) found.push(s.item);
  }
  return found;
}
