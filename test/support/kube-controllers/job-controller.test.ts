import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { JOB, POD } from "./kinds.ts";
import { controllerRefOf } from "./owner-references.ts";
import { podPhase } from "./pod-conditions.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const NS = "shop";
const MIGRATE = { ...JOB, namespace: NS, name: "db-migrate" };

describe("simulated Job controller", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => cluster.stop());

  const job = (): JsonObject => cluster.api.get(MIGRATE)!;
  const conditions = (): string[] => objectsField(objectField(job(), "status"), "conditions").map((c) => `${String(c["type"])}=${String(c["status"])}/${String(c["reason"])}`);
  const pods = (): JsonObject[] => cluster.api.list(POD, NS);

  it("runs a pod to completion: SuccessCriteriaMet then Complete (CompletionsReached), with the generated selector", async () => {
    await createFromFixture(cluster.api, "kube-controllers/migrate.yaml");
    const uid = meta(job(), "uid");
    assert.deepEqual(objectField(job(), "spec")["selector"], { matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    await cluster.step();
    assert.equal(objectField(job(), "status")["active"], 1);
    const [pod] = pods();
    assert.equal(objectField(objectField(pod!, "metadata"), "labels")["job-name"], "db-migrate");
    assert.equal(controllerRefOf(pod!)?.["uid"], uid);
    await cluster.runUntil(() => conditions().includes("Complete=True/CompletionsReached"), { timeoutMs: 60_000, what: "complete" });
    assert.deepEqual(conditions(), ["SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached"]);
    const status = objectField(job(), "status");
    assert.equal(status["succeeded"], 1);
    assert.equal(status["active"], undefined);
    assert.equal(typeof status["completionTime"], "string");
  });

  it("fails after more than backoffLimit failures, re-creating pods with back-off: FailureTarget then Failed (BackoffLimitExceeded)", async () => {
    cluster.kubelet.inject({ match: { image: "ghcr.io/example/migrate:1.0.0" }, behaviour: "fail", runDurationMs: 2_000 });
    await createFromFixture(cluster.api, "kube-controllers/migrate.yaml");
    const took = await cluster.runUntil(() => conditions().includes("Failed=True/BackoffLimitExceeded"), { timeoutMs: 120_000, what: "failed" });
    assert.deepEqual(conditions(), ["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
    assert.equal(objectField(job(), "status")["failed"], 2, "backoffLimit 1: the second failure ends it");
    assert.equal(pods().filter((p) => podPhase(p) === "Failed").length, 2);
    assert.ok(took >= 10_000, `the second pod waited for the 10 s back-off (took ${took} ms)`);
  });

  it("a batch/v1 Job deleted without a propagationPolicy orphans its pods; Foreground waits for them", async () => {
    cluster.kubelet.inject({ match: { namespace: NS }, runDurationMs: 600_000 });
    await createFromFixture(cluster.api, "kube-controllers/migrate.yaml");
    await cluster.advance(3_000);
    await cluster.api.delete(MIGRATE);
    await cluster.advance(3_000);
    assert.equal(cluster.api.get(MIGRATE), undefined);
    assert.equal(pods().length, 1, "the pod keeps running");
    assert.equal(controllerRefOf(pods()[0]!), undefined);

    await createFromFixture(cluster.api, "kube-controllers/migrate.yaml");
    await cluster.advance(3_000);
    assert.equal(pods().length, 2, "the new Job's selector is its own uid: the orphan is not adopted");
    await cluster.api.delete(MIGRATE, { propagationPolicy: "Foreground" });
    await cluster.step();
    assert.ok(cluster.api.get(MIGRATE), "held while its pod terminates");
    await cluster.advance(3_000);
    assert.equal(cluster.api.get(MIGRATE), undefined);
    assert.equal(pods().length, 1, "only the first orphan is left");
  });
});
