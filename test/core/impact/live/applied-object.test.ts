import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareObjects } from "../../../../src/core/compare/compare-objects.ts";
import { getAt } from "../../../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../../../src/core/k8s/json.ts";
import { appliedObject } from "../../../../src/core/impact/live/applied-object.ts";
import { MAX_OWNED_DEPTH, ownedFields } from "../../../../src/core/impact/live/owned-fields.ts";
import { FIXTURES } from "../../../support/load-yaml.ts";

function liveFixture(kind: string, name: string): JsonObject {
  const list: unknown = JSON.parse(readFileSync(join(FIXTURES, "check", "live", "live-objects.json"), "utf8"));
  assert.ok(isJsonObject(list) && Array.isArray(list["items"]));
  const found = list["items"].filter(isJsonObject).find((o) => o["kind"] === kind && getAt(o, ["metadata", "name"]) === name);
  assert.ok(found);
  return found;
}

/** The fixture's desired Deployment as Git had it before the change (the live object was applied from it). */
function desiredDeployment(): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "web", labels: { app: "api", "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "api" } },
      template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "registry.example.com/api:1.4.2", ports: [{ containerPort: 8080 }] }] } },
    },
  };
}

const paths = (a: JsonObject, b: JsonObject): string[] => compareObjects(a, b).map((c) => c.path.join("."));

describe("appliedObject: what the API server stores when the manifest is applied over the live object", () => {
  it("re-applying the manifest the live object came from changes nothing: defaulted and server-written fields stay", () => {
    const live = liveFixture("Deployment", "api");
    assert.deepEqual(paths(live, appliedObject(live, desiredDeployment())), []);
  });

  it("keeps server-assigned values the manifest omits (clusterIP, clusterIPs, targetPort) and takes what it sets", () => {
    const live = liveFixture("Service", "db");
    const metadata = { name: "db", namespace: "web", labels: getAt(live, ["metadata", "labels"]) ?? {} };
    const applied = appliedObject(live, { apiVersion: "v1", kind: "Service", metadata, spec: { clusterIP: "None", ports: [{ port: 5432 }], selector: { app: "db" } } });
    assert.deepEqual(paths(live, applied), ["spec.clusterIP"]);
    assert.deepEqual(getAt(applied, ["spec", "clusterIPs"]), ["10.96.12.34"]);
    assert.equal(getAt(applied, ["spec", "ports", 0, "targetPort"]), 5432);
  });

  it("removes what the applier owned and no longer applies (server-side apply), so a dropped selector key is a selector change", () => {
    const live = structuredClone(liveFixture("Deployment", "api"));
    const spec = live["spec"];
    assert.ok(isJsonObject(spec));
    spec["selector"] = { matchLabels: { app: "api", tier: "backend" } };
    const applied = appliedObject(live, desiredDeployment());
    // managedFields owns `f:selector: {}` whole (LabelSelector is atomic): the applied selector replaces it.
    assert.deepEqual(getAt(applied, ["spec", "selector"]), { matchLabels: { app: "api" } });
    const dropped = desiredDeployment();
    const labels = getAt(dropped, ["metadata", "labels"]);
    assert.ok(isJsonObject(labels));
    delete labels["app"];
    const relabelled = appliedObject(live, dropped);
    assert.equal(getAt(relabelled, ["metadata", "labels", "app"]), undefined, "an owned label the manifest drops is removed");
    assert.equal(getAt(relabelled, ["metadata", "annotations", "deployment.kubernetes.io/revision"]), "3", "another manager's annotation stays");
  });

  it("without ownership information keeps every omitted field (it may be a default)", () => {
    const live = structuredClone(liveFixture("Deployment", "api"));
    const metadata = live["metadata"];
    assert.ok(isJsonObject(metadata));
    delete metadata["managedFields"];
    assert.equal(ownedFields(live), undefined);
    const dropped = desiredDeployment();
    const labels = getAt(dropped, ["metadata", "labels"]);
    assert.ok(isJsonObject(labels));
    delete labels["app"];
    assert.equal(getAt(appliedObject(live, dropped), ["metadata", "labels", "app"]), "api");
  });

  it("reads kubectl's last-applied-configuration as the applier's fields (client-side apply's three-way merge)", () => {
    const desired = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "a" }, data: { kept: "1" } };
    const live: JsonObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "a", annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ ...desired, data: { kept: "1", dropped: "2" } }) } },
      data: { kept: "1", dropped: "2", other: "written by a controller" },
    };
    assert.deepEqual(appliedObject(live, desired)["data"], { kept: "1", other: "written by a controller" });
  });

  it("merges list items by their key and keeps an item another manager added (a webhook's sidecar)", () => {
    const live = structuredClone(liveFixture("Deployment", "api"));
    const containers = getAt(live, ["spec", "template", "spec", "containers"]);
    assert.ok(Array.isArray(containers));
    containers.push({ name: "istio-proxy", image: "istio/proxyv2:1.24.0" });
    const desired = desiredDeployment();
    const image = getAt(desired, ["spec", "template", "spec", "containers", 0]);
    assert.ok(isJsonObject(image));
    image["image"] = "registry.example.com/api:1.5.0";
    const applied = appliedObject(live, desired);
    const names = (getAt(applied, ["spec", "template", "spec", "containers"]) as unknown[]).map((c) => (isJsonObject(c) ? c["name"] : undefined));
    assert.deepEqual(names, ["api", "istio-proxy"]);
    assert.equal(getAt(applied, ["spec", "template", "spec", "containers", 0, "terminationMessagePath"]), "/dev/termination-log");
    assert.deepEqual(paths(live, applied), ["spec.template.spec.containers.0.image"]);
  });

  it("writes a Secret's stringData into data as the API server does (UTF-8, base64), and ignores status", () => {
    const live: JsonObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "a" }, type: "Opaque", data: { password: Buffer.from("éè", "utf8").toString("base64") } };
    const applied = appliedObject(live, { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "a" }, stringData: { password: "éè" }, status: { phase: "x" } });
    assert.deepEqual(paths(live, applied), []);
    assert.equal(applied["stringData"], undefined);
  });

  it("treats hostile keys as data and stops at MAX_OWNED_DEPTH", () => {
    const evil = JSON.parse('{"__proto__":{"polluted":true},"constructor":"x"}') as JsonObject;
    const applied = appliedObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {} }, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: evil });
    assert.ok(Object.hasOwn(applied["data"] as object, "__proto__"));
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    let deep: JsonObject = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const result = appliedObject({ apiVersion: "v1", kind: "X", metadata: { name: "x" }, spec: deep }, { apiVersion: "v1", kind: "X", metadata: { name: "x" }, spec: deep });
    assert.ok(isJsonObject(result["spec"]));
    assert.ok(MAX_OWNED_DEPTH < 10_000);
  });
});
