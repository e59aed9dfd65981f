import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CoreV1Event, EventsV1Event } from "@kubernetes/client-node";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

describe("simulated API server: Events through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
  });
  after(() => server.stop());

  it("stores a core v1 Event and lists it, selectable by involvedObject and reason", async () => {
    // What a controller's EventRecorder posts (core v1).
    const body: CoreV1Event = {
      metadata: { name: "web.18a2b3c4d5e6f708", namespace: "default" },
      involvedObject: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "default" },
      reason: "ImmutableFieldChange",
      message: "spec.selector changed; the Deployment will be replaced",
      type: "Warning",
      source: { component: "gitops-guard" },
      reportingComponent: "gitops-guard",
      reportingInstance: "gitops-guard-7d9f",
      firstTimestamp: new Date("2026-01-01T00:00:00Z"),
      lastTimestamp: new Date("2026-01-01T00:00:00Z"),
      count: 1,
    };
    await api.core.createNamespacedEvent({ namespace: "default", body });
    assert.equal(server.requests.at(-1)!.path, "/api/v1/namespaces/default/events");
    const listed = await api.core.listNamespacedEvent({
      namespace: "default", fieldSelector: "involvedObject.kind=Deployment,involvedObject.name=web,reason=ImmutableFieldChange",
    });
    assert.equal(listed.items.length, 1);
    assert.equal(listed.items[0]!.message, "spec.selector changed; the Deployment will be replaced");
    assert.equal(listed.items[0]!.type, "Warning");
  });

  it("stores an events.k8s.io/v1 Event and shows it through both APIs, as kube-apiserver's shared storage does", async () => {
    // What client-go's events.EventRecorder posts (events.k8s.io/v1).
    const body: EventsV1Event = {
      metadata: { name: "web.18a2b3c4d5e6f799", namespace: "default" },
      eventTime: new Date("2026-01-01T00:00:00Z"),
      regarding: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "default" },
      reason: "Replaced",
      note: "Deployment web was deleted and recreated to change spec.selector",
      type: "Normal",
      action: "Replace",
      reportingController: "gitops-guard",
      reportingInstance: "gitops-guard-7d9f",
    };
    await api.events.createNamespacedEvent({ namespace: "default", body });
    assert.equal(server.requests.at(-1)!.path, "/apis/events.k8s.io/v1/namespaces/default/events");
    const v1 = await api.events.listNamespacedEvent({ namespace: "default", fieldSelector: "metadata.name=web.18a2b3c4d5e6f799" });
    assert.equal(v1.items[0]!.note, "Deployment web was deleted and recreated to change spec.selector");
    assert.equal(v1.items[0]!.regarding?.name, "web");
    assert.equal(v1.items[0]!.reportingController, "gitops-guard");
    const core = await api.core.readNamespacedEvent({ name: "web.18a2b3c4d5e6f799", namespace: "default" });
    assert.equal(core.message, "Deployment web was deleted and recreated to change spec.selector");
    assert.equal(core.involvedObject.kind, "Deployment");
    assert.equal(core.reportingComponent, "gitops-guard");
    assert.equal(core.action, "Replace");
  });

  it("lets a test find emitted Events in the store", async () => {
    const reasons = server.store.list("v1", "Event", "default").map((e) => e["reason"]);
    assert.deepEqual(reasons.sort(), ["ImmutableFieldChange", "Replaced"]);
  });
});
