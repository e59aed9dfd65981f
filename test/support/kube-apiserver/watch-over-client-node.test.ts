import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeInformer, Watch, type V1ConfigMap } from "@kubernetes/client-node";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { rawRequest } from "./raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

/** One event as client-node's Watch hands it over. */
interface Seen {
  readonly type: string;
  readonly object: JsonObject;
}

/** Starts a client-node Watch and collects its events until stopped. */
async function collect(server: SimulatedApiServer, path: string, query: Record<string, string | number | boolean>): Promise<{
  events: Seen[]; done: Promise<unknown>; stop: () => void; waitFor: (n: number) => Promise<void>;
}> {
  const { kubeConfig } = kubeClients(server.kubeconfigPath);
  const events: Seen[] = [];
  let finish: (err: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => { finish = resolve; });
  const controller = await new Watch(kubeConfig).watch(path, query, (type: string, object: unknown) => {
    if (isJsonObject(object)) events.push({ type, object });
  }, (err: unknown) => finish(err ?? null));
  const waitFor = async (n: number): Promise<void> => {
    const deadline = Date.now() + 3000;
    while (events.length < n) {
      if (Date.now() > deadline) throw new Error(`saw ${events.length} events, wanted ${n}: ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { events, done, stop: () => controller.abort(), waitFor };
}

function nameOf(obj: JsonObject): unknown {
  return isJsonObject(obj["metadata"]) ? obj["metadata"]["name"] : undefined;
}

function versionOf(obj: JsonObject): number {
  return isJsonObject(obj["metadata"]) ? Number(obj["metadata"]["resourceVersion"]) : NaN;
}

describe("simulated API server: watch streams through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer({ bookmarkIntervalMs: 20 });
    api = kubeClients(server.kubeconfigPath);
    await api.core.createNamespace({ body: { metadata: { name: "watched" } } });
  });
  after(() => server.stop());

  it("delivers ADDED, MODIFIED and DELETED after the listed resourceVersion, in resourceVersion order", async () => {
    const list = await api.core.listNamespacedConfigMap({ namespace: "watched" });
    const watch = await collect(server, "/api/v1/namespaces/watched/configmaps", { resourceVersion: list.metadata!.resourceVersion! });
    try {
      await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "w" }, data: { a: "1" } } });
      await api.core.replaceNamespacedConfigMap({ name: "w", namespace: "watched", body: { metadata: { name: "w" }, data: { a: "2" } } });
      await api.core.deleteNamespacedConfigMap({ name: "w", namespace: "watched" });
      await watch.waitFor(3);
      assert.deepEqual(watch.events.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
      assert.deepEqual(watch.events.map((e) => nameOf(e.object)), ["w", "w", "w"]);
      const versions = watch.events.map((e) => versionOf(e.object));
      assert.ok(versions[0]! < versions[1]! && versions[1]! < versions[2]!, `increasing: ${versions.join(",")}`);
      assert.equal(watch.events[0]!.object["kind"], "ConfigMap");
    } finally {
      watch.stop();
    }
  });

  it("replays changes from history when the watch starts at an older resourceVersion", async () => {
    const start = server.store.resourceVersion();
    await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "replayed" } } });
    const watch = await collect(server, "/api/v1/namespaces/watched/configmaps", { resourceVersion: start });
    try {
      await watch.waitFor(1);
      assert.equal(watch.events[0]!.type, "ADDED");
      assert.equal(nameOf(watch.events[0]!.object), "replayed");
    } finally {
      watch.stop();
    }
  });

  it("sends an ERROR event with a 410 Expired Status when the resourceVersion is older than the history, then closes", async () => {
    const stale = server.store.resourceVersion();
    await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "after-compaction" } } });
    server.store.compact();
    const watch = await collect(server, "/api/v1/namespaces/watched/configmaps", { resourceVersion: stale });
    await watch.waitFor(1);
    assert.equal(await watch.done, null, "the stream ends cleanly after the ERROR event");
    const [event] = watch.events;
    assert.equal(event!.type, "ERROR");
    assert.equal(event!.object["kind"], "Status");
    assert.equal(event!.object["code"], 410);
    assert.equal(event!.object["reason"], "Expired");
    assert.match(String(event!.object["message"]), new RegExp(`^too old resource version: ${stale} \\(\\d+\\)$`));
  });

  it("sends BOOKMARK events carrying only the current resourceVersion when allowWatchBookmarks=true", async () => {
    const watch = await collect(server, "/apis/apps/v1/namespaces/watched/deployments",
      { resourceVersion: server.store.resourceVersion(), allowWatchBookmarks: true });
    try {
      await watch.waitFor(2);
      const bookmark = watch.events[0]!;
      assert.equal(bookmark.type, "BOOKMARK");
      assert.deepEqual(bookmark.object, {
        kind: "Deployment", apiVersion: "apps/v1",
        metadata: { resourceVersion: server.store.resourceVersion(), creationTimestamp: null },
      });
    } finally {
      watch.stop();
    }
  });

  it("sends no BOOKMARK unless asked", async () => {
    const watch = await collect(server, "/api/v1/namespaces/watched/secrets", { resourceVersion: server.store.resourceVersion() });
    try {
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.deepEqual(watch.events, []);
    } finally {
      watch.stop();
    }
  });

  it("turns label-selector transitions into ADDED and DELETED, as the watch cache does", async () => {
    await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "sel", labels: { tier: "back" } } } });
    const watch = await collect(server, "/api/v1/namespaces/watched/configmaps",
      { resourceVersion: server.store.resourceVersion(), labelSelector: "tier=front" });
    try {
      const relabel = (tier: string): Promise<V1ConfigMap> => api.core.replaceNamespacedConfigMap({
        name: "sel", namespace: "watched", body: { metadata: { name: "sel", labels: { tier } } },
      });
      await relabel("front");
      await relabel("front-2");
      await watch.waitFor(2);
      assert.deepEqual(watch.events.map((e) => e.type), ["ADDED", "DELETED"]);
      const deleted = watch.events[1]!.object;
      assert.deepEqual(isJsonObject(deleted["metadata"]) ? deleted["metadata"]["labels"] : undefined, { tier: "front" },
        "DELETED carries the last matching content");
      assert.equal(versionOf(deleted), Number(server.store.resourceVersion()), "at the resourceVersion of the change");
    } finally {
      watch.stop();
    }
  });

  it("ends the stream after timeoutSeconds", async () => {
    const started = Date.now();
    const watch = await collect(server, "/api/v1/namespaces/watched/configmaps", { resourceVersion: server.store.resourceVersion(), timeoutSeconds: 1 });
    assert.equal(await watch.done, null);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 3000, `ended after ${elapsed} ms`);
  });

  it("frames events as newline-delimited JSON on a chunked application/json response", async () => {
    await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "raw" } } });
    const res = await rawRequest(server, {
      path: "/api/v1/namespaces/watched/configmaps?watch=1&fieldSelector=metadata.name%3Draw&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
      token: server.token,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/json");
    assert.equal(res.headers["transfer-encoding"], "chunked");
    const lines = res.text.split("\n").filter((l) => l !== "").map((l): unknown => JSON.parse(l)).filter(isJsonObject);
    assert.equal(lines[0]!["type"], "ADDED");
    const added = lines[0]!["object"];
    assert.ok(isJsonObject(added));
    assert.equal(nameOf(added), "raw");
    assert.equal(lines[1]!["type"], "BOOKMARK");
    const bookmark = lines[1]!["object"];
    assert.ok(isJsonObject(bookmark) && isJsonObject(bookmark["metadata"]));
    assert.deepEqual(bookmark["metadata"]["annotations"], { "k8s.io/initial-events-end": "true" });
  });

  it("keeps a makeInformer cache in step: add, update and delete callbacks", async () => {
    const informer = makeInformer(api.kubeConfig, "/api/v1/namespaces/watched/configmaps",
      () => api.core.listNamespacedConfigMap({ namespace: "watched", labelSelector: "informed=yes" }), "informed=yes");
    const seen: string[] = [];
    informer.on("add", (cm) => seen.push(`add ${cm.metadata?.name} ${cm.data?.["v"] ?? ""}`));
    informer.on("update", (cm) => seen.push(`update ${cm.metadata?.name} ${cm.data?.["v"] ?? ""}`));
    informer.on("delete", (cm) => seen.push(`delete ${cm.metadata?.name}`));
    await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "pre", labels: { informed: "yes" } } } });
    await informer.start();
    try {
      await api.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "inf", labels: { informed: "yes" } }, data: { v: "1" } } });
      await api.core.replaceNamespacedConfigMap({ name: "inf", namespace: "watched", body: { metadata: { name: "inf", labels: { informed: "yes" } }, data: { v: "2" } } });
      await api.core.deleteNamespacedConfigMap({ name: "inf", namespace: "watched" });
      const deadline = Date.now() + 3000;
      while (seen.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(seen, ["add pre ", "add inf 1", "update inf 2", "delete inf"]);
      assert.deepEqual(informer.list("watched").map((cm) => cm.metadata?.name), ["pre"]);
    } finally {
      await informer.stop();
    }
  });
});
