import { getAt, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";

/**
 * One change kube-apiserver accepts on UPDATE, for the mutable-edits property test
 * (test/core/rules/mutable-edits.property.test.ts): it touches only a field the Kubernetes
 * validation leaves mutable, with a value of the right type that the create-time validation of the
 * new object also accepts, under the conditions `source` names.
 */
export interface MutableEdit {
  /** The field it changes, Kubernetes field-path notation (`spec.template.spec.containers[*].image`). */
  readonly field: string;
  /** Why kube-apiserver accepts it: the validation function (and reference row) that leaves it mutable. */
  readonly source: string;
  /**
   * Edits `incoming` in place. `live` is the stored object the UPDATE is judged against (conditions
   * such as "only lower" or "only while suspended" read it). False when the edit does not apply to
   * this pair; `incoming` is then unchanged.
   */
  readonly apply: (incoming: JsonObject, live: JsonObject, rand: Rand) => boolean;
  /** The first release it is accepted in (`1.36`); default: every release the catalogue knows. */
  readonly since?: string;
  /** Feature-gate states it is accepted under (default: any). */
  readonly gates?: Readonly<Record<string, boolean>>;
}

/** Deterministic choices for an edit, from one seed (fast-check draws the seed, so it shrinks). */
export interface Rand {
  /** 0 ≤ n < bound. */
  int(bound: number): number;
  pick<T>(items: readonly T[]): T;
  bool(): boolean;
}

/** mulberry32: small, fast, good enough to spread the choices of one edit. */
export function seededRand(seed: number): Rand {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (bound: number): number => Math.floor(next() * bound);
  return {
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    bool: () => next() < 0.5,
  };
}

/** The object at `path`, created (with its parents) when absent; undefined when a scalar is in the way. */
export function objectAt(root: JsonObject, path: readonly string[]): JsonObject | undefined {
  let current: JsonObject = root;
  for (const key of path) {
    const next = current[key];
    if (next === undefined || next === null) {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    } else if (isJsonObject(next)) {
      current = next;
    } else {
      return undefined;
    }
  }
  return current;
}

/** The object at `path` when there is one (never created). */
export function existingObject(root: JsonValue | undefined, path: readonly PathSegment[]): JsonObject | undefined {
  const value = getAt(root, path);
  return isJsonObject(value) ? value : undefined;
}

/** The list at `path` when there is one (never created). */
export function existingList(root: JsonValue | undefined, path: readonly PathSegment[]): JsonValue[] | undefined {
  const value = getAt(root, path);
  return Array.isArray(value) ? value : undefined;
}

/** The object items of a list. */
export function objectItems(list: readonly JsonValue[] | undefined): JsonObject[] {
  return (list ?? []).filter(isJsonObject);
}

/** A string value of a map, or undefined. */
export function text(object: JsonValue | undefined, key: string): string | undefined {
  const value = isJsonObject(object) ? object[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A name not yet used by any item of `items` (`name` field), from `prefix`. */
export function freshName(items: readonly JsonValue[] | undefined, prefix: string, rand: Rand): string {
  const used = new Set(objectItems(items).map((item) => text(item, "name")));
  for (;;) {
    const name = `${prefix}-${rand.int(1000)}`;
    if (!used.has(name)) return name;
  }
}

/** Sets `object[key]` to a value from `values` other than the current one; false when none differs. */
export function setDifferent(object: JsonObject, key: string, values: readonly JsonValue[], rand: Rand): boolean {
  const others = values.filter((v) => JSON.stringify(v) !== JSON.stringify(object[key]));
  if (others.length === 0) return false;
  object[key] = structuredClone(rand.pick(others));
  return true;
}

/** An edit that sets one spec-level scalar to a value from a pool (at `path`, parents created). */
export function poolEdit(path: readonly string[], values: readonly JsonValue[], source: string): MutableEdit {
  return {
    field: path.join("."),
    source,
    apply: (incoming, _live, rand) => {
      const parent = objectAt(incoming, path.slice(0, -1));
      const key = path[path.length - 1];
      return parent !== undefined && key !== undefined && setDifferent(parent, key, values, rand);
    },
  };
}
