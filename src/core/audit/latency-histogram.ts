/**
 * Latency percentiles in bounded memory: counts in log-spaced buckets (8 per doubling, so a
 * reported percentile is within 9 % of the true value) from 0.001 ms to ~1,000 s. A million
 * records cost 250 numbers, not a million.
 */
const BUCKETS_PER_DOUBLING = 8;
const MIN_MS = 0.001;
const BUCKET_COUNT = 30 * BUCKETS_PER_DOUBLING;

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface LatencyHistogram {
  add(ms: number): void;
  summary(): LatencySummary;
}

function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const index = Math.floor(Math.log2(ms / MIN_MS) * BUCKETS_PER_DOUBLING);
  return Math.min(index, BUCKET_COUNT - 1);
}

/** Upper bound of a bucket, rounded to 3 significant digits. */
function upperOf(index: number): number {
  return Number((MIN_MS * 2 ** ((index + 1) / BUCKETS_PER_DOUBLING)).toPrecision(3));
}

export function createLatencyHistogram(): LatencyHistogram {
  const counts = new Array<number>(BUCKET_COUNT).fill(0);
  let count = 0;
  let max = -Infinity;
  const percentile = (p: number): number | null => {
    if (count === 0) return null;
    const rank = Math.ceil(p * count);
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return Math.min(upperOf(i), max);
    }
    return max;
  };
  return {
    add(ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      const i = bucketOf(ms);
      counts[i] = (counts[i] ?? 0) + 1;
      count++;
      if (ms > max) max = ms;
    },
    summary() {
      return { count, p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: count === 0 ? null : max };
    },
  };
}
