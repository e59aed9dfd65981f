import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact } from "../../../src/core/impact/analyze-impact.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadManifestObjects, toManifestObjects } from "../../support/manifest-objects.ts";

function report(before = loadManifestObjects("check/assigned/before.yaml"), after = loadManifestObjects("check/assigned/after.yaml")): ImpactReport {
  const result = analyzeImpact({ before, after, catalogue: builtinCatalogue() });
  assert.ok(result.ok);
  return result.report;
}

const findings = (r: ImpactReport, name: string): [string, string, string][] =>
  (r.resources.find((x) => x.name === name)?.findings ?? []).map((f) => [f.ruleId, f.path, f.severity]);

describe("offline: a value the before manifest omits was assigned by the API server (issue 16 item 6)", () => {
  it("judges a collision with it as the API server will", () => {
    const r = report();
    assert.deepEqual(findings(r, "db"), [["core.Service.clusterIP-assigned", "spec.clusterIP", "blocking"]]);
    assert.deepEqual(findings(r, "np"), [["core.Service.nodePort-assigned", "spec.ports[0].nodePort", "warning"]]);
    assert.deepEqual(findings(r, "data"), [["core.PersistentVolumeClaim.volumeName-assigned", "spec.volumeName", "blocking"]]);
    // Already judged by the catalogue: the Job's generated selector.
    assert.deepEqual(findings(r, "migrate"), [["batch.Job.selector", "spec.selector", "blocking"]]);
  });

  it("stays quiet where nothing was assigned or nothing collides", () => {
    const before = toManifestObjects([
      { apiVersion: "v1", kind: "Service", metadata: { name: "ext", namespace: "a" }, spec: { type: "ExternalName", externalName: "db.example.com" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "headless", namespace: "a" }, spec: { clusterIP: "None", selector: { app: "x" } } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "np", namespace: "a" }, spec: { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30080 }] } },
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "pending", namespace: "a" }, spec: { resources: { requests: { storage: "1Gi" } } }, status: { phase: "Pending" } },
    ]);
    const after = toManifestObjects([
      // ExternalName → ClusterIP with an IP: nothing was allocated before.
      { apiVersion: "v1", kind: "Service", metadata: { name: "ext", namespace: "a" }, spec: { type: "ClusterIP", clusterIP: "10.96.0.10" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "headless", namespace: "a" }, spec: { clusterIP: "None", selector: { app: "y" } } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "np", namespace: "a" }, spec: { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "https", port: 443 }] } },
      // A stored Pending claim (it has a status): the catalogue's set-once rule judges it, and accepts it.
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "pending", namespace: "a" }, spec: { resources: { requests: { storage: "1Gi" } }, volumeName: "pv-1" }, status: { phase: "Pending" } },
    ]);
    const r = report(before, after);
    for (const name of ["ext", "headless", "np", "pending"]) {
      assert.deepEqual(findings(r, name).filter(([id]) => id.endsWith("-assigned")), [], name);
    }
  });
});
