import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { postEvent, type EventSubject } from "../../../src/adapters/kube/post-event.ts";
import { createKubeHttp, type KubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";

describe("postEvent", () => {
  let server: SimulatedApiServer;
  let http: KubeHttp;
  let subject: EventSubject;
  before(async () => {
    server = await startKubeApiServer({ namespaces: ["default", "kube-system", "web"] });
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    http = createKubeHttp(kc);
    const deployment = loadObject("kube-apiserver/deployment.yaml");
    (deployment["metadata"] as JsonObject)["namespace"] = "web";
    const stored = server.store.put(deployment);
    const metadata = stored["metadata"] as JsonObject;
    subject = {
      apiVersion: String(stored["apiVersion"]), kind: String(stored["kind"]), namespace: "web", name: String(metadata["name"]),
      uid: String(metadata["uid"]), resourceVersion: String(metadata["resourceVersion"]),
    };
  });
  after(() => server.stop());

  it("creates a core/v1 Event about the object, visible in the cluster", async () => {
    const now = new Date("2026-10-02T09:14:07.000Z");
    const failure = await postEvent(http, subject, { type: "Warning", reason: "ImmutableFieldMarked", message: "spec.selector kept at the live value; marked for recreate", now });
    assert.equal(failure, undefined);
    const events = server.store.list("v1", "Event", "web");
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.equal((event["metadata"] as JsonObject)["name"], `${subject.name}.${now.getTime().toString(16)}`);
    assert.deepEqual(event["involvedObject"], {
      apiVersion: subject.apiVersion, kind: subject.kind, namespace: "web", name: subject.name, uid: subject.uid, resourceVersion: subject.resourceVersion,
    });
    assert.equal(event["type"], "Warning");
    assert.equal(event["reason"], "ImmutableFieldMarked");
    assert.equal(event["message"], "spec.selector kept at the live value; marked for recreate");
    assert.deepEqual(event["source"], { component: "gitops-guard" });
    assert.equal(event["reportingComponent"], "gitops-guard");
    assert.equal(Date.parse(String(event["firstTimestamp"])), now.getTime());
    assert.equal(Date.parse(String(event["lastTimestamp"])), now.getTime());
    assert.equal(event["count"], 1);
    const post = server.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces/web/events");
    assert.equal(post?.contentType, "application/json");
  });

  it("leaves out uid and resourceVersion when the subject has none", async () => {
    const now = new Date("2026-10-02T09:15:00.000Z");
    assert.equal(await postEvent(http, { apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "settings" }, { type: "Normal", reason: "Restored", message: "ok", now }), undefined);
    const event = server.store.list("v1", "Event", "web").find((e) => (e["involvedObject"] as JsonObject)["name"] === "settings");
    assert.deepEqual(event?.["involvedObject"], { apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "settings" });
  });

  it("cuts the message to 1 KiB", async () => {
    const now = new Date("2026-10-02T09:16:00.000Z");
    assert.equal(await postEvent(http, { ...subject, name: "long" }, { type: "Normal", reason: "Long", message: "m".repeat(5000), now }), undefined);
    const event = server.store.list("v1", "Event", "web").find((e) => e["reason"] === "Long");
    assert.equal(String(event?.["message"]).length, 1024);
  });

  it("returns the API server's refusal instead of throwing (namespace gone, duplicate name)", async () => {
    const now = new Date("2026-10-02T09:17:00.000Z");
    const missing = await postEvent(http, { ...subject, namespace: "no-such-namespace" }, { type: "Normal", reason: "X", message: "x", now });
    assert.match(String(missing), /^404: /);
    const event = { type: "Normal" as const, reason: "Twice", message: "x", now };
    assert.equal(await postEvent(http, subject, event), undefined);
    assert.match(String(await postEvent(http, subject, event)), /^409: /);
  });

  it("returns a connection failure instead of throwing", async () => {
    await server.setAvailable(false);
    try {
      const failure = await postEvent(http, subject, { type: "Normal", reason: "Offline", message: "x", now: new Date("2026-10-02T09:18:00.000Z") });
      assert.equal(typeof failure, "string");
      assert.match(String(failure), /ECONNREFUSED/);
    } finally {
      await server.setAvailable(true);
    }
  });
});
