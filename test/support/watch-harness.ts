import { createServer, type Server } from "node:http";
import { PassThrough, Readable } from "node:stream";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWatch, type RunningWatch } from "../../src/cli/run-watch.ts";
import type { WatchOptions } from "../../src/cli/watch.ts";
import type { JsonObject } from "../../src/core/k8s/json.ts";
import type { SimulatedApiServer } from "./kube-apiserver/start-kube-api-server.ts";

/**
 * Options for a test replica: seconds scaled down (stuck 2 s, escalate 4 s, resync 0.2 s, lease
 * 1.5/1/0.2 s), recovery off (the embedded policy turns it on; recovery tests use recoveryWatchOptions).
 */
export function testWatchOptions(server: SimulatedApiServer, overrides: Partial<WatchOptions> = {}): WatchOptions {
  return {
    host: "127.0.0.1", port: 0, kubeconfig: server.kubeconfigPath, namespace: "gitops-guard", leaseName: "gitops-guard-watch",
    leaseDuration: 1.5, renewDeadline: 1, retryPeriod: 0.2, resync: 0.2, crdRecheck: 0.3, stuckAfter: 2, escalateAfter: 4,
    records: "off", runbook: "https://example.com/runbook", logLevel: "warn", recovery: "off", ...overrides,
  };
}

/** testWatchOptions without the `--recovery` override: the policy file's `recovery.mode` decides. */
export function recoveryWatchOptions(server: SimulatedApiServer, overrides: Partial<WatchOptions> = {}): WatchOptions {
  const { recovery: _ignored, ...options } = testWatchOptions(server);
  return { ...options, ...overrides };
}

export interface TestReplica {
  readonly watch: RunningWatch;
  readonly logs: () => string;
}

export async function startReplica(options: WatchOptions, replacementTime?: Parameters<typeof startWatch>[3]): Promise<TestReplica> {
  const stderr = new PassThrough();
  let logs = "";
  stderr.on("data", (c: Buffer) => (logs += c.toString("utf8")));
  const watch = await startWatch(options, { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined }, () => Date.now(), replacementTime);
  return { watch, logs: () => logs };
}

/** gitops-guard's Events in the simulated store, oldest first. */
export function guardEvents(server: SimulatedApiServer): { name: string; reason: string; object: string; message: string; type: string; time: string }[] {
  return server.store
    .list("v1", "Event")
    .filter((e) => (e["source"] as JsonObject | undefined)?.["component"] === "gitops-guard")
    .map((e) => {
      const o = e["involvedObject"] as JsonObject;
      const meta = e["metadata"] as JsonObject;
      return { name: String(meta["name"]), reason: String(e["reason"]), object: `${String(o["kind"])}/${String(o["namespace"])}/${String(o["name"])}`, message: String(e["message"]), type: String(e["type"]), time: String(e["lastTimestamp"]) };
    })
    .sort((a, b) => a.time.localeCompare(b.time));
}

/** A local HTTP receiver (notification-controller's events endpoint, or a webhook) that records bodies. */
export async function startReceiver(status = 202): Promise<{ url: string; bodies: unknown[]; setStatus(code: number): void; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  let code = status;
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString("utf8")));
    req.on("end", () => {
      if (code < 300) bodies.push(JSON.parse(text));
      res.statusCode = code;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, bodies, setStatus: (c) => (code = c), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function tempRecords(): Promise<{ path: string; lines: () => Promise<JsonObject[]> }> {
  const dir = await mkdtemp(join(tmpdir(), "gg-watch-"));
  const path = join(dir, "records.jsonl");
  return { path, lines: async () => (await readFile(path, "utf8").catch(() => "")).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JsonObject) };
}
