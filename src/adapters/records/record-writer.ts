import pino from "pino";
import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { DecisionRecord } from "../../core/records/decision-record.ts";

/** Where decision records go: a file path, or "-" for standard output. */
export type RecordDestination = string;

/** Writes decision records, one JSON object per line. */
export interface RecordWriter {
  /** Queues one record; never blocks the caller on I/O. */
  write(record: DecisionRecord): void;
  /** Writes everything still buffered, synchronously (SIGTERM path). */
  flush(): void;
  /** Flushes and closes the destination. */
  close(): Promise<void>;
}

/**
 * Records go through pino's SonicBoom destination in asynchronous mode: `write` appends to an
 * in-memory buffer and returns; the buffer is written in whole lines (never a torn line), at
 * least every `minLength` bytes (4 KiB) or on flush. A line is exactly the record (schema "v": 1,
 * README "Decision records"), without pino's level/time/pid fields.
 */
export function createRecordWriter(destination: RecordDestination, options: { readonly sync?: boolean } = {}): RecordWriter {
  // The file is opened synchronously here, at startup, so the destination is ready at once:
  // flushSync works from the first record (a SIGTERM right after start loses nothing).
  if (destination !== "-") mkdirSync(dirname(destination), { recursive: true });
  const fd = destination === "-" ? 1 : openSync(destination, "a");
  const stream = pino.destination({ dest: fd, sync: options.sync ?? false, minLength: options.sync ? 0 : 4096 });
  let closed = false;
  return {
    write(record) {
      // The record is the whole line (no pino level/time/pid keys): one JSON.stringify, one append.
      if (!closed) stream.write(`${JSON.stringify(record)}\n`);
    },
    flush() {
      if (!closed) stream.flushSync();
    },
    async close() {
      if (closed) return;
      closed = true;
      stream.flushSync();
      if (destination === "-") return;
      await new Promise<void>((resolve) => {
        stream.once("close", () => resolve());
        stream.end();
      });
    },
  };
}
