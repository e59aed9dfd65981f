import type { Writable } from "node:stream";

/** Where a command writes: results to stdout, diagnostics to stderr. Injected so tests capture them. */
export interface CommandIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Standard input, for `-` paths. */
  readonly stdin: NodeJS.ReadableStream;
  /** True when stdout is a terminal (colour only then). */
  readonly isTTY: boolean;
  /** The process environment (read by commands only through this; never at import time). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Registers a handler for SIGTERM/SIGINT (long-running commands shut down gracefully). */
  readonly onSignal: (signal: "SIGTERM" | "SIGINT", handler: () => void) => void;
}

/**
 * Writes text and resolves once it has been handed to the OS, so a command never exits with part
 * of a large report still buffered (a pipe or a file receives the whole report).
 */
export function writeAll(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
