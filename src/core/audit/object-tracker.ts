/** What `audit` follows about one object across its decisions (bounded by AUDIT_LIMITS.trackedObjects). */
export interface ObjectState {
  /** Time (ms) of the first real denial of an immutable conflict not yet followed by a fix. */
  deniedAtMs?: number;
  /** The suggestion group (kind, namespace, owner) of that denial. */
  deniedGroup?: string;
  /** A real mark (first call) waits for the object to be recreated. */
  markedAtMs?: number;
  recreated?: boolean;
}

/** Time Git has to fix a denied change for it to count as fixed (the "within a day"). */
export const FIX_WINDOW_MS = 86_400_000;

/** A Map of object states that stops taking new objects at its capacity (existing ones still update). */
export interface ObjectTracker {
  get(key: string): ObjectState | undefined;
  /** The state of an object, created when there is room; undefined when full. */
  ensure(key: string): ObjectState | undefined;
  readonly full: boolean;
}

export function createObjectTracker(capacity: number): ObjectTracker {
  const states = new Map<string, ObjectState>();
  let full = false;
  return {
    get: (key) => states.get(key),
    ensure(key) {
      const state = states.get(key);
      if (state) return state;
      if (states.size >= capacity) {
        full = true;
        return undefined;
      }
      const created: ObjectState = {};
      states.set(key, created);
      return created;
    },
    get full() {
      return full;
    },
  };
}
