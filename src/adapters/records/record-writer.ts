import pino from "pino";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { DecisionRecord } from "../../core/records/decision-record.ts";

/** The worker's target module, beside this one (.ts when run from source, .js when built). */
function recordFileTargetPath(): string {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./record-file-target${extension}`, import.meta.url));
}

/** Longest a record waits in memory before it goes to the writer thread (ms). */
const BATCH_MS = 50;

/** A batch this long (UTF-16 units, about 40 records of a typical update) goes at once. */
const BATCH_BYTES = 64 * 1024;

/** Longest wait for the writer thread to close its file at shutdown. */
const CLOSE_WAIT_MS = 2_000;

/** Where decision records go: a file path, or "-" for standard output. */
export type RecordDestination = string;

/** Writes decision records, one JSON object per line. */
export interface RecordWriter {
  /** Queues one record; never blocks the caller on I/O. */
  write(record: DecisionRecord): void;
  /** Queues records already serialised elsewhere (the decision thread): whole lines, each ending in "\n". */
  writeLines(lines: string): void;
  /** Blocks until everything queued so far is written (SIGTERM path, tests). */
  flush(): void;
  /** Flushes and closes the destination. */
  close(): Promise<void>;
}

/**
 * Records are written by pino's transport worker thread (thread-stream): `write` adds the line to
 * a batch that goes to the worker's shared buffer (see below); the worker appends it to the file
 * or standard output. The request thread never waits on the disk nor pays for fs.write callbacks:
 * in the serve benchmark, writing in the request thread (SonicBoom) cost about 15 % of the
 * throughput. One writer means whole lines in order, never a torn line; the worker writes
 * synchronously on its own thread, so after `flush()` the lines are on disk. A line is exactly
 * the record (schema "v": 1, docs/records-and-metrics.md), without pino's level/time/pid fields.
 */
export async function createRecordWriter(destination: RecordDestination, onError: (err: Error) => void = () => undefined): Promise<RecordWriter> {
  if (destination !== "-") mkdirSync(dirname(destination), { recursive: true });
  const stream = pino.transport({
    target: recordFileTargetPath(),
    options: { destination: destination === "-" ? 1 : destination },
  });
  // Started once, at startup: the worker is running and the file open before the first record,
  // so flush() right after a write already finds the line on disk.
  await new Promise<void>((resolve, reject) => {
    stream.once("ready", () => resolve());
    stream.once("error", reject);
  });
  let closed = false;
  // A writer that dies later (disk full) must never take the server down: the error is reported
  // once and records stop; answers go on.
  stream.on("error", (err: Error) => {
    if (!closed) onError(err);
    closed = true;
  });
  // Lines go to the worker in batches: every thread-stream write stores into the shared buffer
  // and wakes the worker (a futex syscall, and the worker then competes for the CPU with the
  // request thread), so the lines of up to BATCH_MS or BATCH_BYTES travel together. In the serve
  // benchmark, records cost about 11 % of (a)'s throughput with one write per event-loop turn, and
  // 0–5 % (within the noise) with these batches.
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const drain = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === "" || closed) return;
    const lines = pending;
    pending = "";
    stream.write(lines);
  };
  // A process that exits without close() (an uncaught error, a failed shutdown) still writes the
  // batch in hand: prepended so it runs before pino's own exit hook, which flushes thread-stream
  // synchronously and ends it.
  const onExit = (): void => drain();
  const queue = (lines: string): void => {
    if (closed || lines === "") return;
    pending += lines;
    if (pending.length >= BATCH_BYTES) drain();
    // unref: a pending batch never keeps the process alive; close() and flush() drain it.
    else timer ??= setTimeout(drain, BATCH_MS).unref();
  };
  process.prependListener("exit", onExit);
  return {
    write(record) {
      // The record is the whole line: one JSON.stringify, batched with the others of this turn.
      queue(`${JSON.stringify(record)}\n`);
    },
    writeLines(lines) {
      queue(lines);
    },
    flush() {
      drain();
      if (!closed) stream.flushSync();
    },
    async close() {
      drain();
      process.removeListener("exit", onExit);
      if (closed) return;
      closed = true;
      // After flushSync every line is on disk (the worker writes synchronously before it acknowledges).
      stream.flushSync();
      // The worker thread is unref'd: a timer keeps the process alive until it has closed the file
      // (or CLOSE_WAIT_MS passed; nothing is lost either way, the data is already written).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_WAIT_MS);
        stream.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
        stream.end();
      });
    },
  };
}
