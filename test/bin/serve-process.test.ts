import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import pino from "pino";
import { startServeProcess, type ServeProcessConfig } from "../../src/bin/serve-process.ts";
import { createAdmissionMetrics } from "../../src/adapters/metrics/admission-metrics.ts";
import { httpsRequest } from "../support/https-client.ts";
import { rawReview } from "../support/load-review.ts";
import { DECIDE_ON, defaultPolicy, testTls, waitForThread } from "../support/webhook-server.ts";

async function config(decideOn: ServeProcessConfig["decideOn"], port = 0): Promise<ServeProcessConfig & { records: string }> {
  const material = await testTls();
  return {
    host: "127.0.0.1",
    port,
    guardNamespace: "gitops-guard",
    tls: { key: material.key, cert: material.cert },
    records: join(mkdtempSync(join(tmpdir(), "gg-serve-process-")), "decisions.jsonl"),
    policy: { initial: { loaded: { policy: await defaultPolicy(), contentHash: "test" }, source: "test" } },
    decideOn,
    drainMs: 0,
  };
}

function deps(): Parameters<typeof startServeProcess>[1] {
  return { log: pino({ level: "silent" }, new PassThrough()), metrics: createAdmissionMetrics({ processMetrics: false }), now: () => Date.now(), monotonicNs: () => process.hrtime.bigint() };
}

for (const decideOn of DECIDE_ON) describe(`startServeProcess (deciding on the ${decideOn})`, () => {
  it("closes in order: the answers' records are handed on before the records close, once however often it is closed", async () => {
    const settings = await config(decideOn);
    const serve = await startServeProcess(settings, deps());
    if (serve.thread) await waitForThread(serve.thread);
    const { ca } = await testTls();
    const raw = rawReview("deployment-selector-change.json");
    const res = await httpsRequest({ url: `https://127.0.0.1:${serve.port}/mutate`, ca, body: JSON.stringify(raw) });
    assert.equal(res.status, 200);
    // No wait for the after-answer work: closing hands it on (decision thread, then records).
    await Promise.all([serve.close(), serve.close(), serve[Symbol.asyncDispose]()]);
    assert.equal(serve.app.server.listening, false);
    assert.equal(serve.thread?.running() ?? false, false);
    const lines = readFileSync(settings.records, "utf8").split("\n").filter((l) => l !== "");
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { uid: string }).uid), [raw.request.uid]);
  });

  it("closes what it had started when it cannot listen, and says why", async () => {
    const first = await startServeProcess(await config(decideOn), deps());
    try {
      const second = await config(decideOn, first.port);
      await assert.rejects(startServeProcess(second, deps()), /EADDRINUSE/);
      // The records writer was closed: its file is complete (empty) and a new writer may open it.
      assert.equal(readFileSync(second.records, "utf8"), "");
    } finally {
      await first.close();
    }
  });
});
