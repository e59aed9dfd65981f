import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Deployment } from "@kubernetes/client-node";
import { isJsonObject } from "../../../src/core/k8s/json.ts";
import { loadObject } from "../load-yaml.ts";
import { kubeClients, type KubeClients } from "./kube-clients.ts";
import { rejectsWithStatus } from "./rejects-with-status.ts";
import { rawRequest } from "./raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "./start-kube-api-server.ts";
import { forbidden } from "./status-error.ts";
import { waitFor } from "../wait-for.ts";

describe("simulated API server: registry semantics", () => {
  let server: SimulatedApiServer;
  let api: KubeClients;
  before(async () => {
    server = await startKubeApiServer();
    api = kubeClients(server.kubeconfigPath);
  });
  after(() => server.stop());

  it("keeps Deployment spec and status apart and tracks generation on spec changes only", async () => {
    const body: V1Deployment = loadObject("kube-apiserver/deployment.yaml");
    const created = await api.apps.createNamespacedDeployment({ namespace: "default", body });
    assert.equal(created.status, undefined, "status is dropped on create");
    assert.equal(created.metadata?.generation, 1);
    const statusOnly = await api.apps.replaceNamespacedDeployment({ name: "web", namespace: "default", body: { ...created, status: { replicas: 5 } } });
    assert.equal(statusOnly.status, undefined, "the main endpoint ignores status");
    assert.equal(statusOnly.metadata?.resourceVersion, created.metadata?.resourceVersion, "nothing changed, nothing written");
    const scaled = await api.apps.replaceNamespacedDeployment({ name: "web", namespace: "default", body: { ...created, spec: { ...created.spec!, replicas: 3 } } });
    assert.equal(scaled.metadata?.generation, 2);
    const reported = await api.apps.replaceNamespacedDeploymentStatus({
      name: "web", namespace: "default", body: { ...scaled, spec: { ...scaled.spec!, replicas: 9 }, status: { replicas: 3, observedGeneration: 2 } },
    });
    assert.equal(reported.status?.observedGeneration, 2);
    assert.equal(reported.spec?.replicas, 3, "/status ignores spec");
    assert.equal(reported.metadata?.generation, 2);
    assert.equal(server.requests.at(-1)!.path, "/apis/apps/v1/namespaces/default/deployments/web/status");
  });

  it("runs mutating admission, then validators, then validating admission, then onWrite listeners", async () => {
    const order: string[] = [];
    server.setAdmission({
      mutating: [(req) => {
        order.push("mutating");
        return req.object ? { ...req.object, metadata: { ...(isJsonObject(req.object["metadata"]) ? req.object["metadata"] : {}), labels: { mutated: "yes" } } } : undefined;
      }],
      validating: [(req) => {
        order.push("validating");
        if (req.name === "denied") throw forbidden('admission webhook "deny.example.com" denied the request: no');
      }],
    });
    server.setValidator("configmaps", () => {
      order.push("validator");
      return [];
    });
    const stopListening = server.onWrite(() => { order.push("onWrite"); });
    try {
      const cm = await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "admitted" } } });
      assert.deepEqual(cm.metadata?.labels, { mutated: "yes" });
      assert.deepEqual(order, ["mutating", "validator", "validating", "onWrite"]);
      const status = await rejectsWithStatus(api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "denied" } } }), 403, "Forbidden");
      assert.match(String(status["message"]), /denied the request/);
      assert.equal(server.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "denied" }), undefined);
    } finally {
      server.setAdmission({ mutating: [], validating: [] });
      server.setValidator("configmaps", undefined);
      stopListening();
    }
  });

  it("stores nothing on dryRun=All but answers as if it had", async () => {
    const cm = await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "dry" } }, dryRun: "All" });
    assert.equal(cm.metadata?.name, "dry");
    assert.equal(server.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "dry" }), undefined);
  });

  it("names an object from generateName and refuses a missing name with 422", async () => {
    const cm = await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { generateName: "gen-" } } });
    assert.match(cm.metadata?.name ?? "", /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const status = await rejectsWithStatus(api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: {} } }), 422, "Invalid");
    assert.equal(status["message"], 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  it("deletes dependents in the background and orphans them on request", async () => {
    const owner = await api.apps.createNamespacedDeployment({ namespace: "default", body: { ...loadObject("kube-apiserver/deployment.yaml"), metadata: { name: "owner" } } });
    const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "owner", uid: owner.metadata!.uid! };
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "owned", ownerReferences: [ref] } } });
    await api.apps.deleteNamespacedDeployment({ name: "owner", namespace: "default" });
    const owned = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "owned" };
    await waitFor("the dependent is collected", () => server.store.get(owned) === undefined, { timeoutMs: 2000 });

    const keeper = await api.apps.createNamespacedDeployment({ namespace: "default", body: { ...loadObject("kube-apiserver/deployment.yaml"), metadata: { name: "keeper" } } });
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "orphan", ownerReferences: [{ ...ref, name: "keeper", uid: keeper.metadata!.uid! }] } } });
    await api.apps.deleteNamespacedDeployment({ name: "keeper", namespace: "default", propagationPolicy: "Orphan" });
    const keeperRef = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "keeper" };
    await waitFor("the owner goes once orphaning is done", () => server.store.get(keeperRef) === undefined, { timeoutMs: 2000 });
    const orphan = server.store.get({ ...owned, name: "orphan" });
    assert.ok(orphan && isJsonObject(orphan["metadata"]));
    assert.deepEqual(orphan["metadata"]["ownerReferences"], []);
  });

  it("refuses a create carrying a resourceVersion (500, as etcd3 store.Create) and an update naming another uid (409)", async () => {
    const status = await rejectsWithStatus(api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "rv-set", resourceVersion: "5" } } }), 500, "InternalError");
    assert.equal(status["message"], "Internal error occurred: resourceVersion should not be set on objects to be created");
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "uid-check" } } });
    const conflict = await rejectsWithStatus(api.core.replaceNamespacedConfigMap({
      name: "uid-check", namespace: "default", body: { metadata: { name: "uid-check", uid: "00000000-0000-0000-0000-000000000000" } },
    }), 409, "Conflict");
    assert.match(String(conflict["message"]), /Precondition failed: UID in precondition/);
  });

  it("watches one object through the deprecated /watch/ path prefix", async () => {
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "single" } } });
    await api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "single-not" } } });
    const res = await rawRequest(server, { path: "/api/v1/watch/namespaces/default/configmaps/single?timeoutSeconds=1", token: server.token });
    const events = res.text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED single"]);
  });

  it("serves discovery, /version, 405 for unsupported verbs and a generic 404 for unknown paths", async () => {
    const apiVersions = await rawRequest(server, { path: "/api", token: server.token });
    assert.deepEqual(JSON.parse(apiVersions.text)["versions"], ["v1"]);
    const groups = await rawRequest(server, { path: "/apis", token: server.token });
    const names: unknown[] = JSON.parse(groups.text)["groups"].map((g: { name: string }) => g.name);
    for (const group of ["apps", "batch", "events.k8s.io", "apiextensions.k8s.io", "kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io"]) {
      assert.ok(names.includes(group), `${group} in /apis`);
    }
    const version = await rawRequest(server, { path: "/version", token: null });
    assert.equal(JSON.parse(version.text)["gitVersion"], "v1.33.0");
    const put = await rawRequest(server, { method: "PUT", path: "/api/v1/namespaces/default/configmaps", token: server.token, body: "{}", headers: { "Content-Type": "application/json" } });
    assert.equal(put.status, 405);
    assert.equal(JSON.parse(put.text)["reason"], "MethodNotAllowed");
    const unknown = await rawRequest(server, { path: "/apis/nope.example.com/v1/things", token: server.token });
    assert.equal(unknown.status, 404);
  });

  it("terminates a namespace: Terminating and 403 for new content, then its objects and the namespace go", async () => {
    // A controller delay makes the Terminating phase observable; at 0 it may already be over.
    const slow = await startKubeApiServer({ controllerDelayMs: 100 });
    try {
      const clients = kubeClients(slow.kubeconfigPath);
      await clients.core.createNamespace({ body: { metadata: { name: "doomed" } } });
      await clients.core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "inside" } } });
      await clients.core.deleteNamespace({ name: "doomed" });
      assert.equal(slow.requests.at(-1)!.status, 202);
      const ns = slow.store.get({ apiVersion: "v1", kind: "Namespace", name: "doomed" });
      assert.ok(ns);
      assert.deepEqual(ns["status"], { phase: "Terminating" });
      await rejectsWithStatus(clients.core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "late" } } }), 403, "Forbidden");
      await waitFor("the namespace is finalized", () => slow.store.get({ apiVersion: "v1", kind: "Namespace", name: "doomed" }) === undefined, { timeoutMs: 2000 });
      assert.deepEqual(slow.store.list("v1", "ConfigMap", "doomed"), []);
    } finally {
      await slow.stop();
    }
  });
});
