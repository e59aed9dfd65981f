import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { startKubeApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { startFluxSimulator } from "../support/flux-simulator.ts";
import { guardEvents, startReplica, testWatchOptions } from "../support/watch-harness.ts";
import { waitFor } from "../support/wait-for.ts";

const IMMUTABLE = 'Job/batch/migrate dry-run failed (Invalid): Job.batch "migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{}: field is immutable';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watch: replicas, failover, outages, load", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard", "batch", "bulk", "helm"], bookmarkIntervalMs: 50 });
  const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
  after(async () => {
    flux.stop();
    await server.stop();
  });

  it("two replicas: exactly one leader; the leader killed after announcing is replaced within a lease duration and nothing is announced twice", async () => {
    flux.createKustomization("batch", "jobs");
    flux.failing("Kustomization", "batch", "jobs", "ReconciliationFailed", IMMUTABLE);
    const a = await startReplica(testWatchOptions(server, { identity: "replica-a" }));
    const b = await startReplica(testWatchOptions(server, { identity: "replica-b" }));
    try {
      await waitFor("a leader", () => a.watch.elector.isLeader() || b.watch.elector.isLeader(), { timeoutMs: 5000 });
      await pause(500);
      assert.equal([a, b].filter((r) => r.watch.elector.isLeader()).length, 1, "exactly one leader");
      await waitFor("stuck announced", () => guardEvents(server).some((e) => e.reason === "ReconciliationStuck"), { timeoutMs: 6000 });
      const [leader, standby] = a.watch.elector.isLeader() ? [a, b] : [b, a];
      // Killed: the lease is not released and the process stops acting at once.
      await leader.watch.elector.stop({ release: false });
      const killedAt = Date.now();
      await waitFor("the standby leads", () => standby.watch.elector.isLeader(), { timeoutMs: 5000 });
      assert.ok(Date.now() - killedAt < 1500 + 1000, "failover within the lease duration (+ one retry)");
      await pause(600); // the new leader's takeover check and a few resyncs
      await waitFor("escalated", () => guardEvents(server).some((e) => e.reason === "Escalated"), { timeoutMs: 6000 });
      await pause(600);
      const reasons = guardEvents(server).filter((e) => e.object === "Kustomization/batch/jobs").map((e) => e.reason).sort();
      assert.deepEqual(reasons, ["Escalated", "ImmutableConflict", "ReconciliationStuck"], "each announcement once across the failover");
      await leader.watch.close();
    } finally {
      await a.watch.close();
      await b.watch.close();
      flux.ready("Kustomization", "batch", "jobs");
    }
  });

  it("a restarted leader does not announce again what its predecessor announced (the Events are the journal)", async () => {
    const first = await startReplica(testWatchOptions(server, { identity: "first" }));
    await waitFor("first leads", () => first.watch.elector.isLeader(), { timeoutMs: 5000 });
    flux.createHelmRelease("helm", "redis");
    flux.retriesExceeded("helm", "redis", 4, "Helm upgrade failed for release helm/redis with chart redis@20.1.0: context deadline exceeded");
    await waitFor("failed announced", () => guardEvents(server).some((e) => e.object === "HelmRelease/helm/redis" && e.reason === "ReconciliationStuck"), { timeoutMs: 4000 });
    const event = guardEvents(server).find((e) => e.object === "HelmRelease/helm/redis")!;
    assert.match(event.message, /^failed for \d+s: retries-exhausted/);
    await first.watch.close(); // releases the lease
    const second = await startReplica(testWatchOptions(server, { identity: "second" }));
    try {
      await waitFor("second leads", () => second.watch.elector.isLeader(), { timeoutMs: 5000 });
      await pause(800);
      assert.equal(guardEvents(server).filter((e) => e.object === "HelmRelease/helm/redis" && e.reason === "ReconciliationStuck").length, 1);
    } finally {
      await second.watch.close();
    }
  });

  it("the API server going away and coming back (with its history compacted: a 410 relist) loses no state change", async () => {
    flux.createKustomization("batch", "outage");
    flux.ready("Kustomization", "batch", "outage");
    const r = await startReplica(testWatchOptions(server, { identity: "outage" }));
    try {
      await waitFor("leads", () => r.watch.elector.isLeader(), { timeoutMs: 5000 });
      await waitFor("known", () => r.watch.controller.size() >= 1);
      await server.setAvailable(false);
      await pause(300);
      flux.failing("Kustomization", "batch", "outage", "ReconciliationFailed", IMMUTABLE.replaceAll("migrate", "outage-job"));
      server.store.compact();
      await pause(300);
      await server.setAvailable(true);
      await waitFor("stuck announced after the outage", () => guardEvents(server).some((e) => e.object === "Kustomization/batch/outage" && e.reason === "ReconciliationStuck"), { timeoutMs: 10_000 });
      const watches = server.requests.filter((q) => q.path.includes("kustomizations") && q.method === "GET" && !String(q.query ?? "").includes("watch=true"));
      assert.ok(watches.length >= 2, "listed again after the outage");
    } finally {
      await r.watch.close();
      flux.ready("Kustomization", "batch", "outage");
    }
  });

  it("a thousand Kustomizations resyncing produce no Events; one failing among them produces its own, once", async () => {
    for (let i = 0; i < 1000; i++) {
      flux.createKustomization("bulk", `app-${i}`);
      flux.ready("Kustomization", "bulk", `app-${i}`);
    }
    const before = new Set(guardEvents(server).map((e) => e.name));
    const fresh = () => guardEvents(server).filter((e) => !before.has(e.name));
    const r = await startReplica(testWatchOptions(server, { identity: "bulk" }));
    try {
      await waitFor("leads", () => r.watch.elector.isLeader(), { timeoutMs: 5000 });
      await waitFor("all known", () => r.watch.controller.size() >= 1000, { timeoutMs: 10_000 });
      await pause(1200); // six resyncs of every object
      assert.deepEqual(fresh(), [], "no Event for objects whose state did not change");
      flux.failing("Kustomization", "bulk", "app-500", "ReconciliationFailed", IMMUTABLE.replaceAll("migrate", "bulk-job"));
      await waitFor("stuck", () => guardEvents(server).some((e) => e.object === "Kustomization/bulk/app-500" && e.reason === "ReconciliationStuck"), { timeoutMs: 8000 });
      await pause(600);
      assert.deepEqual(fresh().map((e) => `${e.reason} ${e.object}`).sort(), ["ImmutableConflict Kustomization/bulk/app-500", "ReconciliationStuck Kustomization/bulk/app-500"]);
    } finally {
      await r.watch.close();
    }
  });
});
