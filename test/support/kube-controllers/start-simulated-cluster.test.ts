import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { createFromFixture } from "./create-from-fixture.ts";
import { objectField } from "./json-fields.ts";
import { DEPLOYMENT, POD } from "./kinds.ts";
import { createSimClock, DEFAULT_SIM_START_MS } from "./sim-clock.ts";
import { DEFAULT_NODE_COUNT, MAX_ROUNDS_PER_STEP, startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

describe("simulated cluster driver", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => cluster.stop());

  it("starts with its defaults: three Ready nodes, the clock at 2026-01-01, no tick yet", () => {
    assert.equal(DEFAULT_NODE_COUNT, 3);
    assert.deepEqual(cluster.api.list({ apiVersion: "v1", kind: "Node" }).map((n) => objectField(n, "metadata")["name"]), ["node-1", "node-2", "node-3"]);
    assert.equal(cluster.clock.nowMs(), DEFAULT_SIM_START_MS);
    assert.equal(cluster.tick, 0);
  });

  it("moves time only when told: nothing happens without step or advance, advance ticks every second", async () => {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    assert.equal(cluster.api.list(POD, "shop").length, 0, "no controller ran");
    await cluster.step();
    assert.equal(cluster.api.list(POD, "shop").length, 3);
    assert.equal(cluster.clock.nowMs(), DEFAULT_SIM_START_MS, "step keeps the time");
    const ticks: number[] = [];
    cluster.onTick((t) => ticks.push(t));
    await cluster.advance(2_500);
    assert.deepEqual(ticks, [1, 2, 3], "1 s, 1 s, then 0.5 s");
    assert.equal(cluster.clock.nowMs(), DEFAULT_SIM_START_MS + 2_500);
  });

  it("serialises concurrent advances (a test and the code under test both driving) and gives the same end state", async () => {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await Promise.all([cluster.advance(3_000), cluster.advance(4_000), cluster.step()]);
    assert.equal(cluster.tick, 7);
    assert.equal(objectField(cluster.api.get({ ...DEPLOYMENT, namespace: "shop", name: "web" })!, "status")["readyReplicas"], 3);
  });

  it("runUntil returns the simulated time it took and throws after its timeout", async () => {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    const took = await cluster.runUntil(() => objectField(cluster.api.get({ ...DEPLOYMENT, namespace: "shop", name: "web" })!, "status")["availableReplicas"] === 3, { timeoutMs: 30_000, what: "available" });
    assert.equal(took, 6_000, "start 1 s + readiness 5 s");
    await assert.rejects(cluster.runUntil(() => false, { timeoutMs: 3_000, what: "never" }), /never did not happen within 3000 simulated ms/);
  });

  it("refuses to spin: a controller that writes on every pass makes step fail after MAX_ROUNDS_PER_STEP rounds", async () => {
    let passes = 0;
    const spinner = await startSimulatedCluster({
      controllers: (defaults) => [...defaults, {
        name: "spinner",
        async sync(ctx) {
          passes += 1;
          await ctx.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `spin-${passes}`, namespace: "default" } });
        },
      }],
    });
    try {
      await assert.rejects(spinner.step(), /no fixed point after 200 rounds at tick 0/);
      assert.equal(passes, MAX_ROUNDS_PER_STEP);
    } finally {
      await spinner.stop();
    }
  });

  it("runs the controllers it is given: without the Deployment controller a Deployment makes no ReplicaSet", async () => {
    const bare = await startSimulatedCluster({ controllers: (defaults) => defaults.filter((c) => c.name !== "deployment-controller") });
    try {
      await createFromFixture(bare.api, "kube-controllers/web.yaml");
      await bare.advance(5_000);
      assert.equal(bare.api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }).length, 0);
    } finally {
      await bare.stop();
    }
  });

  it("an API server outage stops clients and controllers alike; time goes on and they resume after it", async () => {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await cluster.setApiAvailable(false);
    await assert.rejects(fetch(`${cluster.server.url}/healthz`), (error: unknown) => error instanceof Error && (error.cause as { code?: string } | undefined)?.code === "ECONNREFUSED");
    await cluster.advance(10_000);
    assert.equal(cluster.api.list(POD, "shop").length, 0, "no controller acted");
    await cluster.setApiAvailable(true);
    await cluster.advance(10_000);
    assert.equal(objectField(cluster.api.get({ ...DEPLOYMENT, namespace: "shop", name: "web" })!, "status")["readyReplicas"], 3);
  });

  it("the clock refuses to go back", () => {
    const clock = createSimClock(0);
    assert.throws(() => clock.advance(-1), /not a finite duration/);
    clock.advance(5);
    assert.equal(clock.now().toISOString(), "1970-01-01T00:00:00.005Z");
  });
});
