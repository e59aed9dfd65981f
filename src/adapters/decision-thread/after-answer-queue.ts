/** Runs work after the answers in flight have been written: metrics and decision records. */
export type AfterAnswer = (task: () => void) => void;

/**
 * Queues tasks and runs them together in one `setImmediate` (the check phase, after the event
 * loop's pending writes), instead of one `setImmediate` per request: under load one turn of the
 * loop answers several requests, and their records then go to the writer as one batch. A task
 * that throws is reported to `onError` and never stops the others nor reaches the process.
 */
export function afterAnswerQueue(onError: (err: unknown) => void): AfterAnswer {
  let tasks: (() => void)[] = [];
  const run = (): void => {
    const batch = tasks;
    tasks = [];
    for (const task of batch) {
      try {
        task();
      } catch (err) {
        try {
          onError(err);
        } catch {
          // Reporting failed too (a broken log destination): the remaining tasks still run.
        }
      }
    }
  };
  return (task) => {
    if (tasks.push(task) === 1) setImmediate(run);
  };
}
