import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectFindings } from "../../../support/rule-case.ts";

describe("server-assigned rules", () => {
  it("restores a dropped Service clusterIP and clusterIPs as info, never blocking", () => {
    const findings = expectFindings("rules/core/service-cluster-ip-dropped.yaml", {
      accepted: true,
      restored: ["spec.clusterIP", "spec.clusterIPs"],
    });
    const restores = findings.filter((f) => f.class === "server-assigned");
    assert.deepEqual(restores.map((f) => [f.path, f.from, f.severity, f.strategy]), [
      ["spec.clusterIP", "10.96.45.12", "info", "restore"],
      ["spec.clusterIPs", ["10.96.45.12"], "info", "restore"],
    ]);
  });

  it("restores a blank clusterIP", () => {
    expectFindings("rules/core/service-cluster-ip-blank.yaml", { accepted: true, restored: ["spec.clusterIP"] });
  });

  it("restores every allocated field of a dual-stack Service", () => {
    expectFindings("rules/core/service-allocated-values-dropped.yaml", {
      accepted: true,
      restored: ["spec.clusterIP", "spec.clusterIPs", "spec.ipFamilies", "spec.ipFamilyPolicy"],
    });
  });

  it("restores nodePorts by port name and the healthCheckNodePort, leaving a new port alone", () => {
    const findings = expectFindings("rules/core/service-node-ports-dropped.yaml", {
      accepted: true,
      restored: ["spec.ports[0].nodePort", "spec.ports[1].nodePort", "spec.healthCheckNodePort"],
    });
    const ports = findings.filter((f) => f.ruleId === "core.Service.nodePort-dropped");
    assert.deepEqual(ports.map((f) => [f.path, f.from]), [["spec.ports[0].nodePort", 30080], ["spec.ports[1].nodePort", 30443]]);
  });

  it("does not restore anything when switching to ExternalName", () => {
    const findings = expectFindings("rules/core/service-to-external-name.yaml", { accepted: true });
    assert.deepEqual(findings.filter((f) => f.class === "server-assigned"), []);
  });

  it("restores a Job's generated selector and template labels instead of blocking", () => {
    const findings = expectFindings("rules/core/job-generated-selector-dropped.yaml", {
      accepted: true,
      restored: ["spec.selector", "spec.template.metadata"],
    });
    const labels = findings.find((f) => f.ruleId === "batch.Job.generated-labels-dropped");
    assert.equal(labels?.severity, "warning");
    assert.equal(labels?.strategy, "restore");
  });

  it("restores only the generated labels when the template also changed for real", () => {
    const findings = expectFindings("rules/core/job-generated-labels-partly-dropped.yaml", {
      restored: [
        "spec.template.metadata.labels.controller-uid",
        "spec.template.metadata.labels[batch.kubernetes.io/controller-uid]",
        "spec.template.metadata.labels.job-name",
      ],
    });
    const restored = findings.filter((f) => f.ruleId === "batch.Job.generated-labels-dropped").map((f) => f.path);
    assert.equal(restored.includes("spec.template.metadata.labels.app"), false);
    assert.equal(restored.length, 3);
  });

  it("restores nothing for a Job whose selector was set by hand", () => {
    const findings = expectFindings("rules/core/job-manual-selector-dropped.yaml", {});
    assert.deepEqual(findings.filter((f) => f.class === "server-assigned"), []);
  });

  it("restores a dropped PVC volumeName as a warning, not a conflict", () => {
    const findings = expectFindings("rules/core/pvc-volume-name-dropped.yaml", { accepted: true, restored: ["spec.volumeName"] });
    assert.deepEqual(findings.filter((f) => f.class === "server-assigned").map((f) => [f.ruleId, f.severity, f.from]), [
      ["core.PersistentVolumeClaim.volumeName-dropped", "warning", "pvc-1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"],
    ]);
  });

  it("restores a PVC storageClassName dropped by a full replace", () => {
    expectFindings("rules/core/pvc-storage-class-dropped.yaml", { accepted: true, restored: ["spec.storageClassName"] });
  });

  it("treats storageClassName \"\" as a real change, not a drop", () => {
    const findings = expectFindings("rules/core/pvc-storage-class-emptied.yaml", {
      refused: { ruleId: "core.PersistentVolumeClaim.storageClassName", paths: ["spec.storageClassName"] },
    });
    assert.deepEqual(findings.filter((f) => f.class === "server-assigned"), []);
  });
});
