/** The key every count beyond a counter's capacity goes to. */
export const OTHER_KEY = "(other)";

/**
 * Counts by key in bounded memory: the first `maxKeys` distinct keys are counted on their own,
 * every later key in `(other)`. Keys are user data (namespaces, users, rule ids), so they live in
 * a Map (`__proto__` is just a key) and the number of them never grows with the input.
 */
export interface CappedCounter {
  add(key: string, n?: number): void;
  /** Entries, largest count first (ties by key), `(other)` last when used. */
  entries(): [string, number][];
  /** The counts as a plain object built with own data properties (safe for any key). */
  toObject(): Record<string, number>;
  /** Sum of every count. */
  readonly total: number;
  /** Distinct keys counted on their own (capacity reached when equal to maxKeys). */
  readonly size: number;
  /** True once a key went to `(other)`. */
  readonly overflowed: boolean;
}

export function createCappedCounter(maxKeys: number): CappedCounter {
  const counts = new Map<string, number>();
  let total = 0;
  let overflowed = false;
  // Largest first, ties by key; (other) always last: it is not one key.
  const sorted = (): [string, number][] =>
    [...counts.entries()].sort(([ka, a], [kb, b]) => Number(ka === OTHER_KEY) - Number(kb === OTHER_KEY) || b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));
  return {
    add(key, n = 1) {
      total += n;
      const current = counts.get(key);
      if (current !== undefined) counts.set(key, current + n);
      else if (counts.size < maxKeys || key === OTHER_KEY) counts.set(key, n);
      else {
        overflowed = true;
        counts.set(OTHER_KEY, (counts.get(OTHER_KEY) ?? 0) + n);
      }
    },
    entries: sorted,
    toObject() {
      return Object.fromEntries(sorted());
    },
    get total() {
      return total;
    },
    get size() {
      return counts.size;
    },
    get overflowed() {
      return overflowed;
    },
  };
}

/** The top `n` entries of a counter and the totals behind them (Gatekeeper's "capped list, full count"). */
export interface TopList {
  readonly top: readonly { readonly key: string; readonly count: number }[];
  /** Sum over every key, shown or not. */
  readonly total: number;
  /** Distinct keys counted (the `(other)` bucket counts as one). */
  readonly distinct: number;
}

export function topList(counter: CappedCounter, n: number): TopList {
  const entries = counter.entries();
  return { top: entries.slice(0, n).map(([key, count]) => ({ key, count })), total: counter.total, distinct: entries.length };
}
