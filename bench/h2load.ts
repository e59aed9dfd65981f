/**
 * The load generator the webhook benchmark prefers: h2load (nghttp2, C and libev; Debian package
 * `nghttp2-client`), run as its own process over HTTP/1.1 + TLS, one request in flight per
 * connection. It takes the same LoadSpec and gives the same LoadResult as the autocannon driver
 * in load.ts, for one request body (the scenario runs); the Secret probe (two bodies) and the
 * SIGTERM check (load until stopped) keep autocannon.
 *
 * Why h2load rather than autocannon for the figures: autocannon runs in Node, and at half the
 * maximum rate its own event loop adds to every latency it times: the bare ceiling's p99 at
 * 5,000 req/s was 2.70 ms under autocannon and 0.7–1.3 ms under h2load on the same machine, so a
 * 2 ms target could not be measured with it. h2load writes one log line per request (start in µs
 * since the epoch, status, µs until the end of the answer: `--log-file`), so percentiles are exact.
 *
 * Pacing: `--rps` gives each connection a fixed rate on a libev timer; connections are opened one
 * per millisecond (`-r 1 --rate-period 1ms`) so their schedules spread over the millisecond grid
 * instead of firing together. At R req/s about R/1000 requests still start in the same millisecond,
 * which is burstier than load.ts's evenly phase-shifted schedule (and closer to real traffic).
 * h2load times from the actual send, so there is no open-loop ("from schedule") figure.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSeconds } from "./cpu-seconds.ts";
import { percentile, type LoadHooks, type LoadResult, type LoadSpec } from "./load.ts";

/** True when an `h2load` binary is on PATH. */
export function h2loadAvailable(): boolean {
  const probe = spawnSync("h2load", ["--version"], { stdio: "ignore" });
  return probe.status === 0;
}

/** One line of h2load's --log-file: start (µs since the epoch), HTTP status, duration (µs). */
interface LogLine {
  readonly startUs: number;
  readonly status: number;
  readonly durationUs: number;
}

function parseLog(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split("\n")) {
    const [start, status, duration] = line.split("\t");
    if (start === undefined || status === undefined || duration === undefined) continue;
    lines.push({ startUs: Number(start), status: Number(status), durationUs: Number(duration) });
  }
  return lines;
}

/** h2load's summary line "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout". */
function parseSummary(stdout: string): Record<string, number> {
  const line = stdout.split("\n").find((l) => l.startsWith("requests:")) ?? "";
  const counts: Record<string, number> = {};
  for (const match of line.matchAll(/(\d+) (\w+)/g)) counts[match[2]!] = Number(match[1]);
  return counts;
}

/** Runs `spec` with h2load and resolves with the same figures load.ts's autocannon driver gives. */
export async function runH2load(spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  const [request, ...others] = spec.requests;
  if (!request || others.length > 0) throw new Error("h2load: one request body per run (use load.ts for several)");
  if (spec.untilStopped) throw new Error("h2load: untilStopped is not supported (use load.ts)");
  const dir = await mkdtemp(join(tmpdir(), "gitops-guard-h2load-"));
  try {
    const bodyFile = join(dir, "body.json");
    const logFile = join(dir, "requests.log");
    await writeFile(bodyFile, request.body);
    const seconds = spec.warmupSeconds + spec.measureSeconds;
    const common = ["--h1", "-t", "1", "-c", String(spec.connections), "-m", "1", "-d", bodyFile, "-H", "content-type: application/json", "--log-file", logFile];
    const timing = spec.rate > 0
      ? ["--rps", String(spec.rate / spec.connections), "-r", "1", "--rate-period", "1ms", "-n", String(Math.ceil(spec.rate * seconds))]
      : ["-D", String(seconds)];
    const child = spawn("h2load", [...common, ...timing, `${spec.url}${request.path}`], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let clientCpuStart: number | undefined;
    let clientCpuPct = Number.NaN;
    const timers = [
      setTimeout(() => {
        clientCpuStart = child.pid === undefined ? undefined : cpuSeconds(child.pid);
        hooks.onMeasureStart?.();
      }, spec.warmupSeconds * 1000),
      setTimeout(() => {
        const end = child.pid === undefined ? undefined : cpuSeconds(child.pid);
        if (clientCpuStart !== undefined && end !== undefined) clientCpuPct = ((end - clientCpuStart) / spec.measureSeconds) * 100;
        hooks.onMeasureEnd?.();
      }, seconds * 1000),
    ];
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (exitCode) => resolve(exitCode));
    }).finally(() => {
      for (const timer of timers) clearTimeout(timer);
    });
    if (code !== 0) throw new Error(`h2load exited with ${code}: ${stderr.trim() || stdout.trim()}`);
    const log = parseLog(await readFile(logFile, "utf8"));
    if (log.length === 0) throw new Error(`h2load logged no request: ${stdout.trim()}`);
    // The window is anchored on the first request h2load sent (connections take a few ms to open):
    // answers that end inside [first + warm-up, first + warm-up + measure) count, as in load.ts.
    // A loop, not Math.min(...): a run logs 100,000 requests and more, past V8's argument limit.
    const first = log.reduce((min, l) => Math.min(min, l.startUs), Number.POSITIVE_INFINITY);
    const from = first + spec.warmupSeconds * 1e6;
    const to = from + spec.measureSeconds * 1e6;
    const statuses: Record<string, number> = {};
    const latencies: number[] = [];
    let notOk = 0;
    for (const line of log) {
      statuses[String(line.status)] = (statuses[String(line.status)] ?? 0) + 1;
      const end = line.startUs + line.durationUs;
      if (end < from || end >= to) continue;
      if (line.status >= 200 && line.status < 300) latencies.push(line.durationUs / 1000);
      else notOk++;
    }
    const sorted = Float64Array.from(latencies).sort();
    // Every answered request is in the log; a request started and not logged got no answer
    // (h2load's "errored" or "timeout", or a connection the server closed).
    const started = parseSummary(stdout)["started"] ?? log.length;
    const unanswered = Math.max(0, started - log.length);
    return {
      totals: { sent: started, statuses, dropped: unanswered > 0 ? { "no answer": unanswered } : {}, unansweredAtStop: 0 },
      measure: {
        seconds: spec.measureSeconds,
        ok: sorted.length,
        notOk,
        rps: sorted.length / spec.measureSeconds,
        p50Ms: percentile(sorted, 50),
        p90Ms: percentile(sorted, 90),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
        // h2load times from the actual send: no separate figure from the schedule.
        p50ScheduleMs: Number.NaN,
        p99ScheduleMs: Number.NaN,
        clientCpuPct,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
