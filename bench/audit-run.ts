/**
 * One measured `gitops-guard audit --format json` run, in a fresh process so peak RSS is its own:
 * `node bench/audit-run.ts FILE…` prints {"ms", "cpuMs", "maxRssMiB", "lines", "bytes"} on stdout.
 */
import { Writable, Readable } from "node:stream";
import { main } from "../src/cli/main.ts";
import { COMMANDS } from "../src/cli/commands.ts";

let out = "";
const stdout = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    out += chunk.toString("utf8");
    callback();
  },
});
const stderr = new Writable({ write: (_c, _e, callback) => callback() });
const started = performance.now();
const cpuBefore = process.cpuUsage();
const code = await main(["audit", "--format", "json", ...process.argv.slice(2)],
  { stdout, stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined }, COMMANDS);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
if (code !== 0) throw new Error(`audit exited ${code}`);
const report = JSON.parse(out) as { inputs: { lines: number; bytes: number }[] };
const lines = report.inputs.reduce((n, i) => n + i.lines, 0);
const bytes = report.inputs.reduce((n, i) => n + i.bytes, 0);
// resourceUsage().maxRSS is in KiB (getrusage ru_maxrss on Linux).
// CPU time (user + system, all threads) is the figure a shared machine's load disturbs least.
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, lines, bytes })}\n`);
