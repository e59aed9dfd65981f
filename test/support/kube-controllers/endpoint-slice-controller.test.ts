import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createFromFixture } from "./create-from-fixture.ts";
import { meta, objectField, objectsField } from "./json-fields.ts";
import { ENDPOINT_SLICE, POD, SERVICE } from "./kinds.ts";
import { controllerRefOf } from "./owner-references.ts";
import { startSimulatedCluster, type SimulatedCluster } from "./start-simulated-cluster.ts";

const WEB_SERVICE = { ...SERVICE, namespace: "shop", name: "web" };

describe("simulated EndpointSlice controller", () => {
  let cluster: SimulatedCluster;
  beforeEach(async () => {
    cluster = await startSimulatedCluster();
    await createFromFixture(cluster.api, "kube-controllers/web.yaml");
  });
  afterEach(() => cluster.stop());

  const slice = (): JsonObject | undefined => cluster.api.list(ENDPOINT_SLICE, "shop")[0];
  const conditions = (): string[] => objectsField(slice(), "endpoints").map((e) => {
    const c = objectField(e, "conditions");
    return `${String(objectField(e, "targetRef")["name"]).replace(/^web-[a-z0-9]+-/, "")}:${c["ready"] ? "R" : "-"}${c["serving"] ? "S" : "-"}${c["terminating"] ? "T" : "-"}`;
  });

  it("lists the selected pods with an IP, not ready until Ready, owned by the Service, port resolved by name", async () => {
    await cluster.advance(2_000);
    const first = slice()!;
    assert.match(meta(first, "name"), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(objectField(objectField(first, "metadata"), "labels")["kubernetes.io/service-name"], "web");
    assert.equal(controllerRefOf(first)?.["uid"], meta(cluster.api.get(WEB_SERVICE)!, "uid"));
    assert.deepEqual(first["ports"], [{ name: "http", port: 8080, protocol: "TCP" }]);
    assert.ok(conditions().every((c) => c.endsWith(":---")), conditions().join(" "));
    await cluster.advance(5_000);
    assert.ok(conditions().every((c) => c.endsWith(":RS-")), conditions().join(" "));
  });

  it("marks a terminating pod not ready but serving and terminating, and drops it once gone", async () => {
    await cluster.advance(7_000);
    const victim = cluster.api.list(POD, "shop")[0]!;
    await cluster.api.delete({ ...POD, namespace: "shop", name: meta(victim, "name") });
    await cluster.step();
    const entry = objectsField(slice(), "endpoints").find((e) => objectField(e, "targetRef")["uid"] === meta(victim, "uid"));
    assert.deepEqual(objectField(entry, "conditions"), { ready: false, serving: true, terminating: true }, "still passing its probes while it drains");
    await cluster.advance(3_000);
    assert.ok(!objectsField(slice(), "endpoints").some((e) => objectField(e, "targetRef")["uid"] === meta(victim, "uid")));
  });

  it("follows a selector change, keeps no slice for a Service without selector, and goes with its Service", async () => {
    await cluster.advance(7_000);
    await cluster.api.update(WEB_SERVICE, (s) => ({ ...s, spec: { ...objectField(s, "spec"), selector: { app: "nothing" } } }));
    await cluster.step();
    assert.deepEqual(objectsField(slice(), "endpoints"), []);
    await cluster.api.update(WEB_SERVICE, (s) => {
      const spec = { ...objectField(s, "spec") };
      delete spec["selector"];
      return { ...s, spec };
    });
    await cluster.step();
    assert.equal(slice(), undefined);
    await cluster.api.update(WEB_SERVICE, (s) => ({ ...s, spec: { ...objectField(s, "spec"), selector: { app: "web" } } }));
    await cluster.step();
    assert.equal(objectsField(slice(), "endpoints").length, 3);
    await cluster.api.delete(WEB_SERVICE);
    await cluster.step();
    assert.equal(slice(), undefined, "collected with its Service");
  });
});
