// How fast the simulated cluster (test/support/kube-controllers) runs: real milliseconds for a
// rolling update of N replicas behind a Service (25 %/25 %), ready-pods recorder on and off,
// median of 5 runs (3 for 100 replicas). Not part of `make bench`: it measures test support.
// Run: PATH=$PWD/node_modules/.bin:$PATH node bench/sim-cluster.ts
import { objectField, objectsField } from "../test/support/kube-controllers/json-fields.ts";
import { createFromFixture } from "../test/support/kube-controllers/create-from-fixture.ts";
import { startSimulatedCluster } from "../test/support/kube-controllers/start-simulated-cluster.ts";
import { median } from "./median.ts";

const RUNS = 5;

async function rollout(replicas: number, record: boolean): Promise<{ realMs: number; simulatedMs: number; writes: number }> {
  const cluster = await startSimulatedCluster();
  try {
    await createFromFixture(cluster.api, "kube-controllers/web.yaml", (o) => {
      if (o["kind"] === "Deployment") objectField(o, "spec")["replicas"] = replicas;
      return o;
    });
    await cluster.advance(10_000);
    const recorder = record ? cluster.recordReadyPods("shop", "web") : undefined;
    const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
    const before = Number(cluster.server.store.resourceVersion());
    const start = performance.now();
    await cluster.api.update(ref, (d) => {
      objectsField(objectField(objectField(objectField(d, "spec"), "template"), "spec"), "containers")[0]!["image"] = "ghcr.io/example/web:2.0.0";
      return d;
    });
    const simulatedMs = await cluster.runUntil(() => {
      const status = objectField(cluster.api.get(ref)!, "status");
      return status["updatedReplicas"] === replicas && status["availableReplicas"] === replicas && status["replicas"] === replicas;
    }, { timeoutMs: 3_600_000, what: "rollout" });
    const realMs = performance.now() - start;
    recorder?.stop();
    return { realMs, simulatedMs, writes: Number(cluster.server.store.resourceVersion()) - before };
  } finally {
    await cluster.stop();
  }
}

for (const replicas of [3, 30, 100]) {
  for (const record of [true, false]) {
    const runs = [];
    for (let i = 0; i < (replicas >= 100 ? 3 : RUNS); i++) runs.push(await rollout(replicas, record));
    const real = median(runs.map((r) => r.realMs));
    console.log(`${replicas} replicas, recorder ${record ? "on" : "off"}: ${runs[0]!.simulatedMs / 1000} simulated s, ${runs[0]!.writes} writes, median ${real.toFixed(0)} ms real`);
  }
}
