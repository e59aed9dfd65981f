/** Runs the simulated cluster's controllers (garbage collector, namespace finalizer) off the request path. */
export interface BackgroundRunner {
  /** Runs `task` after the runner's delay; a failing task is ignored, as a controller retries later. */
  runLater(task: () => Promise<void> | void): void;
  /** Cancels every task not yet started (server stop). */
  cancelAll(): void;
  /**
   * Resolves once no task is waiting or running, including tasks the running ones scheduled
   * (the simulated controllers' driver waits on it to reach a fixed point within one tick).
   */
  idle(): Promise<void>;
}

/**
 * A runner with `delayMs` between a request and the controller work it triggers (default 0:
 * the next timer tick). kube-apiserver's controllers react within milliseconds to seconds, so
 * clients must never assume the work is done when the request returns; neither may tests.
 */
export function createBackgroundRunner(delayMs = 0): BackgroundRunner {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let running = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    if (timers.size > 0 || running > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  return {
    runLater(task) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        running += 1;
        Promise.resolve().then(task).catch(() => undefined).finally(() => {
          running -= 1;
          settle();
        });
      }, delayMs);
      timers.add(timer);
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      settle();
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}
