import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { httpsRequest } from "../../support/https-client.ts";
import { defaultPolicy, startTestWebhook, waitForThread, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { rawReview } from "../../support/load-review.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { waitFor } from "../../support/wait-for.ts";

/** The faulty thread of test/support/faulty-decision-thread.ts (faults keyed by uid). */
const FAULTY = new URL("../../support/faulty-decision-thread.ts", import.meta.url);

type Review = ReturnType<typeof rawReview>;

function withUid(file: string, uid: string): Review {
  const raw = rawReview(file);
  raw.request.uid = uid;
  return raw;
}

async function send(hook: TestWebhook, raw: Review, path = "/mutate"): Promise<{ status: number; answer: ReturnType<typeof acceptAnswer> }> {
  const res = await httpsRequest({ url: `${hook.url}${path}`, ca: hook.ca, body: JSON.stringify(raw) });
  assert.equal(res.status, 200, res.text);
  return { status: res.status, answer: acceptAnswer(raw, res.json(), path === "/mutate" ? "mutating" : "validating") };
}

function records(hook: TestWebhook): Record<string, unknown>[] {
  return hook.recordLines().map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A Widget (test/fixtures/crds/widgets.example.io.yaml) UPDATE that changes its engine. */
function widgetEngineChange(uid: string): Review {
  const raw = rawReview("deployment-image-update.json");
  const widget = (engine: string): Record<string, unknown> => ({ apiVersion: "example.io/v1", kind: "Widget", metadata: { name: "db", namespace: "web" }, spec: { engine, minReplicas: 1, maxReplicas: 2 } });
  raw.request.uid = uid;
  raw.request["kind"] = { group: "example.io", version: "v1", kind: "Widget" };
  raw.request["resource"] = { group: "example.io", version: "v1", resource: "widgets" };
  raw.request["name"] = "db";
  raw.request.oldObject = widget("postgres");
  raw.request.object = widget("mysql");
  return raw;
}

describe("deciding on a thread of its own", () => {
  it("answers like the request thread, with records and metrics from the thread", async () => {
    const hook = await startTestWebhook({ decideOn: "thread" });
    try {
      const { answer } = await send(hook, withUid("deployment-selector-change.json", "thread-selector"));
      assert.ok(answer.patch.length > 0, "a selector change is reverted and marked");
      await hook.settled();
      const record = records(hook).find((r) => r["uid"] === "thread-selector");
      assert.equal(record?.["action"], "mark");
      assert.equal(record?.["policyVersion"], "test@test");
      const metrics = await hook.metrics.registry.metrics();
      assert.match(metrics, /gitops_guard_findings_total\{rule_id="apps.Deployment.selector"/);
      const used = /gitops_guard_decision_thread_heap_bytes\{kind="used"\} (\d+)/.exec(metrics)?.[1];
      assert.ok(Number(used) > 1_000_000, `the thread's heap is exported: ${used}`);
    } finally {
      await hook.close();
    }
  });

  it("follows policy and CRD changes made after it started", async () => {
    const hook = await startTestWebhook({ decideOn: "thread" });
    try {
      assert.equal((await send(hook, widgetEngineChange("widget-before"), "/validate")).answer.allowed, true, "no CRD rules yet");
      hook.dynamic?.setCrds([loadObject("crds/widgets.example.io.yaml")]);
      const denied = await send(hook, widgetEngineChange("widget-after"), "/validate");
      assert.equal(denied.answer.allowed, false, "the CRD's declared rule reached the thread");
      assert.match(denied.answer.message ?? "", /spec\.engine/);
      hook.dynamic?.setPolicy({ policy: await defaultPolicy({ mode: "audit" }), contentHash: "audit" }, "test");
      const audited = await send(hook, withUid("deployment-selector-change.json", "thread-audit"));
      assert.deepEqual(audited.answer.patch, [], "audit mode never patches");
      await hook.settled();
      assert.equal(records(hook).find((r) => r["uid"] === "thread-audit")?.["policyVersion"], "test@audit");
    } finally {
      await hook.close();
    }
  });

  it("decides on the request thread while the thread crashed, then uses a restarted one", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { entry: FAULTY, restartDelayMs: 200 } });
    try {
      const crashed = await send(hook, withUid("deployment-selector-change.json", "crash-thread"));
      assert.ok(crashed.answer.patch.length > 0, "the request in the crashed thread was decided on the request thread");
      assert.equal(hook.decisionThread?.running(), false);
      const meanwhile = await send(hook, withUid("job-template-change.json", "while-down"));
      assert.ok(meanwhile.answer.patch.length > 0);
      await waitFor("the logged crash", () => hook.logText().includes("the decision thread stopped"));
      await waitForThread(hook.decisionThread!);
      const after = await send(hook, withUid("deployment-selector-change.json", "after-restart"));
      assert.ok(after.answer.patch.length > 0);
      await hook.settled();
      const uids = records(hook).map((r) => r["uid"]);
      for (const uid of ["crash-thread", "while-down", "after-restart"]) assert.ok(uids.includes(uid), `record of ${uid}`);
      const metrics = await hook.metrics.registry.metrics();
      assert.match(metrics, /gitops_guard_decision_thread_events_total\{event="crash"\} 1\n/);
      assert.match(metrics, /gitops_guard_request_thread_decisions_total\{reason="thread-down"\} [2-9]/);
    } finally {
      await hook.close();
    }
  });

  it("answers the stalled review by the failure mode, decides the ones queued behind it, records why, and replaces the thread", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { entry: FAULTY, stallMs: 300, restartDelayMs: 100 } });
    try {
      const started = Date.now();
      const [stalled, queued] = await Promise.all([
        send(hook, withUid("deployment-selector-change.json", "stall-thread")),
        send(hook, withUid("deployment-image-update.json", "behind-the-stall")),
      ]);
      assert.ok(Date.now() - started < 2_900, "answered before kube-apiserver's 3 s timeout");
      assert.equal(stalled.answer.allowed, true);
      assert.match(stalled.answer.warnings.join(" "), /failed open \(ERR_DECISION_STALLED\)/);
      // The innocent review behind it is judged, not failed open.
      assert.doesNotMatch(queued.answer.warnings.join(" "), /failed open/);
      await hook.settled();
      const stalledRecord = records(hook).find((r) => r["uid"] === "stall-thread") as { error?: { code: string } } | undefined;
      assert.equal(stalledRecord?.error?.code, "ERR_DECISION_STALLED");
      const queuedRecords = records(hook).filter((r) => r["uid"] === "behind-the-stall") as { error?: unknown }[];
      assert.equal(queuedRecords.length, 1, "recorded once");
      assert.equal(queuedRecords[0]?.error, undefined);
      assert.match(hook.logText(), /the decision thread stalled/);
      await waitForThread(hook.decisionThread!);
      const metrics = await hook.metrics.registry.metrics();
      assert.match(metrics, /gitops_guard_decision_thread_events_total\{event="stall"\} 1\n/);
      assert.match(metrics, /gitops_guard_decision_thread_events_total\{event="crash"\} 0\n/, "a thread replaced for a stall did not crash");
      assert.match(metrics, /gitops_guard_admission_errors_total\{webhook="mutate",code="ERR_DECISION_STALLED"\} 1\n/);
      assert.ok((await send(hook, withUid("deployment-selector-change.json", "after-stall"))).answer.patch.length > 0);
    } finally {
      await hook.close();
    }
  });

  it("decides on the request thread what would queue beyond the bound, so a stalled thread holds only its own", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { entry: FAULTY, stallMs: 500, maxQueuedUnits: 1 } });
    try {
      const stalled = send(hook, withUid("deployment-selector-change.json", "stall-thread"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const over = await send(hook, withUid("deployment-selector-change.json", "over-the-bound"));
      assert.ok(over.answer.patch.length > 0, "decided, not failed open");
      assert.ok(Date.now() - started < 400, "not held behind the stalled decision");
      assert.match((await stalled).answer.warnings.join(" "), /ERR_DECISION_STALLED/);
      assert.match(await hook.metrics.registry.metrics(), /gitops_guard_request_thread_decisions_total\{reason="queue-full"\} 1/);
    } finally {
      await hook.close();
    }
  });

  it("decides a body over the large-body bound on the request thread: it never reaches the thread", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { entry: FAULTY, stallMs: 300, largeBodyUnits: 100 } });
    try {
      const { answer } = await send(hook, withUid("deployment-selector-change.json", "stall-thread"));
      assert.ok(answer.patch.length > 0, "decided on the request thread, not stalled in the thread");
      assert.ok(hook.decisionThread?.running());
      assert.match(await hook.metrics.registry.metrics(), /gitops_guard_request_thread_decisions_total\{reason="large-body"\} 1/);
      assert.doesNotMatch(hook.logText(), /stalled/);
    } finally {
      await hook.close();
    }
  });

  it("never takes a busy request thread for a stalled decision thread", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { stallMs: 100 } });
    try {
      const text = JSON.stringify(withUid("deployment-selector-change.json", "busy-request-thread"));
      const result = hook.decisionThread!.decide({ webhook: "mutate", text, receivedAt: Date.now(), startedNs: process.hrtime.bigint() });
      // The request thread is busy for 3 stall limits (a few 7 MiB fallbacks, a long collection):
      // the answer waits in its queue, and the watchdog runs before the queue is read.
      const until = Date.now() + 300;
      while (Date.now() < until);
      assert.equal((await result).kind, "answered");
      assert.doesNotMatch(hook.logText(), /stalled/);
    } finally {
      await hook.close();
    }
  });

  it("denies a stalled request when the policy fails closed", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", policy: await defaultPolicy({ failureMode: "closed" }), thread: { entry: FAULTY, stallMs: 200 } });
    try {
      const { answer } = await send(hook, withUid("deployment-image-update.json", "stall-thread"));
      assert.equal(answer.allowed, false);
      assert.equal(answer.code, 500);
    } finally {
      await hook.close();
    }
  });

  it("fails open with a warning, logs and records the error when deciding throws in the thread", async () => {
    const hook = await startTestWebhook({ decideOn: "thread", thread: { entry: FAULTY } });
    try {
      const { answer } = await send(hook, withUid("deployment-selector-change.json", "throw-in-core"));
      assert.equal(answer.allowed, true);
      assert.match(answer.warnings.join(" "), /failed open \(ERR_INTERNAL\)/);
      await hook.settled();
      const record = records(hook).find((r) => r["uid"] === "throw-in-core") as { error?: { code: string; message: string } } | undefined;
      assert.equal(record?.error?.code, "ERR_INTERNAL");
      assert.match(hook.logText(), /boom in the catalogue/);
      assert.match(hook.logText(), /"uid":"throw-in-core"/);
      assert.ok(hook.decisionThread?.running(), "the thread survives an exception in a decision");
    } finally {
      await hook.close();
    }
  });
});
