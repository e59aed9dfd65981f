import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiextensionsV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { loadObject } from "../load-yaml.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { metadataOf } from "./object-metadata.ts";
import { rejectsWithStatus } from "./rejects-with-status.ts";
import { rawRequest } from "./raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";

const KS = { group: "kustomize.toolkit.fluxcd.io", version: "v1", plural: "kustomizations" } as const;

function asObject(value: unknown): JsonObject {
  assert.ok(isJsonObject(value), `expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

describe("simulated API server: custom resources through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
    await api.core.createNamespace({ body: { metadata: { name: "flux-system" } } });
  });
  after(() => server.stop());

  it("lists Kustomizations with CustomObjectsApi; custom list items keep apiVersion and kind", async () => {
    server.store.put(loadObject("kube-apiserver/kustomization.yaml"));
    const list = asObject(await api.custom.listNamespacedCustomObject({ ...KS, namespace: "flux-system" }));
    assert.equal(list["kind"], "KustomizationList");
    assert.equal(list["apiVersion"], "kustomize.toolkit.fluxcd.io/v1");
    const items = list["items"];
    assert.ok(Array.isArray(items) && items.length === 1);
    const ks = asObject(items[0]);
    assert.equal(ks["kind"], "Kustomization");
    assert.equal(metadataOf(ks)["name"], "apps");
    assert.equal(metadataOf(ks)["generation"], 1);
    assert.equal(asObject(ks["status"])["observedGeneration"], 1, "status put through the store is kept");
    assert.equal(server.requests.at(-1)!.path, "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations");
  });

  it("drops status on create, bumps generation on spec change only, and updates status through /status", async () => {
    const body = loadObject("kube-apiserver/kustomization.yaml");
    metadataOf(body)["name"] = "infra";
    const created = asObject(await api.custom.createNamespacedCustomObject({ ...KS, namespace: "flux-system", body }));
    assert.equal(created["status"], undefined, "status is ignored on create when a status subresource exists");
    assert.equal(metadataOf(created)["generation"], 1);
    const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
    const spec = asObject(await api.custom.patchNamespacedCustomObject({ ...KS, namespace: "flux-system", name: "infra", body: { spec: { suspend: true } } }, merge));
    assert.equal(metadataOf(spec)["generation"], 2);
    const status = asObject(await api.custom.patchNamespacedCustomObjectStatus({
      ...KS, namespace: "flux-system", name: "infra", body: { status: { observedGeneration: 2 }, spec: { suspend: false } },
    }, merge));
    assert.deepEqual(status["status"], { observedGeneration: 2 });
    assert.equal(asObject(status["spec"])["suspend"], true, "/status ignores spec");
    assert.equal(metadataOf(status)["generation"], 2, "a status change does not bump generation");
  });

  it("refuses a strategic merge patch on a custom resource with 415, as kube-apiserver does", async () => {
    await rejectsWithStatus(api.custom.patchNamespacedCustomObject({
      ...KS, namespace: "flux-system", name: "apps", body: { spec: { prune: false } },
    }, setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch)), 415, "UnsupportedMediaType");
  });

  it("serves a CRD's kinds once the CRD is created, in every served version, and stops when it is deleted", async () => {
    // KubernetesObjectApi finds the resource through discovery, as `kubectl apply -f` does.
    const created = asObject(await KubernetesObjectApi.makeApiClient(api.kubeConfig).create(loadObject("kube-apiserver/crd-widgets.yaml")));
    const conditions = asObject(created["status"])["conditions"];
    assert.ok(Array.isArray(conditions));
    assert.deepEqual(conditions.map((c) => `${asObject(c)["type"]}=${asObject(c)["status"]}`), ["NamesAccepted=True", "Established=True"]);
    const widget = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } };
    await api.custom.createNamespacedCustomObject({ group: "example.com", version: "v1", plural: "widgets", namespace: "default", body: widget });
    const beta = asObject(await api.custom.getNamespacedCustomObject({ group: "example.com", version: "v1beta1", plural: "widgets", namespace: "default", name: "w1" }));
    assert.equal(beta["apiVersion"], "example.com/v1beta1");
    assert.deepEqual(beta["spec"], { size: 3 });
    const discovery = await rawRequest(server, { path: "/apis/example.com/v1", token: server.token });
    assert.deepEqual(asObject(JSON.parse(discovery.text))["resources"], [
      { name: "widgets", singularName: "widget", namespaced: true, kind: "Widget", verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["wdg"] },
      { name: "widgets/status", singularName: "", namespaced: true, kind: "Widget", verbs: ["get", "patch", "update"] },
    ]);
    await api.kubeConfig.makeApiClient(ApiextensionsV1Api).deleteCustomResourceDefinition({ name: "widgets.example.com" });
    const gone = await rawRequest(server, { path: "/apis/example.com/v1/namespaces/default/widgets", token: server.token });
    assert.equal(gone.status, 404);
    assert.equal(asObject(JSON.parse(gone.text))["message"], "the server could not find the requested resource");
  });

  it("answers a custom resource DELETE with the object itself", async () => {
    const body = loadObject("kube-apiserver/kustomization.yaml");
    metadataOf(body)["name"] = "to-delete";
    await api.custom.createNamespacedCustomObject({ ...KS, namespace: "flux-system", body });
    const deleted = asObject(await api.custom.deleteNamespacedCustomObject({ ...KS, namespace: "flux-system", name: "to-delete" }));
    assert.equal(deleted["kind"], "Kustomization");
    assert.equal(metadataOf(deleted)["name"], "to-delete");
  });
});
