/**
 * The load generator of the webhook benchmark, always in its own process: `runLoad` forks this
 * file, which drives autocannon 8 (programmatic API) against the server over HTTPS and reports
 * back over IPC. Keeping the client out of the orchestrator's process means the orchestrator's own
 * work (sampling CPU, reading records) never competes with the client's event loop.
 *
 * Why not autocannon's own figures: its latency histogram records whole milliseconds (hdr-histogram,
 * lowestDiscernibleValue 1), too coarse for a 2 ms p99 target, and its `overallRate` sends each
 * connection's quota for a second back to back at the start of the second (a burst at full speed,
 * then silence), so "half the maximum rate" would still measure latency under full load. So each
 * client is hooked (`setupClient`): latencies are kept exactly (float ms), a fixed rate is paced
 * evenly on an absolute schedule (one request every connections/rate seconds per connection,
 * connections phase-shifted), and every request written is accounted for.
 *
 * Latency is from the request's write to its answer (what the webhook's caller waits once it has
 * sent). With a fixed rate, a second figure runs from the moment the schedule said to send: it
 * also counts a wait for the connection's previous answer (open-loop view, no coordinated
 * omission), but on a shared machine it also counts every stall of the load process itself.
 */
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

export interface LoadRequest {
  readonly path: string;
  readonly body: string;
}

