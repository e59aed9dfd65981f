/**
 * The simulated cluster's clock: time moves only when the driver advances it, so a scenario runs
 * the same way every time and a 10-minute rollout takes milliseconds of real time.
 */
export interface SimClock {
  /** The current simulated time (a fresh Date). */
  now(): Date;
  /** The current simulated time in epoch milliseconds. */
  nowMs(): number;
  /** Moves the clock forward by `ms` (≥ 0). */
  advance(ms: number): void;
}

// 2026-01-01T00:00:00Z: a fixed start keeps timestamps in records and assertions reproducible.
export const DEFAULT_SIM_START_MS = Date.UTC(2026, 0, 1);

/** A clock starting at `startMs` (default DEFAULT_SIM_START_MS). */
export function createSimClock(startMs: number = DEFAULT_SIM_START_MS): SimClock {
  let current = startMs;
  return {
    now: () => new Date(current),
    nowMs: () => current,
    advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`SimClock.advance: ${ms} is not a finite duration ≥ 0 ms`);
      current += ms;
    },
  };
}
