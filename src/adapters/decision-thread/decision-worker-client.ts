import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { BUSY_SLOTS, type AfterMessage, type AnswerMessage, type DecisionThreadData, type FromDecisionThread, type ReviewTask, type ToDecisionThread } from "./decision-messages.ts";
import type { DynamicPolicyProvider, PolicyChange } from "../policy/dynamic-policy-provider.ts";

/**
 * Longest a decision may run before the thread counts as stalled (ms). The largest review the
 * server takes (7 MiB) decides in about 150 ms here and a typical one in 0.1 ms; kube-apiserver
 * gives the webhook 3 s (manifests: timeoutSeconds: 3), so a stalled decision is answered by our
 * failure mode, and recorded, well before the API server gives up and applies its own.
 */
export const STALL_MS = 1_000;

/** Wait before a stopped decision thread is started again (ms); requests are decided on the request thread meanwhile. */
export const RESTART_DELAY_MS = 1_000;

/**
 * Most body text (UTF-16 units) waiting in the decision thread at once. Beyond it the request
 * thread decides itself, and while it does it reads no new request: the back-pressure a single
 * thread has by nature. Without a bound a burst of large reviews would queue without limit (each
 * waits in the handler and as a copy in the thread's queue, about twice its size), while the
 * request thread went on reading more. 32 Mi units: four of the largest reviews (7 MiB) or about
 * 5,000 typical ones (6 KiB), about 64 MiB held in the worst case, against the manifests' 512 MiB
 * memory limit.
 */
export const MAX_QUEUED_UNITS = 32 * 1024 * 1024;

/**
 * Bodies longer than this (UTF-16 units, about bytes for JSON) are decided on the request thread.
 * For a 2 MiB review (bench (c): a 1 MiB ConfigMap in object and oldObject) the thread measured
 * slower: p99 25–29 ms against 19–20 ms, 130 against 166 req/s, in the same runs. The body is
 * copied into the thread and parsed on a second heap, whose collections add to the request
 * thread's. Sending it as bytes instead of a string measured worse still (p99 28–31 ms).
 * Typical reviews are far below (a Deployment with managedFields: 6 KiB), where the thread
 * gains 30–40 % throughput.
 */
export const LARGE_BODY_UNITS = 512 * 1024;

/** Longest wait for the decision thread's last observations and records at shutdown (ms). */
const FLUSH_WAIT_MS = 2_000;

/** Why a request was decided on the request thread although a decision thread is configured. */
export type RequestThreadReason = "thread-down" | "queue-full" | "large-body";

/** What happened to the decision thread: it crashed, or a decision in it stalled (it is replaced either way). */
export type ThreadEvent = "crash" | "stall";

/** What became of one request sent to the decision thread. */
export type ThreadResult =
  | { readonly kind: "answered"; readonly message: AnswerMessage }
  /**
   * Decide on the request thread: the thread is starting, restarting or gone, has MAX_QUEUED_UNITS
   * waiting, or the body is over LARGE_BODY_UNITS.
   */
  | { readonly kind: "unavailable"; readonly reason: RequestThreadReason }
  /** The thread stopped answering while deciding this request: answer by the failure mode. */
  | { readonly kind: "stalled" };

/** Decides admission reviews on a thread of their own. */
export interface DecisionThread {
  /** Sends one body to the thread. Resolves `unavailable` at once when the thread is not running. */
  decide(task: Omit<ReviewTask, "type" | "id">): Promise<ThreadResult>;
  /** True while the thread takes work (started and ready). */
  running(): boolean;
  /** The thread's V8 heap (bytes), or undefined while no thread runs. */
  heap(): Promise<{ readonly used: number; readonly total: number } | undefined>;
  /** Resolves once the observations and records of every answer sent so far were handed to `onAfter`. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface DecisionThreadOptions extends Omit<DecisionThreadData, "busySince"> {
  /** Where the catalogue comes from: every change is forwarded to the thread. */
  readonly provider: Pick<DynamicPolicyProvider, "subscribe">;
  /** Receives the metrics observations and record lines of answers already sent. */
  readonly onAfter: (after: AfterMessage) => void;
  /** Told of every crash and stall (metrics). Default: nothing. */
  readonly onEvent?: (event: ThreadEvent) => void;
  readonly log: Logger;
  /** The thread's script. Default: decision-thread beside this module. Tests start a faulty one. */
  readonly entry?: URL;
  /** Default STALL_MS. */
  readonly stallMs?: number;
  /** Default RESTART_DELAY_MS. */
  readonly restartDelayMs?: number;
  /** Default MAX_QUEUED_UNITS. */
  readonly maxQueuedUnits?: number;
  /** Default LARGE_BODY_UNITS. */
  readonly largeBodyUnits?: number;
}

