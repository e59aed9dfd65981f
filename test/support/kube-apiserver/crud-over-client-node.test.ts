import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiException, KubeConfig, CoreV1Api, PatchStrategy, setHeaderOptions, type V1ConfigMap } from "@kubernetes/client-node";
import { loadObject } from "../load-yaml.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { metadataOf } from "./object-metadata.ts";
import { rawRequest } from "./raw-request.ts";
import { rejectsWithStatus } from "./rejects-with-status.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";
import { waitFor } from "../wait-for.ts";

const CONFIGMAP = loadObject("kube-apiserver/configmap.yaml");

describe("simulated API server: ConfigMap CRUD through client-node", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
  });
  after(() => server.stop());

  const fresh = async (name: string): Promise<V1ConfigMap> => {
    const body = structuredClone(CONFIGMAP);
    metadataOf(body)["name"] = name;
    return api.core.createNamespacedConfigMap({ namespace: "default", body });
  };

  it("creates with server-owned metadata, reads it back, and refuses a second create with 409 AlreadyExists", async () => {
    const created = await fresh("create-read");
    assert.match(created.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.match(created.metadata?.resourceVersion ?? "", /^\d+$/);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    assert.equal(created.metadata?.generation, undefined, "ConfigMaps do not track generation");
    const read = await api.core.readNamespacedConfigMap({ name: "create-read", namespace: "default" });
    assert.deepEqual(read.data, { LOG_LEVEL: "info", FEATURE_X: "off" });
    assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);
    const status = await rejectsWithStatus(fresh("create-read"), 409, "AlreadyExists");
    assert.equal(status["message"], 'configmaps "create-read" already exists');
    assert.deepEqual(status["details"], { name: "create-read", kind: "configmaps" });
  });

  it("answers 404 NotFound with kube-apiserver's message for a missing object", async () => {
    const status = await rejectsWithStatus(api.core.readNamespacedConfigMap({ name: "absent", namespace: "default" }), 404, "NotFound");
    assert.equal(status["message"], 'configmaps "absent" not found');
    await rejectsWithStatus(api.core.replaceNamespacedConfigMap({ name: "absent", namespace: "default", body: { metadata: { name: "absent" } } }), 404, "NotFound");
    await rejectsWithStatus(api.core.deleteNamespacedConfigMap({ name: "absent", namespace: "default" }), 404, "NotFound");
  });

  it("replaces with the current resourceVersion and refuses a stale one with 409 Conflict", async () => {
    const created = await fresh("replace");
    const replaced = await api.core.replaceNamespacedConfigMap({
      name: "replace", namespace: "default", body: { ...created, data: { LOG_LEVEL: "debug" } },
    });
    assert.deepEqual(replaced.data, { LOG_LEVEL: "debug" });
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    assert.equal(replaced.metadata?.uid, created.metadata?.uid, "uid survives updates");
    const status = await rejectsWithStatus(
      api.core.replaceNamespacedConfigMap({ name: "replace", namespace: "default", body: { ...created, data: { LOG_LEVEL: "warn" } } }),
      409, "Conflict");
    assert.equal(status["message"], 'Operation cannot be fulfilled on configmaps "replace": the object has been modified; please apply your changes to the latest version and try again');
  });

  it("does not bump the resourceVersion for an update that changes nothing", async () => {
    const created = await fresh("no-op");
    const same = await api.core.replaceNamespacedConfigMap({ name: "no-op", namespace: "default", body: created });
    assert.equal(same.metadata?.resourceVersion, created.metadata?.resourceVersion);
  });

  it("applies a JSON patch (with a test op) chosen by setHeaderOptions, and 422s a failing test op", async () => {
    const created = await fresh("json-patch");
    const patched = await api.core.patchNamespacedConfigMap({
      name: "json-patch", namespace: "default",
      body: [
        { op: "test", path: "/metadata/resourceVersion", value: created.metadata?.resourceVersion },
        { op: "replace", path: "/data/LOG_LEVEL", value: "error" },
        { op: "remove", path: "/data/FEATURE_X" },
      ],
    }, setHeaderOptions("Content-Type", PatchStrategy.JsonPatch));
    assert.deepEqual(patched.data, { LOG_LEVEL: "error" });
    const last = server.requests.at(-1)!;
    assert.equal(last.method, "PATCH");
    assert.equal(last.contentType, "application/json-patch+json");
    await rejectsWithStatus(api.core.patchNamespacedConfigMap({
      name: "json-patch", namespace: "default", body: [{ op: "test", path: "/data/LOG_LEVEL", value: "info" }],
    }, setHeaderOptions("Content-Type", PatchStrategy.JsonPatch)), 422, "Invalid");
  });

  it("applies a merge patch (null removes a key) and treats strategic merge on a ConfigMap the same way", async () => {
    await fresh("merge-patch");
    const merged = await api.core.patchNamespacedConfigMap({
      name: "merge-patch", namespace: "default", body: { data: { FEATURE_X: null, NEW: "1" } },
    }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    assert.deepEqual(merged.data, { LOG_LEVEL: "info", NEW: "1" });
    assert.equal(server.requests.at(-1)!.contentType, "application/merge-patch+json");
    const strategic = await api.core.patchNamespacedConfigMap({
      name: "merge-patch", namespace: "default", body: { metadata: { labels: { tier: "frontend" } } },
    }, setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch));
    assert.deepEqual(strategic.metadata?.labels, { "app.kubernetes.io/name": "web", tier: "frontend" });
  });

  it("refuses a merge patch carrying a stale resourceVersion with 409 Conflict", async () => {
    await fresh("merge-stale");
    await rejectsWithStatus(api.core.patchNamespacedConfigMap({
      name: "merge-stale", namespace: "default", body: { metadata: { resourceVersion: "1" }, data: { A: "b" } },
    }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)), 409, "Conflict");
  });

  it("takes server-side apply as a merge of the applied configuration (fieldManager required) and creates what is absent", async () => {
    await fresh("apply");
    const ssa = setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply);
    await rejectsWithStatus(api.core.patchNamespacedConfigMap({
      name: "apply", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "apply" } },
    }, ssa), 400, "BadRequest");
    const applied = await api.core.patchNamespacedConfigMap({
      name: "apply", namespace: "default", fieldManager: "kustomize-controller", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "apply" }, data: { added: "yes" } },
    }, ssa);
    assert.equal(applied.data?.["added"], "yes");
    const created = await api.core.patchNamespacedConfigMap({
      name: "apply-new", namespace: "default", fieldManager: "kubectl", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "apply-new" }, data: { a: "1" } },
    }, ssa);
    assert.equal(server.requests.at(-1)?.status, 201);
    assert.equal(created.metadata?.name, "apply-new");
    assert.equal(await exists("apply-new"), true);
  });

  it("deletes with a Success Status and records a propagationPolicy sent in the DeleteOptions body", async () => {
    const created = await fresh("delete-me");
    const status = await api.core.deleteNamespacedConfigMap({ name: "delete-me", namespace: "default", body: { propagationPolicy: "Background" } });
    assert.equal(status.status, "Success");
    assert.equal(status.details?.uid, created.metadata?.uid);
    const logged = server.requests.at(-1)!;
    assert.equal(logged.method, "DELETE");
    assert.equal(logged.status, 200);
    assert.equal(logged.propagationPolicy, "Background");
    assert.equal(await exists("delete-me"), false);
    await rejectsWithStatus(api.core.readNamespacedConfigMap({ name: "delete-me", namespace: "default" }), 404, "NotFound");
  });

  it("answers a Foreground delete with 202 and the finalizer-held object, then the garbage collector removes it", async () => {
    await fresh("foreground");
    await api.core.deleteNamespacedConfigMap({ name: "foreground", namespace: "default", propagationPolicy: "Foreground" });
    const logged = server.requests.at(-1)!;
    assert.equal(logged.status, 202);
    assert.equal(logged.query["propagationPolicy"], "Foreground");
    assert.equal(logged.propagationPolicy, "Foreground");
    await waitFor("the foreground deletion", async () => !(await exists("foreground")), { timeoutMs: 2000 });
  });

  it("keeps an object with a finalizer until an update removes it (202 Accepted on delete)", async () => {
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    await api.core.deleteNamespacedConfigMap({ name: "held", namespace: "default" });
    assert.equal(server.requests.at(-1)!.status, 202);
    const held = await api.core.readNamespacedConfigMap({ name: "held", namespace: "default" });
    assert.ok(held.metadata?.deletionTimestamp instanceof Date);
    await api.core.patchNamespacedConfigMap({ name: "held", namespace: "default", body: { metadata: { finalizers: null } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    assert.equal(await exists("held"), false);
  });

  it("fails a write with 422 Invalid when a validator reports field errors", async () => {
    server.setValidator("configmaps", (req) =>
      req.operation === "UPDATE" && req.oldObject?.["immutable"] === true
        ? [{ type: "FieldValueForbidden", field: "data", detail: "field is immutable when `immutable` is set" }]
        : []);
    try {
      const created = await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "frozen" }, immutable: true, data: { a: "1" } } });
      const status = await rejectsWithStatus(api.core.replaceNamespacedConfigMap({
        name: "frozen", namespace: "default", body: { ...created, data: { a: "2" } },
      }), 422, "Invalid");
      assert.equal(status["message"], 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
      assert.deepEqual(status["details"], {
        name: "frozen", kind: "ConfigMap",
        causes: [{ reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "data" }],
      });
    } finally {
      server.setValidator("configmaps", undefined);
    }
  });

  it("refuses a create in a namespace that does not exist (NamespaceLifecycle)", async () => {
    const status = await rejectsWithStatus(api.core.createNamespacedConfigMap({ namespace: "nowhere", body: { metadata: { name: "x" } } }), 404, "NotFound");
    assert.equal(status["message"], 'namespaces "nowhere" not found');
  });

  it("answers 401 Unauthorized to a kubeconfig with the wrong token", async () => {
    const wrong = new KubeConfig();
    wrong.loadFromString(server.kubeconfigYaml.replace(server.token, "not-the-token"));
    await assert.rejects(wrong.makeApiClient(CoreV1Api).listNamespace(), (error: unknown) => error instanceof ApiException && error.code === 401);
    // client-node drops 401 bodies; the wire answer is a Status all the same.
    const raw = await rawRequest(server, { path: "/api/v1/namespaces", token: null });
    assert.equal(raw.status, 401);
    assert.deepEqual(JSON.parse(raw.text), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
  });

  async function exists(name: string): Promise<boolean> {
    return server.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name }) !== undefined;
  }
});

