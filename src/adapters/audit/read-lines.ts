import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** One line of input, or the mark of a line longer than the limit (its bytes were skipped, not held). */
export type InputLine = { readonly text: string } | { readonly tooLong: number };

/** Counts of what went through, for the report and the benchmark. */
export interface ReadCounters {
  /** Bytes read from the source (compressed bytes for gzip). */
  bytes: number;
  compressed: boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const NEWLINE = 0x0a;

/** Decompresses when the first two bytes are gzip's magic number (a file or standard input alike). */
async function* decoded(source: AsyncIterable<Buffer | string>, counters: ReadCounters): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const toBuffer = (value: Buffer | string): Buffer => (typeof value === "string" ? Buffer.from(value) : value);
  // Two bytes decide: a first chunk of one byte (a pipe may deliver that) waits for the next.
  let head: Buffer = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = toBuffer(next.value);
    counters.bytes += chunk.length;
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
  }
  if (head.length === 0) return;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = toBuffer(next.value);
      counters.bytes += chunk.length;
      yield chunk;
    }
  };
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    counters.compressed = true;
    yield* Readable.from(rest()).pipe(createGunzip());
    return;
  }
  yield* rest();
}

/**
 * Splits a byte stream into lines without ever holding more than one line (and one chunk): a line
 * longer than `maxLineBytes` is skipped up to its newline and reported as too long. CRLF ends a
 * line like LF. Text is decoded as UTF-8 per line, so a multi-byte character split between chunks
 * stays whole.
 */
export async function* readLines(source: AsyncIterable<Buffer | string>, maxLineBytes: number, counters: ReadCounters): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let skipping = 0; // bytes skipped of the current over-long line (0: not skipping)
  const finish = (tail: Buffer): InputLine => {
    const line = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    held = 0;
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    return { text: line.toString("utf8", 0, end) };
  };
  for await (const chunk of decoded(source, counters)) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      const piece = nl < 0 ? chunk.subarray(start) : chunk.subarray(start, nl);
      if (skipping > 0 || held + piece.length > maxLineBytes) {
        skipping += held + piece.length;
        parts = [];
        held = 0;
        if (nl < 0) break;
        yield { tooLong: skipping };
        skipping = 0;
      } else if (nl < 0) {
        // Copy: the chunk's memory may be reused by the stream.
        parts.push(Buffer.from(piece));
        held += piece.length;
        break;
      } else yield finish(piece);
      start = nl + 1;
    }
  }
  if (skipping > 0) yield { tooLong: skipping };
  else if (held > 0) yield finish(Buffer.alloc(0));
}