export interface LoadSpec {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** Sent in turn on each connection. */
  readonly requests: readonly LoadRequest[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  /** Overall paced rate in requests/s; 0 = closed loop, each connection sends as soon as it has its answer. */
  readonly rate: number;
  /** Keep loading after the measure window until the parent sends "stop" (the SIGTERM check). */
  readonly untilStopped?: boolean;
}

/** Counts over the whole run (warm-up, measure window and after). */
export interface LoadTotals {
  /** Requests written to a socket. */
  readonly sent: number;
  /** Responses by HTTP status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /**
   * Requests written whose connection ended before an answer, by cause: an error code
   * (ECONNREFUSED: never reached a listener; ECONNRESET/EPIPE: reset), "closed" (the server
   * closed the connection cleanly with the request unanswered) or "reused after Connection: close"
   * (autocannon wrote on a connection the server had announced it would close: a client fault).
   */
  readonly dropped: Readonly<Record<string, number>>;
  /** Requests still unanswered when the client stopped (aborted by the client, not the server). */
  readonly unansweredAtStop: number;
}

/** The measure window: only 2xx answers count for throughput and latency. */
export interface LoadMeasure {
  readonly seconds: number;
  readonly ok: number;
  readonly notOk: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** p50 and p99 from the moment the schedule said to send (equal to p50Ms/p99Ms in closed loop). */
  readonly p50ScheduleMs: number;
  readonly p99ScheduleMs: number;
  /** CPU the load process used in the window, in % of one core. */
  readonly clientCpuPct: number;
}

export interface LoadResult {
  readonly totals: LoadTotals;
  readonly measure: LoadMeasure;
}

/** Messages from the load process to the parent. */
export type LoadMessage =
  | { readonly type: "measure-start" }
  | { readonly type: "measure-end" }
  | { readonly type: "result"; readonly result: LoadResult }
  | { readonly type: "error"; readonly message: string };

/** The part of autocannon 8's Client (lib/httpClient.js) the hooks use. */
interface AutocannonClient {
  on(event: "request", listener: () => void): unknown;
  on(event: "response", listener: (status: number, bytes: number, ms: number) => void): unknown;
  on(event: "connError", listener: (err: { code?: string; message: string }) => void): unknown;
  on(event: "timeout", listener: () => void): unknown;
  /** http-parser-js headers: `headers` is a flat [name, value, …] list. */
  on(event: "headers", listener: (info: { headers?: unknown }) => void): unknown;
  _connect: () => void;
  _doRequest: () => void;
  destroyed: boolean;
  /** The TLS socket of the current connection (set by _connect). */
  conn?: { once(event: "secureConnect", listener: () => void): unknown };
}

interface AutocannonInstance {
  stop(): void;
}

type Autocannon = (options: Record<string, unknown>, done: (err: Error | null) => void) => AutocannonInstance;

/** Exact percentile (nearest rank) of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Runs one load in this process (the forked child) and reports over IPC. */
async function runInChild(spec: LoadSpec, send: (message: LoadMessage) => void, onStop: (stop: () => void) => void): Promise<LoadResult> {
  const require = createRequire(import.meta.url);
  const autocannon: Autocannon = require("autocannon");
  const started = performance.now();
  const measureStart = started + spec.warmupSeconds * 1000;
  const measureEnd = measureStart + spec.measureSeconds * 1000;
  const latencies = new Float64Array(2_000_000);
  const scheduleLatencies = new Float64Array(latencies.length);
  let samples = 0;
  let ok = 0;
  let notOk = 0;
  let sent = 0;
  let unansweredAtStop = 0;
  const statuses: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const outstandingOf: (() => number)[] = [];
  const interval = spec.rate > 0 ? (1000 * spec.connections) / spec.rate : 0;
  let clientIndex = 0;

  const setupClient = (client: AutocannonClient): void => {
    let outstanding = 0;
    let lastError: string | undefined;
    /** When the schedule said to send the request in flight (pipelining 1: one at a time). */
    let intendedAt = 0;
    let slot: number | undefined;
    /** The server said `Connection: close`: a request written after that is the client's mistake. */
    let closeAnnounced = false;
    /**
     * The TLS handshake of the current connection completed. Before it, a "written" request is
     * only in the client's buffer: not one byte of it can have reached the server (a connection
     * reset then is a connection the server never accepted, not a request it lost).
     */
    let secured = false;
    outstandingOf.push(() => outstanding);
    client.on("headers", (info) => {
      const h = Array.isArray(info.headers) ? info.headers : [];
      for (let i = 0; i + 1 < h.length; i += 2) {
        if (String(h[i]).toLowerCase() === "connection" && String(h[i + 1]).toLowerCase() === "close") closeAnnounced = true;
      }
    });
    client.on("request", () => {
      sent++;
      outstanding++;
      intendedAt = slot ?? performance.now();
      slot = undefined;
    });
    client.on("response", (status, _bytes, ms) => {
      outstanding = Math.max(0, outstanding - 1);
      bump(statuses, String(status));
      const now = performance.now();
      if (now < measureStart || now >= measureEnd) return;
      if (status >= 200 && status < 300) {
        ok++;
        if (samples < latencies.length) {
          scheduleLatencies[samples] = Math.max(ms, now - intendedAt);
          latencies[samples++] = ms;
        }
      } else notOk++;
    });
    client.on("connError", (err) => {
      lastError = err.code ?? err.message;
    });
    client.on("timeout", () => {
      lastError = "timeout";
    });
    // Every reconnect passes here: a request still outstanding on the old connection is lost.
    const connect = client._connect;
    client._connect = () => {
      if (outstanding > 0) bump(dropped, closeAnnounced ? "reused after Connection: close" : secured ? lastError ?? "closed" : `${lastError ?? "closed"} before TLS handshake`, outstanding);
      outstanding = 0;
      lastError = undefined;
      closeAnnounced = false;
      secured = false;
      connect.call(client);
      client.conn?.once("secureConnect", () => {
        secured = true;
      });
    };
    if (interval > 0) {
      const doRequest = client._doRequest;
      const phase = (clientIndex++ * interval) / spec.connections;
      let next = started + phase;
      let anchored = false;
      let timer: NodeJS.Timeout | undefined;
      const fire = (): void => {
        // An absolute schedule: a late request is sent at once and timed from its slot.
        slot = next;
        next += interval;
        doRequest.call(client);
      };
      client._doRequest = () => {
        if (timer || client.destroyed) return;
        // A backlog left by the warm-up (a cold server is slow) is dropped: the measure window
        // starts on schedule.
        if (!anchored && performance.now() >= measureStart) {
          anchored = true;
          if (next < measureStart) next = measureStart + phase;
        }
        const wait = next - performance.now();
        if (wait <= 0) fire();
        else timer = setTimeout(() => {
          timer = undefined;
          if (!client.destroyed) fire();
        }, wait);
      };
    }
  };

  let cpuAtStart = process.cpuUsage();
  const windowTimers = [
    setTimeout(() => {
      cpuAtStart = process.cpuUsage();
      send({ type: "measure-start" });
    }, Math.max(0, measureStart - performance.now())),
  ];
  let clientCpuPct = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: spec.url,
      method: "POST",
      headers: { "content-type": "application/json" },
      requests: spec.requests.map((r) => ({ method: "POST", path: r.path, body: r.body })),
      connections: spec.connections,
      pipelining: 1,
      // Stopped by the timer above (or the parent); this is only a backstop.
      duration: spec.warmupSeconds + spec.measureSeconds + 120,
      // autocannon checks for "stop" every sampleInt ms.
      sampleInt: 50,
      timeout: 30,
      setupClient,
    }, (err) => {
      for (const timer of windowTimers) clearTimeout(timer);
      if (err) {
        reject(err);
        return;
      }
      for (const outstanding of outstandingOf) unansweredAtStop += outstanding();
      const sorted = latencies.slice(0, samples).sort();
      const sortedSchedule = scheduleLatencies.slice(0, samples).sort();
      resolve({
        totals: { sent, statuses, dropped, unansweredAtStop },
        measure: {
          seconds: spec.measureSeconds,
          ok,
          notOk,
          rps: ok / spec.measureSeconds,
          p50Ms: percentile(sorted, 50),
          p90Ms: percentile(sorted, 90),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
          p50ScheduleMs: percentile(sortedSchedule, 50),
          p99ScheduleMs: percentile(sortedSchedule, 99),
          clientCpuPct,
        },
      });
    });
    windowTimers.push(setTimeout(() => {
      const used = process.cpuUsage(cpuAtStart);
      clientCpuPct = ((used.user + used.system) / 1000 / (spec.measureSeconds * 1000)) * 100;
      send({ type: "measure-end" });
      if (!spec.untilStopped) instance.stop();
    }, Math.max(0, measureEnd - performance.now())));
    onStop(() => instance.stop());
  });
}

