import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { objectField, objectsField } from "./json-fields.ts";
import { PDB, POD } from "./kinds.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

describe("simulated disruption controller (PodDisruptionBudget status)", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await createFromFixture(cluster.api, "kube-controllers/web-pdb.yaml");
  });
  afterEach(() => cluster.stop());

  const status = (name: string): JsonObject => objectField(cluster.api.get({ ...PDB, namespace: "shop", name })!, "status");
  const summary = (name: string): string => {
    const s = status(name);
    const condition = objectsField(s, "conditions")[0];
    return `${String(s["currentHealthy"])}/${String(s["desiredHealthy"])}/${String(s["expectedPods"])} allowed ${String(s["disruptionsAllowed"])} ${String(condition?.["reason"])}`;
  };

  it("counts healthy pods against minAvailable (the selected pods) and maxUnavailable (the Deployment's scale, rounded up)", async () => {
    await cluster.step();
    assert.equal(summary("web-min"), "0/2/3 allowed 0 InsufficientPods");
    await cluster.advance(10_000);
    assert.equal(summary("web-min"), "3/2/3 allowed 1 SufficientPods");
    assert.equal(summary("web-max"), "3/1/3 allowed 2 SufficientPods", "34 % of 3 rounds up to 2 unavailable");
    assert.equal(status("web-min")["observedGeneration"], 1);
  });

  it("follows pods going: a terminating pod is not healthy", async () => {
    await cluster.advance(10_000);
    const [pod] = cluster.api.list(POD, "shop");
    await cluster.api.delete({ ...POD, namespace: "shop", name: String(objectField(pod!, "metadata")["name"]) });
    await cluster.step();
    // minAvailable as an integer expects every selected pod: the terminating one and its replacement too.
    assert.equal(summary("web-min"), "2/2/4 allowed 0 InsufficientPods");
  });
});
