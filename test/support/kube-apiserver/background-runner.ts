/** Runs the simulated cluster's controllers (garbage collector, namespace finalizer) off the request path. */
export interface BackgroundRunner {
  /** Runs `task` after the runner's delay; a failing task is ignored, as a controller retries later. */
  runLater(task: () => Promise<void> | void): void;
  /** Cancels every task not yet started (server stop). */
  cancelAll(): void;
}

/**
 * A runner with `delayMs` between a request and the controller work it triggers (default 0:
 * the next timer tick). kube-apiserver's controllers react within milliseconds to seconds, so
 * clients must never assume the work is done when the request returns; neither may tests.
 */
export function createBackgroundRunner(delayMs = 0): BackgroundRunner {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    runLater(task) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        Promise.resolve().then(task).catch(() => undefined);
      }, delayMs);
      timers.add(timer);
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
