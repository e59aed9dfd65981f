import type { BackgroundRunner } from "./background-runner.ts";
import type { ObjectStore } from "./object-store.ts";
import type { ResourceRegistry } from "./resource-registry.ts";
import type { WriteHooks } from "./write-hooks.ts";

/** Everything a request handler needs; one per simulated API server, passed in, never global. */
export interface ApiContext {
  readonly registry: ResourceRegistry;
  readonly store: ObjectStore;
  readonly hooks: WriteHooks;
  readonly background: BackgroundRunner;
  /** Clock for creationTimestamp/deletionTimestamp. */
  readonly now: () => Date;
  /** metadata.uid source (default crypto.randomUUID). */
  readonly newUid: () => string;
  /** generateName's 5-character suffix source. */
  readonly randomSuffix: () => string;
  /** Interval between BOOKMARK events on watches that allow them, in milliseconds. */
  readonly bookmarkIntervalMs: number;
  /** Closers of the open watch streams; each removes itself when its stream ends. */
  readonly watches: Set<() => void>;
}
