import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { objectField } from "./json-fields.ts";
import { SERVICE } from "./kinds.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const WEB_SERVICE = { ...SERVICE, namespace: "shop", name: "web" };

function withSelector(selector: JsonObject): (svc: JsonObject) => JsonObject {
  return (svc) => ({ ...svc, spec: { ...objectField(svc, "spec"), selector } });
}

describe("ready pods recorder", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
    await cluster.advance(10_000);
  });
  afterEach(() => cluster.stop());

  it("catches a window that opens and closes between two ticks (a selector switched away and back)", async () => {
    const recorder = cluster.recordReadyPods("shop", "web");
    assert.equal(recorder.min, 3);
    await cluster.api.update(WEB_SERVICE, withSelector({ app: "web-v2" }));
    await cluster.api.update(WEB_SERVICE, withSelector({ app: "web" }));
    await cluster.advance(2_000);
    recorder.stop();
    assert.equal(recorder.min, 0);
    assert.equal(recorder.minAt?.tick, 10, "between tick 10 and 11");
    assert.deepEqual(recorder.minAt?.pods, []);
    assert.deepEqual(recorder.perTick.map((s) => s.ready), [3, 3], "the ticks alone never saw it");
  });

  it("counts only Ready pods that are not terminating, and 0 when the Service is gone", async () => {
    const recorder = cluster.recordReadyPods("shop", "web");
    const [pod] = cluster.api.list({ apiVersion: "v1", kind: "Pod" }, "shop");
    await cluster.api.delete({ apiVersion: "v1", kind: "Pod", namespace: "shop", name: String(objectField(pod!, "metadata")["name"]) });
    assert.equal(recorder.current(), 2, "terminating at once");
    await cluster.api.delete(WEB_SERVICE);
    assert.equal(recorder.current(), 0);
    assert.equal(recorder.min, 0);
    recorder.stop();
  });

  it("stops sampling when stopped", async () => {
    const recorder = cluster.recordReadyPods("shop", "web");
    recorder.stop();
    await cluster.api.update(WEB_SERVICE, withSelector({ app: "nothing" }));
    await cluster.advance(1_000);
    assert.equal(recorder.min, 3);
    assert.equal(recorder.perTick.length, 0);
  });
});
