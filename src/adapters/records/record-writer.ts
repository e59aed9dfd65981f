import pino from "pino";
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
  const stream = pino.destination({
    dest: destination === "-" ? 1 : destination,
    sync: options.sync ?? false,
    mkdir: true,
    minLength: options.sync ? 0 : 4096,
  });
  let closed = false;
  return {
    write(record) {
      // The record is the whole line (no pino level/time/pid keys): one JSON.stringify, one append.
      if (!closed) stream.write(`${JSON.stringify(record)}\n`);
    },
    flush() {
      if (!closed) stream.flushSync();
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        stream.flushSync();
        if (destination === "-") {
          resolve();
          return;
        }
        stream.once("close", () => resolve());
        stream.end();
      });
    },
  };
}
