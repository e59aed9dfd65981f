import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RISKY_RULES } from "../../../../src/core/rules/catalogue/risky.ts";
import { expectRisky } from "../../../support/expect-risky.ts";

const DIR = "rules/risky";

/** fixture, rule, the paths it must warn at ([] = must stay silent). */
type Case = readonly [fixture: string, ruleId: string, paths: readonly string[]];

function run(cases: readonly Case[]): void {
  for (const [fixture, ruleId, paths] of cases) {
    const title = paths.length === 0 ? `stays silent on ${fixture}` : `warns on ${fixture} at ${paths.join(", ")}`;
    it(title, () => {
      expectRisky(`${DIR}/${fixture}`, ruleId, paths);
    });
  }
}

describe("risky rules", () => {
  it("are all class risky, severity warning, strategy review (never blocking)", () => {
    for (const rule of RISKY_RULES) {
      assert.deepEqual([rule.class, rule.severity, rule.strategy], ["risky", "warning", "review"], rule.id);
    }
  });

  describe("Service", () => {
    run([
      ["service-selector-change.yaml", "core.Service.selector", ["spec.selector.app", "spec.selector[app.kubernetes.io/name]"]],
      ["service-ports-change.yaml", "core.Service.selector", []],
      ["service-lb-to-clusterip.yaml", "core.Service.type", ["spec.type"]],
      ["service-lb-type-omitted.yaml", "core.Service.type", ["spec.type"]],
      ["service-clusterip-to-lb.yaml", "core.Service.type", []],
    ]);
  });

  describe("workload pod-template labels", () => {
    run([
      ["deployment-template-label-added.yaml", "apps.Deployment.template.metadata.labels", ["spec.template.metadata.labels[app.kubernetes.io/version]"]],
      ["deployment-image-only.yaml", "apps.Deployment.template.metadata.labels", []],
      ["statefulset-template-label-removed.yaml", "apps.StatefulSet.template.metadata.labels", ["spec.template.metadata.labels.tier"]],
      ["daemonset-template-label-changed.yaml", "apps.DaemonSet.template.metadata.labels", ["spec.template.metadata.labels.release"]],
    ]);
  });

  describe("PersistentVolume, ReplicationController, PodDisruptionBudget", () => {
    run([
      ["pv-reclaim-policy.yaml", "core.PersistentVolume.persistentVolumeReclaimPolicy", ["spec.persistentVolumeReclaimPolicy"]],
      ["pv-defaults-omitted.yaml", "core.PersistentVolume.persistentVolumeReclaimPolicy", []],
      ["pv-storage-class.yaml", "core.PersistentVolume.storageClassName", ["spec.storageClassName"]],
      ["pv-defaults-omitted.yaml", "core.PersistentVolume.storageClassName", []],
      ["replicationcontroller-selector.yaml", "core.ReplicationController.selector", ["spec.selector.track"]],
      ["replicationcontroller-selector-defaulted.yaml", "core.ReplicationController.selector", []],
      ["pdb-selector.yaml", "policy.PodDisruptionBudget.selector", ["spec.selector.matchLabels.app", "spec.selector.matchLabels[app.kubernetes.io/name]"]],
      ["pdb-min-available.yaml", "policy.PodDisruptionBudget.selector", []],
    ]);
  });

  describe("kustomize.toolkit.fluxcd.io/force on data", () => {
    run([
      ["pvc-force-label.yaml", "core.PersistentVolumeClaim.flux-force", ["metadata.labels[kustomize.toolkit.fluxcd.io/force]"]],
      ["pv-force-annotation.yaml", "core.PersistentVolume.flux-force", ["metadata.annotations[kustomize.toolkit.fluxcd.io/force]"]],
      ["pvc-force-already-live.yaml", "core.PersistentVolumeClaim.flux-force", []],
      ["pvc-force-disabled.yaml", "core.PersistentVolumeClaim.flux-force", []],
    ]);
  });

  describe("Flux Kustomization", () => {
    run([
      ["kustomization-path.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.path", ["spec.path"]],
      ["kustomization-target-namespace.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.targetNamespace", ["spec.targetNamespace"]],
      ["kustomization-prune.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.prune", ["spec.prune"]],
      ["kustomization-interval.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.path", []],
      ["kustomization-interval.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.targetNamespace", []],
      ["kustomization-interval.yaml", "kustomize.toolkit.fluxcd.io.Kustomization.prune", []],
    ]);
  });

  describe("HelmRelease", () => {
    const HR = "helm.toolkit.fluxcd.io.HelmRelease";
    run([
      ["helmrelease-chart.yaml", `${HR}.chart.spec.chart`, ["spec.chart.spec.chart"]],
      ["helmrelease-release-name.yaml", `${HR}.releaseName`, ["spec.releaseName"]],
      ["helmrelease-target-namespace.yaml", `${HR}.targetNamespace`, ["spec.targetNamespace"]],
      ["helmrelease-target-namespace.yaml", `${HR}.releaseName`, ["spec.releaseName"]],
      ["helmrelease-storage-namespace.yaml", `${HR}.storageNamespace`, ["spec.storageNamespace"]],
      ["helmrelease-values-and-explicit-defaults.yaml", `${HR}.chart.spec.chart`, []],
      ["helmrelease-values-and-explicit-defaults.yaml", `${HR}.releaseName`, []],
      ["helmrelease-values-and-explicit-defaults.yaml", `${HR}.targetNamespace`, []],
      ["helmrelease-values-and-explicit-defaults.yaml", `${HR}.storageNamespace`, []],
    ]);

    it("names the effective release names in a derived release-name change", () => {
      const findings = expectRisky(`${DIR}/helmrelease-target-namespace.yaml`, `${HR}.releaseName`, ["spec.releaseName"]);
      const finding = findings.find((f) => f.ruleId === `${HR}.releaseName`);
      assert.deepEqual([finding?.from, finding?.to], ["podinfo", "podinfo-podinfo"]);
    });
  });
});
