import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { loadObject } from "../load-yaml.ts";
import { rawRequest, type RawResponse } from "../kube-apiserver/raw-request.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";
import { installBuiltinStrategies } from "./install-builtin-strategies.ts";

// The built-in strategies the e2e stories rely on answer as kube-apiserver does
// (reference/k8s-immutable-fields.md §2.2–2.4): these answers are what Flux classifies.

describe("simulated API server with the stories' built-in strategies", () => {
  let api: SimulatedApiServer;
  before(async () => {
    api = await startKubeApiServer({ namespaces: ["default", "shop"] });
    installBuiltinStrategies(api);
  });
  after(() => api.stop());

  const send = (method: string, path: string, body: JsonObject): Promise<RawResponse> => {
    const text = JSON.stringify(body);
    const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    return rawRequest(api, { method, path, token: api.token, body: text, headers: { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) } });
  };
  const bodyOf = (response: RawResponse): JsonObject => {
    const parsed: unknown = JSON.parse(response.text);
    assert.ok(isJsonObject(parsed));
    return parsed;
  };

  it("Deployment: template labels must match the selector; the selector may not change (422 Invalid)", async () => {
    const deployments = "/apis/apps/v1/namespaces/shop/deployments";
    const web = loadObject("e2e/web-deployment.yaml");
    const mismatched = structuredClone(web);
    const spec = mismatched["spec"];
    assert.ok(isJsonObject(spec));
    spec["selector"] = { matchLabels: { app: "other" } };
    const refused = await send("POST", deployments, mismatched);
    assert.equal(refused.status, 422);
    assert.equal(bodyOf(refused)["message"],
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`');
    assert.equal((await send("POST", deployments, web)).status, 201);
    const changed = await send("PATCH", `${deployments}/web`, { spec: { selector: { matchLabels: { tier: "front" } }, template: { metadata: { labels: { tier: "front" } } } } });
    assert.equal(changed.status, 422);
    assert.equal(bodyOf(changed)["reason"], "Invalid");
    assert.equal(bodyOf(changed)["message"], 'Deployment.apps "web" is invalid: spec.selector: Invalid value: '
      + 'v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
    assert.equal((await send("PATCH", `${deployments}/web`, { spec: { replicas: 3 } })).status, 200, "other fields stay mutable");
  });

  it("Job: the selector is generated on create; the template is frozen", async () => {
    const created = await send("POST", "/apis/batch/v1/namespaces/shop/jobs", loadObject("e2e/migrate-job.yaml"));
    assert.equal(created.status, 201);
    const job = bodyOf(created);
    const uid = String(isJsonObject(job["metadata"]) ? job["metadata"]["uid"] : "");
    const spec = job["spec"];
    assert.ok(isJsonObject(spec));
    assert.deepEqual(spec["selector"], { matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    const refused = await send("PATCH", "/apis/batch/v1/namespaces/shop/jobs/db-migrate", { spec: { template: { spec: { containers: [{ name: "migrate", image: "x:2" }] } } } });
    assert.equal(refused.status, 422);
    assert.equal(bodyOf(refused)["message"], 'Job.batch "db-migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable');
    assert.equal((await send("PATCH", "/apis/batch/v1/namespaces/shop/jobs/db-migrate", { spec: { backoffLimit: 4 } })).status, 200);
  });

  it("PVC: a bound claim may not shrink to status.capacity or below; an unbound claim's spec is frozen", async () => {
    const claims = "/api/v1/namespaces/shop/persistentvolumeclaims";
    assert.equal((await send("POST", claims, loadObject("e2e/data-pvc.yaml"))).status, 201);
    const grown = await send("PATCH", `${claims}/data`, { spec: { resources: { requests: { storage: "20Gi" } } } });
    assert.equal(grown.status, 422, "unbound: the whole spec is frozen");
    assert.equal(bodyOf(grown)["message"],
      'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
    const pvc = api.store.get({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "shop", name: "data" })!;
    pvc["status"] = { phase: "Bound", capacity: { storage: "10Gi" } };
    api.store.put(pvc);
    const shrunk = await send("PATCH", `${claims}/data`, { spec: { resources: { requests: { storage: "5Gi" } } } });
    assert.equal(shrunk.status, 422);
    assert.equal(bodyOf(shrunk)["message"], 'PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity');
    assert.equal((await send("PATCH", `${claims}/data`, { spec: { volumeName: "pvc-1" } })).status, 200, "volumeName may be set once");
    assert.equal((await send("PATCH", `${claims}/data`, { spec: { volumeName: "pvc-2" } })).status, 422, "and not changed");
  });
});
