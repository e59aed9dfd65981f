import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { startKubeApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { startFluxSimulator } from "../support/flux-simulator.ts";
import { guardEvents, startReceiver, startReplica, tempRecords, testWatchOptions } from "../support/watch-harness.ts";
import { waitFor } from "../support/wait-for.ts";

const IMMUTABLE = 'Deployment/web/api dry-run failed (Invalid): Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api","version":"v2"}}: field is immutable';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watch scenarios over HTTPS against the simulated API server and a simulated Flux", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard", "web", "flux-system"], bookmarkIntervalMs: 50 });
  const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
  after(async () => {
    flux.stop();
    await server.stop();
  });

  it("an immutable apply failure: early warning, stuck within one resync after the threshold, escalated once with a Flux event, recovered; each once", async () => {
    const receiver = await startReceiver();
    const records = await tempRecords();
    flux.createKustomization("web", "api");
    flux.ready("Kustomization", "web", "api");
    const replica = await startReplica(testWatchOptions(server, { records: records.path, fluxEventsUrl: receiver.url }));
    try {
      await waitFor("leader", () => replica.watch.elector.isLeader(), { timeoutMs: 5000 });
      await waitFor("the object is known", () => replica.watch.controller.size() === 1);
      const failedAt = Date.now();
      flux.failing("Kustomization", "web", "api", "ReconciliationFailed", IMMUTABLE);
      await waitFor("ImmutableConflict", () => guardEvents(server).some((e) => e.reason === "ImmutableConflict"), { timeoutMs: 3000 });
      await waitFor("ReconciliationStuck", () => guardEvents(server).some((e) => e.reason === "ReconciliationStuck"), { timeoutMs: 5000 });
      const stuckAfter = Date.now() - failedAt;
      // Flux resets Ready's transition time on every retry (150 ms here); watch's memory does not.
      // Kubernetes times have whole seconds, so the status may date the failure up to 1 s early.
      assert.ok(stuckAfter >= 1000 && stuckAfter < 2000 + 200 + 200 + 600, `stuck noticed after ${stuckAfter} ms (threshold 2 s, resync 0.2 s)`);
      await waitFor("Escalated", () => guardEvents(server).some((e) => e.reason === "Escalated"), { timeoutMs: 8000 });
      await waitFor("the Flux event", () => receiver.bodies.length === 1, { timeoutMs: 3000 });
      await pause(800); // four more resyncs and five more retries: nothing new
      flux.ready("Kustomization", "web", "api");
      await waitFor("Recovered", () => guardEvents(server).some((e) => e.reason === "Recovered"), { timeoutMs: 3000 });
      const events = guardEvents(server).filter((e) => e.object === "Kustomization/web/api");
      assert.deepEqual(events.map((e) => e.reason), ["ImmutableConflict", "ReconciliationStuck", "Escalated", "Recovered"]);
      assert.match(events[1]!.message, /immutable field on Deployment\/web\/api \(spec\.selector\)/);
      assert.match(events[2]!.message, /https:\/\/example\.com\/runbook/);
      const flux0 = receiver.bodies[0] as Record<string, unknown>;
      assert.deepEqual(flux0["involvedObject"], { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "web", name: "api" });
      assert.equal(flux0["severity"], "error");
      assert.equal(flux0["reason"], "Escalated");
      assert.equal(flux0["reportingController"], "gitops-guard");
      await waitFor("the recovery notification", () => receiver.bodies.length === 2, { timeoutMs: 3000 });
      const metrics = await (await fetch(`http://127.0.0.1:${replica.watch.port}/metrics`)).text();
      assert.match(metrics, /gitops_guard_reconciliation_state\{kind="Kustomization",namespace="web",name="api",state="ready",cause=""\} 1/);
      assert.match(metrics, /gitops_guard_leader 1/);
      assert.match(metrics, /gitops_guard_announcements_total\{reason="Escalated"\} 1/);
      assert.equal((await fetch(`http://127.0.0.1:${replica.watch.port}/readyz`)).status, 200);
    } finally {
      await replica.watch.close();
      await receiver.close();
    }
    const lines = await records.lines();
    assert.ok(lines.length >= 3);
    assert.ok(lines.every((l) => l["kind"] === "assessment" && l["v"] === 1));
    // Only the leader records; the first sight (ready) may come before the lease is won.
    const states = lines.map((l) => l["to"]).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(states.slice(states.indexOf("progressing")), ["progressing", "stuck", "ready"]);
    assert.deepEqual(lines.find((l) => l["to"] === "stuck")?.["announced"], ["ReconciliationStuck"]);
  });

  it("a dependency chain: the dependent's Event names the root cause", async () => {
    flux.createKustomization("flux-system", "infra", {});
    flux.createKustomization("flux-system", "apps", { dependsOn: [{ name: "infra" }] });
    flux.failing("Kustomization", "flux-system", "infra", "HealthCheckFailed", "health check failed after 1.5s: timeout waiting for: [Deployment/cert-manager/webhook status: 'InProgress']");
    flux.waitingOn("flux-system", "apps", "infra");
    const replica = await startReplica(testWatchOptions(server));
    try {
      await waitFor("apps stuck", () => guardEvents(server).some((e) => e.object === "Kustomization/flux-system/apps" && e.reason === "ReconciliationStuck"), { timeoutMs: 8000 });
      const event = guardEvents(server).find((e) => e.object === "Kustomization/flux-system/apps" && e.reason === "ReconciliationStuck")!;
      // Kubernetes times have whole seconds: the dependent may cross the threshold a moment before its root.
      assert.match(event.message, /root cause Kustomization\/flux-system\/infra \((progressing|stuck), health-check\)/);
      assert.match(event.message, /Fix the root cause first/);
    } finally {
      await replica.watch.close();
      flux.ready("Kustomization", "flux-system", "infra");
      flux.ready("Kustomization", "flux-system", "apps");
    }
  });

  it("a failing health check: the Event carries the pods' evidence (ImagePullBackOff, OOMKilled)", async () => {
    server.store.put({ apiVersion: "apps/v1", kind: "Deployment", metadata: { namespace: "web", name: "shop" }, spec: { replicas: 2, selector: { matchLabels: { app: "shop" } } } });
    server.store.put({
      apiVersion: "v1", kind: "Pod", metadata: { namespace: "web", name: "shop-7d9f-abcde", labels: { app: "shop" } },
      status: { phase: "Pending", containerStatuses: [{ name: "shop", state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } }] },
    });
    server.store.put({
      apiVersion: "v1", kind: "Pod", metadata: { namespace: "web", name: "shop-7d9f-fghij", labels: { app: "shop" } },
      status: { phase: "Running", containerStatuses: [{ name: "shop", state: { running: {} }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } }] },
    });
    server.store.put({ apiVersion: "v1", kind: "Pod", metadata: { namespace: "web", name: "other", labels: { app: "other" } }, status: { phase: "Running", containerStatuses: [{ name: "x", state: { waiting: { reason: "CrashLoopBackOff" } } }] } });
    flux.createKustomization("web", "shop");
    flux.failing("Kustomization", "web", "shop", "HealthCheckFailed", "health check failed after 5m0.01s: timeout waiting for: [Deployment/web/shop status: 'InProgress']");
    const replica = await startReplica(testWatchOptions(server));
    try {
      await waitFor("shop stuck", () => guardEvents(server).some((e) => e.object === "Kustomization/web/shop" && e.reason === "ReconciliationStuck"), { timeoutMs: 8000 });
      const event = guardEvents(server).find((e) => e.object === "Kustomization/web/shop" && e.reason === "ReconciliationStuck")!;
      assert.match(event.message, /Evidence: pod shop-7d9f-abcde container shop: ImagePullBackOff; pod shop-7d9f-fghij container shop: OOMKilled \(last restart\)\./);
      assert.doesNotMatch(event.message, /CrashLoopBackOff;|pod other/, "only the workload's own pods");
      assert.ok(event.message.length <= 1024);
    } finally {
      await replica.watch.close();
      flux.ready("Kustomization", "web", "shop");
    }
  });

  it("an object already stuck at start-up is announced once with every reason (ImmutableConflict and ReconciliationStuck together)", async () => {
    flux.createKustomization("web", "legacy");
    const ks = server.store.get({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "web", name: "legacy" })!;
    const longAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    server.store.put({ ...ks, status: { conditions: [{ type: "Ready", status: "False", reason: "ReconciliationFailed", message: IMMUTABLE.replaceAll("api", "legacy-api"), lastTransitionTime: longAgo }] } });
    const replica = await startReplica(testWatchOptions(server, { escalateAfter: 7200 }));
    try {
      await waitFor("both announced", () => guardEvents(server).filter((e) => e.object === "Kustomization/web/legacy").length === 2, { timeoutMs: 8000 });
      await pause(600);
      assert.deepEqual(guardEvents(server).filter((e) => e.object === "Kustomization/web/legacy").map((e) => e.reason).sort(), ["ImmutableConflict", "ReconciliationStuck"]);
    } finally {
      await replica.watch.close();
      flux.ready("Kustomization", "web", "legacy");
    }
  });
});
