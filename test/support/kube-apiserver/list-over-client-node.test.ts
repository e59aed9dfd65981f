import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isJsonObject } from "../../../src/core/k8s/json.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { rejectsWithStatus } from "./rejects-with-status.ts";
import { rawRequest } from "./raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

describe("simulated API server: lists through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
    await api.core.createNamespace({ body: { metadata: { name: "paged" } } });
    await api.core.createNamespace({ body: { metadata: { name: "other" } } });
    for (const name of ["e", "c", "a", "d", "b"]) {
      await api.core.createNamespacedConfigMap({ namespace: "paged", body: { metadata: { name, labels: { letter: name, vowel: "ae".includes(name) ? "yes" : "no" } } } });
    }
    await api.core.createNamespacedConfigMap({ namespace: "other", body: { metadata: { name: "z", labels: { letter: "z" } } } });
  });
  after(() => server.stop());

  it("returns items sorted by name without apiVersion/kind, as typed lists do, with the list's resourceVersion", async () => {
    const list = await api.core.listNamespacedConfigMap({ namespace: "paged" });
    assert.deepEqual(list.items.map((cm) => cm.metadata?.name), ["a", "b", "c", "d", "e"]);
    assert.equal(list.kind, "ConfigMapList");
    assert.equal(list.metadata?.resourceVersion, server.store.resourceVersion());
    const raw = await rawRequest(server, { path: "/api/v1/namespaces/paged/configmaps?limit=1", token: server.token });
    const body: unknown = JSON.parse(raw.text);
    assert.ok(isJsonObject(body) && Array.isArray(body["items"]) && isJsonObject(body["items"][0]));
    assert.equal("kind" in body["items"][0] || "apiVersion" in body["items"][0], false);
  });

  it("chunks with limit/continue, every chunk at the first chunk's resourceVersion, with remainingItemCount", async () => {
    const first = await api.core.listNamespacedConfigMap({ namespace: "paged", limit: 2 });
    assert.deepEqual(first.items.map((cm) => cm.metadata?.name), ["a", "b"]);
    assert.equal(first.metadata?.remainingItemCount, 3);
    assert.ok(first.metadata?._continue);
    // A write between chunks must not show up: the list is consistent at its resourceVersion.
    await api.core.createNamespacedConfigMap({ namespace: "paged", body: { metadata: { name: "bb" } } });
    await api.core.deleteNamespacedConfigMap({ name: "d", namespace: "paged" });
    const second = await api.core.listNamespacedConfigMap({ namespace: "paged", limit: 2, _continue: first.metadata._continue });
    assert.deepEqual(second.items.map((cm) => cm.metadata?.name), ["c", "d"]);
    assert.equal(second.metadata?.resourceVersion, first.metadata.resourceVersion);
    const third = await api.core.listNamespacedConfigMap({ namespace: "paged", limit: 2, _continue: second.metadata!._continue! });
    assert.deepEqual(third.items.map((cm) => cm.metadata?.name), ["e"]);
    assert.equal(third.metadata?._continue, undefined);
    const now = await api.core.listNamespacedConfigMap({ namespace: "paged" });
    assert.deepEqual(now.items.map((cm) => cm.metadata?.name), ["a", "b", "bb", "c", "e"]);
  });

  it("answers 410 Expired to a continue token whose resourceVersion was compacted", async () => {
    const first = await api.core.listNamespacedConfigMap({ namespace: "paged", limit: 1 });
    await api.core.createNamespacedConfigMap({ namespace: "paged", body: { metadata: { name: "compacted" } } });
    server.store.compact();
    const status = await rejectsWithStatus(api.core.listNamespacedConfigMap({ namespace: "paged", limit: 1, _continue: first.metadata!._continue! }), 410, "Expired");
    assert.match(String(status["message"]), /^The provided continue parameter is too old/);
  });

  it("filters by labelSelector and fieldSelector metadata.name, and refuses an unknown field label with 400", async () => {
    const vowels = await api.core.listNamespacedConfigMap({ namespace: "paged", labelSelector: "vowel=yes" });
    assert.deepEqual(vowels.items.map((cm) => cm.metadata?.name), ["a", "e"]);
    const set = await api.core.listNamespacedConfigMap({ namespace: "paged", labelSelector: "letter in (a,c),vowel!=yes" });
    assert.deepEqual(set.items.map((cm) => cm.metadata?.name), ["c"]);
    const byName = await api.core.listNamespacedConfigMap({ namespace: "paged", fieldSelector: "metadata.name=b" });
    assert.deepEqual(byName.items.map((cm) => cm.metadata?.name), ["b"]);
    const paged = await api.core.listNamespacedConfigMap({ namespace: "paged", labelSelector: "letter", limit: 1 });
    assert.equal(paged.metadata?.remainingItemCount, undefined, "no remainingItemCount on a filtered list");
    const status = await rejectsWithStatus(api.core.listNamespacedConfigMap({ namespace: "paged", fieldSelector: "spec.nope=1" }), 400, "BadRequest");
    assert.equal(status["message"], "field label not supported: spec.nope");
  });

  it("lists across namespaces at /api/v1/configmaps, sorted by namespace then name", async () => {
    const all = await api.core.listConfigMapForAllNamespaces({ labelSelector: "letter" });
    assert.deepEqual(all.items.map((cm) => `${cm.metadata?.namespace}/${cm.metadata?.name}`),
      ["other/z", "paged/a", "paged/b", "paged/c", "paged/e"]);
    assert.equal(server.requests.at(-1)!.path, "/api/v1/configmaps");
  });

  it("reads a past state with resourceVersionMatch=Exact", async () => {
    const before = server.store.resourceVersion();
    await api.core.createNamespacedConfigMap({ namespace: "paged", body: { metadata: { name: "later" } } });
    const past = await api.core.listNamespacedConfigMap({ namespace: "paged", resourceVersion: before, resourceVersionMatch: "Exact" });
    assert.equal(past.metadata?.resourceVersion, before);
    assert.ok(!past.items.some((cm) => cm.metadata?.name === "later"));
  });
});