/** Hooks the parent may pass: window boundaries (to sample server CPU) and a way to stop early. */
export interface LoadHooks {
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: () => void;
  /** Receives a function that stops the load (used with `untilStopped`). */
  readonly stopper?: (stop: () => void) => void;
}

/** Forks the load process, runs `spec` and resolves with its result. */
export function runLoad(spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  hooks.stopper?.(() => child.send("stop"));
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on("message", (message: LoadMessage) => {
      if (message.type === "measure-start") hooks.onMeasureStart?.();
      else if (message.type === "measure-end") hooks.onMeasureEnd?.();
      else if (message.type === "result") {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new Error(`load: ${message.message}`));
      }
    });
    child.on("exit", (code) => {
      if (!settled) reject(new Error(`load process exited with ${code} before reporting`));
    });
    child.send(spec);
  });
}

/** The child's side: one spec in, one result out, then exit. */
function childMain(): void {
  const send = (message: LoadMessage): void => void process.send?.(message);
  let stop: (() => void) | undefined;
  let stopRequested = false;
  process.on("message", (message: unknown) => {
    if (message === "stop") {
      stopRequested = true;
      stop?.();
      return;
    }
    // The spec comes from our own parent (runLoad), typed at the send site.
    const spec = message as LoadSpec;
    runInChild(spec, send, (s) => {
      stop = s;
      if (stopRequested) s();
    }).then(
      (result) => send({ type: "result", result }),
      (err: unknown) => send({ type: "error", message: err instanceof Error ? err.message : String(err) }),
    ).finally(() => process.disconnect?.());
  });
}

if (import.meta.main && process.argv.includes("--child")) childMain();