/** An AfterMessage without the items of requests already answered by the failure mode. */
function withoutStalled(message: AfterMessage, stalledIds: Set<number>): AfterMessage {
  return { ...message, items: message.items.filter((item) => !stalledIds.delete(item.id)) };
}

function defaultEntry(): URL {
  return new URL(`./decision-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
}

interface Running {
  readonly worker: Worker;
  ready: boolean;
  /** BUSY_SLOTS: since when the thread decides its current review (0 when idle), and that review's id (the thread writes them). */
  readonly busySince: BigInt64Array;
}

/**
 * Starts the decision thread. The request thread then only does TLS, HTTP and the bookkeeping of
 * answers; parsing, deciding, serialising and building records run beside it, on the machine's
 * second core (README "Benchmarks": the bare TLS server is the request thread's ceiling).
 * Nothing is lost when the thread fails: requests in it when it crashes, and every request until
 * it has restarted, are decided on the request thread; requests in it when it stalls are answered
 * by the failure mode, and the thread is replaced.
 */
export function startDecisionThread(options: DecisionThreadOptions): DecisionThread {
  const stallMs = options.stallMs ?? STALL_MS;
  const restartDelayMs = options.restartDelayMs ?? RESTART_DELAY_MS;
  const { log } = options;
  const maxQueuedUnits = options.maxQueuedUnits ?? MAX_QUEUED_UNITS;
  const largeBodyUnits = options.largeBodyUnits ?? LARGE_BODY_UNITS;
  const pending = new Map<number, (result: ThreadResult) => void>();
  let queuedUnits = 0;
  // Requests answered by the failure mode when the thread stalled: what the thread may still send
  // for them (it answered just before) is dropped, so none is recorded or counted twice.
  const stalledIds = new Set<number>();
  // Threads terminated for a stall: their exit is not a crash.
  const stalled = new WeakSet<Running>();
  const flushes: (() => void)[] = [];
  let nextId = 0;
  let closing = false;
  let running: Running | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  // The latest change of each kind: enough to bring a new thread to the current state.
  const latest = new Map<PolicyChange["type"], PolicyChange>();

  const settleAll = (result: ThreadResult): void => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const resolve of waiting) resolve(result);
    for (const done of flushes.splice(0)) done();
  };

  const spawn = (): void => {
    const busySince = new SharedArrayBuffer(16);
    const data: DecisionThreadData = { guardNamespace: options.guardNamespace, recording: options.recording, busySince };
    const worker = new Worker(options.entry ?? defaultEntry(), { workerData: data });
    const self: Running = { worker, ready: false, busySince: new BigInt64Array(busySince) };
    running = self;
    // Posted before the thread listens: a port queues messages until then.
    for (const change of latest.values()) worker.postMessage({ type: "policy-change", change } satisfies ToDecisionThread);
    worker.on("message", (message: FromDecisionThread) => {
      switch (message.type) {
        case "ready":
          self.ready = true;
          break;
        case "answer": {
          const resolve = pending.get(message.id);
          pending.delete(message.id);
          resolve?.({ kind: "answered", message });
          break;
        }
        case "after":
          options.onAfter(stalledIds.size === 0 ? message : withoutStalled(message, stalledIds));
          break;
        case "flushed":
          flushes.shift()?.();
          break;
      }
    });
    worker.on("error", (err) => log.error({ err }, "the decision thread failed"));
    worker.on("exit", (exitCode) => {
      if (running === self) running = undefined;
      // Node delivers a thread's last messages before its exit: none can name a stalled id now.
      stalledIds.clear();
      // Crashed: the requests in it are decided on the request thread (their bodies are still there).
      settleAll({ kind: "unavailable", reason: "thread-down" });
      if (closing) return;
      if (!stalled.has(self)) options.onEvent?.("crash");
      log.error({ exitCode, restartInMs: restartDelayMs }, "the decision thread stopped; deciding on the request thread until it restarts");
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!closing) spawn();
      }, restartDelayMs);
    });
  };

  // A decision that never ends (a bug on some input) must not hold every later request: the one
  // review that stalled is answered by the failure mode, the ones queued behind it are decided
  // on the request thread (their bodies are still there: nothing innocent fails open), and the
  // thread is replaced. The thread's own clock says how long its current decision runs, however
  // late this thread reads its messages.
  const watchdog = setInterval(() => {
    const current = running;
    if (!current || pending.size === 0) return;
    const since = Number(Atomics.load(current.busySince, BUSY_SLOTS.since));
    if (since === 0 || Date.now() - since <= stallMs) return;
    const stalledId = Number(Atomics.load(current.busySince, BUSY_SLOTS.id));
    running = undefined;
    log.error({ stalledMs: Date.now() - since, inFlight: pending.size }, "the decision thread stalled; answering the stalled review by the failure mode, deciding the others here, and replacing it");
    // Whatever the thread may still send for any of them (it may have answered just before) is
    // dropped: each is answered, counted and recorded once, here.
    for (const id of pending.keys()) stalledIds.add(id);
    stalled.add(current);
    options.onEvent?.("stall");
    const stalledReview = pending.get(stalledId);
    pending.delete(stalledId);
    stalledReview?.({ kind: "stalled" });
    settleAll({ kind: "unavailable", reason: "thread-down" });
    void current.worker.terminate();
  }, Math.max(10, Math.floor(stallMs / 4)));
  watchdog.unref();

  options.provider.subscribe((change) => {
    latest.set(change.type, change);
    running?.worker.postMessage({ type: "policy-change", change } satisfies ToDecisionThread);
  });
  spawn();

  return {
    running: () => running?.ready === true,
    async heap() {
      const current = running;
      if (!current?.ready) return undefined;
      try {
        const stats = await current.worker.getHeapStatistics();
        return { used: stats.used_heap_size, total: stats.total_heap_size };
      } catch {
        return undefined; // the thread ended meanwhile
      }
    },
    decide(task) {
      const current = running;
      if (!current?.ready) return Promise.resolve({ kind: "unavailable", reason: "thread-down" });
      if (task.text.length > largeBodyUnits) return Promise.resolve({ kind: "unavailable", reason: "large-body" });
      // The first request always goes: a single review larger than the bound still leaves this thread.
      if (pending.size > 0 && queuedUnits + task.text.length > maxQueuedUnits) return Promise.resolve({ kind: "unavailable", reason: "queue-full" });
      const id = nextId++;
      const units = task.text.length;
      queuedUnits += units;
      const result = new Promise<ThreadResult>((resolve) => pending.set(id, (settled) => {
        queuedUnits -= units;
        resolve(settled);
      }));
      current.worker.postMessage({ type: "review", id, ...task } satisfies ToDecisionThread);
      return result;
    },
    async flush() {
      const current = running;
      if (!current?.ready) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        // A flush that timed out leaves the queue: a late "flushed" must not end the next one.
        const timer = setTimeout(() => {
          const at = flushes.indexOf(done);
          if (at >= 0) flushes.splice(at, 1);
          resolve();
        }, FLUSH_WAIT_MS);
        flushes.push(done);
        current.worker.postMessage({ type: "flush" } satisfies ToDecisionThread);
      });
    },
    async close() {
      closing = true;
      clearInterval(watchdog);
      if (restartTimer) clearTimeout(restartTimer);
      const current = running;
      running = undefined;
      if (current) await current.worker.terminate();
    },
  };
}
