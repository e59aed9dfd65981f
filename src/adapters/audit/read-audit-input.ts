import { createReadStream } from "node:fs";
import { AppError } from "../../errors.ts";
import { parseAuditLine } from "../../core/audit/parse-audit-line.ts";
import { AUDIT_LIMITS } from "../../core/audit/audit-limits.ts";
import type { InputSummary } from "../../core/audit/audit-report.ts";
import type { RecordSummarizer } from "../../core/audit/record-summary.ts";
import type { KubeAuditSummarizer } from "../../core/audit/kube-audit-summary.ts";
import { readLines, type ReadCounters } from "./read-lines.ts";

/**
 * Longest line read (bytes). An audit event at RequestResponse level holds the request and the
 * response object, each up to ~3 MB as JSON (etcd's 1.5 MiB limit, doubled by JSON); an EventList
 * batch of the webhook backend is at most its 10 MiB default batch size (--audit-webhook-batch-*).
 * Longer lines are counted as malformed and skipped without being held.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface ReadAuditInputOptions {
  readonly stdin: NodeJS.ReadableStream;
  readonly strict: boolean;
  readonly records: RecordSummarizer;
  readonly kube: KubeAuditSummarizer;
  /** Called about every PROGRESS_LINES lines with the bytes read so far (progress on a terminal). */
  readonly onProgress?: (path: string, bytes: number, lines: number) => void;
  readonly maxLineBytes?: number;
}

/** Lines between two progress calls. */
const PROGRESS_LINES = 100_000;

function openSource(path: string, stdin: NodeJS.ReadableStream): AsyncIterable<Buffer | string> {
  if (path === "-") return stdin;
  // 1 MiB reads: fewer syscalls and chunk boundaries than the 64 KiB default (measured in bench/audit-bench.ts).
  return createReadStream(path, { highWaterMark: 1024 * 1024 });
}

/** Streams one input (a file, `-` for standard input; gzip detected) into the summarizers. */
// eslint-disable-next-line complexity -- one switch over what a line holds
export async function readAuditInput(path: string, options: ReadAuditInputOptions): Promise<InputSummary> {
  const counters: ReadCounters = { bytes: 0, compressed: false };
  const malformedLines: { line: number; error: string }[] = [];
  let lines = 0;
  let malformed = 0;
  let recordLines = 0;
  let eventLines = 0;
  const bad = (line: number, error: string): void => {
    malformed++;
    if (options.strict) throw new AppError("ERR_AUDIT_INPUT_MALFORMED", `${path === "-" ? "(stdin)" : path}:${line}: ${error} (--strict)`);
    if (malformedLines.length < AUDIT_LIMITS.malformedShown) malformedLines.push({ line, error });
  };
  try {
    for await (const item of readLines(openSource(path, options.stdin), options.maxLineBytes ?? MAX_LINE_BYTES, counters)) {
      lines++;
      if (options.onProgress && lines % PROGRESS_LINES === 0) options.onProgress(path, counters.bytes, lines);
      if ("tooLong" in item) {
        bad(lines, `line longer than ${options.maxLineBytes ?? MAX_LINE_BYTES} bytes (${item.tooLong})`);
        continue;
      }
      const parsed = parseAuditLine(item.text);
      switch (parsed.type) {
        case "blank":
          break;
        case "malformed":
          bad(lines, parsed.error);
          break;
        case "decision":
          recordLines++;
          options.records.addDecision(parsed.record);
          break;
        case "watch":
          recordLines++;
          options.records.addWatch(parsed.record);
          break;
        case "events":
          eventLines++;
          for (const event of parsed.events) options.kube.add(event);
          if (parsed.errors.length > 0) bad(lines, `${parsed.errors.length} bad item(s) in the batch, first: ${parsed.errors[0]}`);
          break;
      }
    }
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  const format = recordLines > 0 && eventLines > 0 ? "mixed" : recordLines > 0 ? "records" : eventLines > 0 ? "kube-audit" : "empty";
  return { path, format, compressed: counters.compressed, bytes: counters.bytes, lines, malformed, malformedLines };
}
