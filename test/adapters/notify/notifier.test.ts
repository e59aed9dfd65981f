import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createNotifier, DEFAULT_RETRY } from "../../../src/adapters/notify/notifier.ts";
import { startReceiver } from "../../support/watch-harness.ts";
import { waitFor } from "../../support/wait-for.ts";

const FAST = { attempts: 4, initialDelayMs: 20, maxDelayMs: 80, timeoutMs: 500, queueLimit: 3 };

describe("notifier", () => {
  it("defaults: 5 attempts, 1 s doubling to 8 s, 5 s per attempt, 100 queued", () => {
    assert.deepEqual(DEFAULT_RETRY, { attempts: 5, initialDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 5000, queueLimit: 100 });
  });

  it("retries a failing receiver with backoff until it answers; send never waits", async () => {
    const receiver = await startReceiver(503);
    const results: string[] = [];
    const notifier = createNotifier({ receivers: [{ name: "webhook", url: receiver.url }], retry: FAST, onResult: (r, result) => results.push(`${r} ${result}`) });
    const started = performance.now();
    notifier.send(() => ({ n: 1 }));
    // No network wait: only the first fetch call's lazy set-up runs before send returns.
    assert.ok(performance.now() - started < 100, "send returns at once");
    setTimeout(() => receiver.setStatus(202), 50);
    await waitFor("delivered", () => results.length === 1, { timeoutMs: 3000 });
    assert.deepEqual(results, ["webhook delivered"]);
    assert.deepEqual(receiver.bodies, [{ n: 1 }]);
    await notifier.close(100);
    await receiver.close();
  });

  it("gives up after the attempts, drops the oldest when the queue is full, and close() is bounded", async () => {
    const results: string[] = [];
    // A port nobody listens on: every attempt fails fast.
    const notifier = createNotifier({ receivers: [{ name: "flux", url: "http://127.0.0.1:9/" }], retry: FAST, onResult: (_r, result) => results.push(result) });
    for (let i = 0; i < 6; i++) notifier.send(() => ({ i }));
    await waitFor("all settled", () => results.filter((r) => r === "failed").length + results.filter((r) => r === "dropped").length >= 6, { timeoutMs: 5000 });
    assert.ok(results.includes("dropped"), "the oldest queued were dropped");
    const closing = performance.now();
    notifier.send(() => ({ last: true }));
    await notifier.close(200);
    assert.ok(performance.now() - closing < 1000, "close waits at most its bound");
  });
});
