import { toError } from "../../errors.ts";
import { Worker, type MessagePort } from "node:worker_threads";
import { parseYamlChunk, type ParsedDocument } from "./parse-manifest-text.ts";

/**
 * Parses chunks of YAML streams. YAML parsing is most of check's time (the `yaml` package reads
 * about 3 MB/s here: ~0.35 s per 1,000 objects per side), so large inputs are split between the
 * main thread and one worker thread.
 */
export interface ChunkParser {
  /** The parsed documents of each chunk, in the order given. */
  parse(chunks: readonly string[]): Promise<ParsedDocument[][]>;
  /** Stops the worker, if one was started. Idempotent. */
  close(): Promise<void>;
}

/** Below this many characters of YAML to parse, starting a worker (~0.1 s) costs more than it saves. */
export const PARALLEL_MIN_CHARS = 1_000_000;

/** The worker's share of a large batch: a little under half, because it starts later. */
const WORKER_SHARE = 0.45;

interface Request {
  readonly id: number;
  readonly chunks: readonly string[];
}

type Reply = { readonly id: number; readonly results: ParsedDocument[][] } | { readonly id: number; readonly error: string };

function parseAll(chunks: readonly string[]): ParsedDocument[][] {
  return chunks.map(parseYamlChunk);
}

/** Parses in the calling thread. */
export function inThreadChunkParser(): ChunkParser {
  return { parse: async (chunks) => parseAll(chunks), close: async () => undefined };
}

/** The worker side: answers each request with the parsed chunks (called inside the worker only). */
export function serveChunkParsing(port: MessagePort): void {
  port.on("message", (request: Request) => {
    let reply: Reply;
    try {
      reply = { id: request.id, results: parseAll(request.chunks) };
    } catch (err) {
      reply = { id: request.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
  });
}

/**
 * The worker runs this module: a data: URL entry imports it by its own URL (.ts from the sources,
 * .js once built) and serves requests, so no file of ours runs code merely by being imported.
 */
function startWorker(): Worker {
  const entry = [
    'import { parentPort } from "node:worker_threads";',
    `import { serveChunkParsing } from ${JSON.stringify(import.meta.url)};`,
    "serveChunkParsing(parentPort);",
  ].join("\n");
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`));
  // Never keeps the process alive on its own; close() ends it.
  worker.unref();
  return worker;
}

function splitAt(chunks: readonly string[], share: number): number {
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  let taken = 0;
  for (let i = 0; i < chunks.length; i++) {
    taken += chunks[i]?.length ?? 0;
    if (taken >= total * share) return i + 1;
  }
  return chunks.length;
}

/**
 * Parses large batches in two threads: the worker takes the first ~45 % of the characters, this
 * thread the rest, at the same time. Small batches are parsed here. One worker, started on the
 * first large batch and reused.
 */
export function parallelChunkParser(minChars = PARALLEL_MIN_CHARS): ChunkParser {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: ParsedDocument[][]) => void; reject: (e: Error) => void }>();

  function failAll(error: Error): void {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    worker = undefined;
  }

  function viaWorker(chunks: readonly string[]): Promise<ParsedDocument[][]> {
    if (!worker) {
      worker = startWorker();
      worker.on("message", (reply: Reply) => {
        const waiting = pending.get(reply.id);
        pending.delete(reply.id);
        if ("error" in reply) waiting?.reject(new Error(`YAML parsing worker failed: ${reply.error}`));
        else waiting?.resolve(reply.results);
      });
      worker.on("error", (err: unknown) => failAll(toError(err)));
      worker.on("exit", (code) => failAll(new Error(`YAML parsing worker exited with code ${code}`)));
    }
    const id = nextId++;
    const running = worker;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      running.postMessage({ id, chunks } satisfies Request);
    });
  }

  return {
    async parse(chunks) {
      const chars = chunks.reduce((sum, c) => sum + c.length, 0);
      if (chars < minChars || chunks.length < 2) return parseAll(chunks);
      const cut = splitAt(chunks, WORKER_SHARE);
      const theirs = viaWorker(chunks.slice(0, cut));
      // This thread parses its share while the worker parses the other; a worker failure still
      // surfaces (awaited below) after this thread's share is done.
      const mine = parseAll(chunks.slice(cut));
      return [...(await theirs), ...mine];
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running) {
        running.removeAllListeners("exit");
        await running.terminate();
      }
    },
  };
}
