import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import pino from "pino";
import { generateCertificates } from "../../src/adapters/tls/generate-certificates.ts";
import { buildServer, type ServerDeps, type WebhookServer } from "../../src/adapters/http/build-server.ts";
import { createAdmissionMetrics, type AdmissionMetrics } from "../../src/adapters/metrics/admission-metrics.ts";
import { createRecordWriter, type RecordWriter } from "../../src/adapters/records/record-writer.ts";
import { activePolicy } from "../../src/core/policy/active-policy.ts";
import type { PolicyProvider } from "../../src/adapters/policy/policy-provider.ts";
import { readPolicyFile } from "../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../src/adapters/fs/package-root.ts";
import type { Policy } from "../../src/core/policy/policy-schema.ts";
import { dynamicPolicyProvider, type DynamicPolicyProvider } from "../../src/adapters/policy/dynamic-policy-provider.ts";
import type { DecisionThread, DecisionThreadOptions } from "../../src/adapters/decision-thread/decision-worker-client.ts";
import type { Decider } from "../../src/adapters/decision-thread/decider.ts";
import { inProcessDecider } from "../../src/adapters/decision-thread/in-process-decider.ts";
import { startThreadedDecider } from "../../src/adapters/decision-thread/threaded-decider.ts";

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
  /** The provider feeding the decision thread (decideOn "thread"): its changes reach the thread. */
  readonly dynamic: DynamicPolicyProvider | undefined;
  close(): Promise<void>;
}

/** A real webhook server on https://127.0.0.1:<random port>, records in a temp file, logs captured. */
/**
 * `decideOn: "thread"` decides on a real decision thread (fed by a dynamic provider holding
 * `policy`); a custom `provider` needs the request thread (rules hold functions no thread can get).
 */
export async function startTestWebhook(options: { readonly policy?: Policy; readonly provider?: PolicyProvider; readonly ready?: () => string | undefined; readonly draining?: () => boolean; readonly decideOn?: DecideOn; readonly thread?: Partial<Pick<DecisionThreadOptions, "entry" | "stallMs" | "restartDelayMs" | "maxQueuedUnits" | "largeBodyUnits">>; readonly server?: Pick<ServerDeps, "clientCa" | "maxConnections"> } = {}): Promise<TestWebhook> {
  const material = await testTls();
  const policy = options.policy ?? (await defaultPolicy());
  if (options.decideOn === "thread" && options.provider) throw new Error("startTestWebhook: a custom provider cannot feed a decision thread");
  const dir = mkdtempSync(join(tmpdir(), "gg-webhook-"));
  const recordsPath = join(dir, "decisions.jsonl");
  const records = await createRecordWriter(recordsPath);
  const logStream = new PassThrough();
  let logs = "";
  logStream.on("data", (c: Buffer) => (logs += c.toString("utf8")));
  const log = pino({ level: "debug" }, logStream);
  const metrics = createAdmissionMetrics({ processMetrics: false });
  const monotonicNs = (): bigint => process.hrtime.bigint();
  let provider: PolicyProvider;
  let decisionThread: DecisionThread | undefined;
  let dynamic: DynamicPolicyProvider | undefined;
  if (options.decideOn === "thread") {
    dynamic = dynamicPolicyProvider();
    dynamic.setPolicy({ policy, contentHash: "test" }, "test");
    provider = dynamic;
  } else {
    const active = activePolicy({ policy, contentHash: "test" }, "test", []);
    provider = options.provider ?? { current: () => active };
  }
  const fallback = inProcessDecider({ policy: provider, guardNamespace: "gitops-guard", records, metrics, log, monotonicNs });
  let decider: Decider = fallback;
  if (dynamic) {
    const threaded = startThreadedDecider({ ...options.thread, provider: dynamic, guardNamespace: "gitops-guard", fallback, records, metrics, log });
    decider = threaded;
    decisionThread = threaded.thread;
    await waitForThread(decisionThread);
  }
  const app = buildServer({
    decider,
    tls: { key: material.key, cert: material.cert },
    readiness: options.ready ?? (() => undefined),
    metrics,
    log,
    now: () => Date.now(),
    monotonicNs,
    ...(options.draining ? { draining: options.draining } : {}),
    ...options.server,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
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
    dynamic,
    close: async () => {
      await app.close();
      await decider.close();
      await records.close();
    },
  };
}
