/** Polling helpers for tests that wait on something asynchronous (a watch, a file, a server). */

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition` holds; rejects naming `what` after `timeoutMs` (default 5 s). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(options.intervalMs ?? 5);
  }
}

/**
 * Resolves with the first value `probe` returns that is not undefined (a probe that throws counts
 * as not yet); rejects naming `what` and the last error after `timeoutMs` (default 10 s).
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await probe().catch((err: unknown) => {
      lastError = err;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last error: ${String(lastError)})`);
    await pause(50);
  }
}
