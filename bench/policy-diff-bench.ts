/**
 * Benchmark of `gitops-guard policy diff`: records replayed per second and peak memory.
 *
 * `node bench/policy-diff-bench.ts [--copies 10000] [--runs 3]` writes the project's own e2e
 * records (test/fixtures/audit/e2e-records.jsonl, 19 lines: marks, denials, allows, deletions)
 * --copies times with fresh uids into bench/results/policy-diff/ (ignored by git), then times
 * `policy diff jobs-deny.yaml jobs-mark.yaml --records FILE --format json` in-process per run
 * and prints the median wall time, records/s and the peak RSS (getrusage, whole process).
 */
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PassThrough, Readable } from "node:stream";
import { main } from "../src/cli/main.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { median } from "./median.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "bench", "results", "policy-diff");
const { values } = parseArgs({ options: { copies: { type: "string", default: "10000" }, runs: { type: "string", default: "3" } } });
const COPIES = Number(values.copies);
const RUNS = Number(values.runs);

const lines = readFileSync(join(ROOT, "test", "fixtures", "audit", "e2e-records.jsonl"), "utf8").trim().split("\n");
mkdirSync(OUT, { recursive: true });
const file = join(OUT, `records-${COPIES}.jsonl`);
const out = createWriteStream(file);
for (let c = 0; c < COPIES; c++) {
  const chunk = lines.map((l, i) => l.replace(/"uid":"[^"]+"/, `"uid":"bench-${c}-${i}"`)).join("\n") + "\n";
  if (!out.write(chunk)) await once(out, "drain");
}
out.end();
await once(out, "finish");

const fixtures = join(ROOT, "test", "fixtures", "policy-diff");
const times: number[] = [];
let changed = 0;
for (let run = 0; run < RUNS; run++) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (c: Buffer) => chunks.push(c));
  const started = performance.now();
  const code = await main(["policy", "diff", join(fixtures, "jobs-deny.yaml"), join(fixtures, "jobs-mark.yaml"), "--records", file, "--format", "json"],
    { stdout, stderr: process.stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined }, COMMANDS);
  times.push(performance.now() - started);
  if (code !== 0) throw new Error(`policy diff exited ${code}`);
  changed = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { changed: number }).changed;
}
const records = COPIES * lines.length;
const ms = median(times);
console.log(`policy diff: ${records} records (${changed} changed) in ${(ms / 1000).toFixed(2)} s median of ${RUNS} (${times.map((t) => (t / 1000).toFixed(2)).join(", ")} s): ${Math.round(records / (ms / 1000))} records/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
