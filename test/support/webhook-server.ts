import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import pino from "pino";
import { generateCertificates } from "../../src/adapters/tls/generate-certificates.ts";
import type { ServerDeps, WebhookServer } from "../../src/adapters/http/build-server.ts";
import { createAdmissionMetrics, type AdmissionMetrics } from "../../src/adapters/metrics/admission-metrics.ts";
import type { RecordWriter } from "../../src/adapters/records/record-writer.ts";
import type { PolicyProvider } from "../../src/adapters/policy/policy-provider.ts";
import { readPolicyFile } from "../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../src/adapters/fs/package-root.ts";
import type { Policy } from "../../src/core/policy/policy-schema.ts";
import type { DynamicPolicyProvider } from "../../src/adapters/policy/dynamic-policy-provider.ts";
import type { DecisionThread, DecisionThreadOptions } from "../../src/adapters/decision-thread/decision-worker-client.ts";
import { startServeProcess } from "../../src/bin/serve-process.ts";

/** Where a test server decides: the two ways serve runs (`--decide-on`). */
export type DecideOn = "thread" | "request-thread";
export const DECIDE_ON: readonly DecideOn[] = ["thread", "request-thread"];

/** Waits until the thread takes work (it starts in the background; until then the request thread decides). */
export async function waitForThread(thread: DecisionThread): Promise<void> {
  for (let i = 0; i < 500 && !thread.running(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!thread.running()) throw new Error("the decision thread did not start within 5 s");
}

let tls: Promise<{ cert: string; key: string; ca: string }> | undefined;

/** One CA + serving certificate for localhost/127.0.0.1 per test process (generation takes ~50 ms). */
export function testTls(): Promise<{ cert: string; key: string; ca: string }> {
  tls ??= generateCertificates({ hosts: ["localhost", "127.0.0.1"], now: new Date() }).then((g) => ({ cert: g.cert, key: g.key, ca: g.caCert }));
  return tls;
}

/** The embedded default policy, optionally changed. */
export async function defaultPolicy(changes: Partial<Policy> = {}): Promise<Policy> {
  const loaded = await readPolicyFile(defaultPolicyPath());
  return { ...loaded.policy, ...changes };
}

export interface TestWebhook {
  readonly url: string;
  readonly ca: string;
  readonly app: WebhookServer;
  readonly metrics: AdmissionMetrics;
  readonly records: RecordWriter;
  readonly recordsPath: string;
  /** Every operational log line so far. */
  logText(): string;
  /** Every record line written so far (flushes first). */
  recordLines(): string[];
  /** Resolves once the metrics and records of every answer received so far are written. */
  settled(): Promise<void>;
  readonly decisionThread: DecisionThread | undefined;
  /** The provider the policy comes from (absent with a custom `provider`): its changes reach the thread. */
  readonly dynamic: DynamicPolicyProvider | undefined;
  /** Begins draining for shutdown, as SIGTERM does, without closing yet. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * A real webhook server on https://127.0.0.1:<random port>, started by serve's own factory
 * (src/bin/serve-process.ts), records in a temp file, logs captured. `decideOn: "thread"` decides
 * on a real decision thread; a custom `provider` needs the request thread (rules hold functions no
 * thread can get). `policy: "none"` starts with no policy loaded (set one through `dynamic`).
 */
export async function startTestWebhook(options: { readonly policy?: Policy | "none"; readonly provider?: PolicyProvider; readonly decideOn?: DecideOn; readonly thread?: Partial<Pick<DecisionThreadOptions, "entry" | "stallMs" | "restartDelayMs" | "maxQueuedUnits" | "largeBodyUnits">>; readonly server?: Pick<ServerDeps, "clientCa" | "maxConnections"> } = {}): Promise<TestWebhook> {
  const material = await testTls();
  const policy = options.policy ?? (await defaultPolicy());
  if (options.decideOn === "thread" && options.provider) throw new Error("startTestWebhook: a custom provider cannot feed a decision thread");
  const dir = mkdtempSync(join(tmpdir(), "gg-webhook-"));
  const recordsPath = join(dir, "decisions.jsonl");
  const logStream = new PassThrough();
  let logs = "";
  logStream.on("data", (c: Buffer) => (logs += c.toString("utf8")));
  const log = pino({ level: "debug" }, logStream);
  const metrics = createAdmissionMetrics({ processMetrics: false });
  const serve = await startServeProcess({
    host: "127.0.0.1",
    port: 0,
    guardNamespace: "gitops-guard",
    tls: { key: material.key, cert: material.cert },
    records: recordsPath,
    policy: options.provider ? { provider: options.provider } : policy === "none" ? {} : { initial: { loaded: { policy, contentHash: "test" }, source: "test" } },
    decideOn: options.decideOn ?? "request-thread",
    ...(options.thread ? { thread: options.thread } : {}),
    ...options.server,
    // Closed at once, as a test wants: no drain, no wait for idle keep-alive connections.
    drainMs: 0,
    connectionWaitMs: 0,
  }, { log, metrics, now: () => Date.now(), monotonicNs: () => process.hrtime.bigint() });
  const { app, records, thread: decisionThread } = serve;
  if (!records) throw new Error("startTestWebhook: records are always written");
  if (decisionThread) await waitForThread(decisionThread);
  return {
    url: `https://127.0.0.1:${serve.port}`,
    ca: material.ca,
    app,
    metrics,
    records,
    recordsPath,
    logText: () => logs,
    recordLines: () => {
      records.flush();
      return existsSync(recordsPath) ? readFileSync(recordsPath, "utf8").split("\n").filter((l) => l !== "") : [];
    },
    settled: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await decisionThread?.flush();
    },
    decisionThread,
    dynamic: serve.dynamic,
    drain: () => serve.drain(),
    close: () => serve.close(),
  };
}
