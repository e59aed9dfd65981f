import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { startKubeApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { startLeaseElector, type LeaseElector } from "../../../src/adapters/kube/lease-elector.ts";
import { waitFor } from "../../support/wait-for.ts";

/** Short timings with client-go's proportions (15/10/2 s scaled to 1.5/1/0.2 s). */
const TIMINGS = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };

describe("lease elector (client-go semantics) over HTTPS against the simulated API server", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard"] });
  after(() => server.stop());
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const http = createKubeHttp(kc);
  const lease = () => server.store.get({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "gitops-guard", name: "watch" });
  const spec = () => lease()?.["spec"] as Record<string, unknown> | undefined;

  function candidate(identity: string, log: string[]): LeaseElector {
    return startLeaseElector({
      http, namespace: "gitops-guard", name: "watch", identity, ...TIMINGS, now: () => Date.now(),
      onStartedLeading: () => log.push(`${identity} leads`),
      onStoppedLeading: () => log.push(`${identity} stops`),
      onError: () => undefined,
    });
  }

  it("two replicas: exactly one leader; a crashed leader is replaced after a full lease duration; a released lease at once", async () => {
    const log: string[] = [];
    const a = candidate("a", log);
    const b = candidate("b", log);
    await waitFor("a leader", () => a.isLeader() || b.isLeader());
    await new Promise((r) => setTimeout(r, 600)); // a few renew periods: never two leaders
    assert.equal([a, b].filter((e) => e.isLeader()).length, 1);
    const [leader, standby] = a.isLeader() ? [a, b] : [b, a];
    const first = spec()?.["holderIdentity"];
    assert.equal(spec()?.["leaseTransitions"], 0);
    assert.equal(spec()?.["leaseDurationSeconds"], 2); // 1.5 s rounded: the field is whole seconds

    // Crash: stop without releasing. The standby waits a full lease duration from when it last saw a change.
    const crashedAt = Date.now();
    await leader.stop({ release: false });
    await waitFor("the standby to take over", () => standby.isLeader(), { timeoutMs: 5000 });
    const took = Date.now() - crashedAt;
    assert.ok(took >= 1500 - TIMINGS.retryPeriodMs, `took over after ${took} ms, not before the lease ran out`);
    assert.ok(took <= 1500 + 2 * 1.2 * TIMINGS.retryPeriodMs + 1000, `took over within a lease duration and two retries (${took} ms)`);
    assert.notEqual(spec()?.["holderIdentity"], first);
    assert.equal(spec()?.["leaseTransitions"], 1);

    // Shutdown with release: empty holder, 1 s; a new candidate takes it on its first try.
    const c = candidate("c", log);
    await standby.stop();
    assert.equal(spec()?.["holderIdentity"], "");
    assert.equal(spec()?.["leaseDurationSeconds"], 1);
    const releasedAt = Date.now();
    await waitFor("c to lead", () => c.isLeader(), { timeoutMs: 3000 });
    assert.ok(Date.now() - releasedAt < 1000, "a released lease is taken without waiting for it to expire");
    await c.stop();
    assert.deepEqual(log.filter((l) => l.endsWith("leads")).length, 3);
  });

  it("a leader that cannot renew steps down after the renew deadline", async () => {
    const log: string[] = [];
    const d = startLeaseElector({
      http, namespace: "gitops-guard", name: "renew-test", identity: "d", ...TIMINGS, now: () => Date.now(),
      onStartedLeading: () => log.push("leads"), onStoppedLeading: () => log.push("stops"), onError: () => undefined,
    });
    await waitFor("d leads", () => d.isLeader());
    await server.setAvailable(false);
    await waitFor("d steps down", () => !d.isLeader(), { timeoutMs: 4000 });
    await server.setAvailable(true);
    await waitFor("d leads again", () => d.isLeader(), { timeoutMs: 6000 });
    await d.stop();
    assert.deepEqual(log, ["leads", "stops", "leads", "stops"]);
  });
});
