import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../../src/core/k8s/json.ts";
import type { ClusterFacts } from "../../../../src/core/rules/rule.ts";
import { loadDocuments } from "../../../support/load-yaml.ts";
import { expectFindings, type Expectation } from "../../../support/rule-case.ts";

/** StorageClasses known to the cluster (test/fixtures/rules/core/storageclasses.yaml). */
function clusterFacts(): ClusterFacts {
  const classes = new Map<string, JsonObject>();
  for (const doc of loadDocuments("rules/core/storageclasses.yaml")) {
    const name = isJsonObject(doc) && isJsonObject(doc["metadata"]) ? doc["metadata"]["name"] : undefined;
    if (isJsonObject(doc) && typeof name === "string") classes.set(name, doc);
  }
  return { storageClasses: classes };
}

type Case = readonly [title: string, fixture: string, expected: Expectation];

function refused(ruleId: string, ...paths: string[]): Expectation {
  return { refused: { ruleId, paths } };
}

const ACCEPTED: Expectation = { accepted: true };

function runCases(cases: readonly Case[], cluster?: ClusterFacts): void {
  for (const [title, fixture, expected] of cases) {
    it(title, () => {
      expectFindings(`rules/core/${fixture}.yaml`, expected, cluster);
    });
  }
}

describe("core/v1 Pod rules", () => {
  runCases([
    ["accepts an image change", "pod-image-update", ACCEPTED],
    ["refuses an env change", "pod-env-change", refused("core.Pod.spec", "spec.containers[0].env")],
    ["refuses a resources change (pods/resize only)", "pod-resources-change", refused("core.Pod.spec", "spec.containers[0].resources")],
    ["refuses a ports change", "pod-ports-change", refused("core.Pod.spec", "spec.containers[0].ports")],
    ["accepts a manifest that omits defaulted fields", "pod-defaults-omitted", ACCEPTED],
    ["refuses adding a container", "pod-container-added", refused("core.Pod.containers", "spec.containers")],
    ["refuses ephemeral containers through the main resource", "pod-ephemeral-containers", refused("core.Pod.spec", "spec.ephemeralContainers")],
    ["accepts activeDeadlineSeconds nil → positive", "pod-active-deadline-set", ACCEPTED],
    ["accepts a lower activeDeadlineSeconds", "pod-active-deadline-lowered", ACCEPTED],
    ["refuses a higher activeDeadlineSeconds", "pod-active-deadline-raised", refused("core.Pod.activeDeadlineSeconds", "spec.activeDeadlineSeconds")],
    ["refuses removing activeDeadlineSeconds", "pod-active-deadline-removed", refused("core.Pod.activeDeadlineSeconds", "spec.activeDeadlineSeconds")],
    ["accepts an added toleration and a changed tolerationSeconds", "pod-toleration-added", ACCEPTED],
    ["refuses modifying a toleration", "pod-toleration-modified", refused("core.Pod.tolerations", "spec.tolerations[1]")],
    ["refuses removing a toleration", "pod-toleration-removed", refused("core.Pod.tolerations", "spec.tolerations")],
    ["accepts terminationGracePeriodSeconds negative → 1", "pod-grace-negative-to-one", ACCEPTED],
    ["refuses any other terminationGracePeriodSeconds change", "pod-grace-changed", refused("core.Pod.terminationGracePeriodSeconds", "spec.terminationGracePeriodSeconds")],
    ["accepts removing a scheduling gate", "pod-scheduling-gate-removed", ACCEPTED],
    ["refuses adding a scheduling gate", "pod-scheduling-gate-added", refused("core.Pod.schedulingGates", "spec.schedulingGates[2]")],
    ["accepts node selection additions on a gated pod", "pod-gated-node-selection-added", ACCEPTED],
    ["refuses changing a gated pod's nodeSelector entry", "pod-gated-node-selector-changed", refused("core.Pod.nodeSelector", "spec.nodeSelector")],
    ["refuses a new required term on a gated pod", "pod-gated-node-affinity-term-added",
      refused("core.Pod.nodeAffinity", "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")],
    ["refuses a nodeSelector on an ungated pod", "pod-ungated-node-selector-added", refused("core.Pod.spec", "spec.nodeSelector")],
    ["refuses removing the mirror pod annotation", "pod-mirror-annotation-removed", refused("core.Pod.annotations", "metadata.annotations[kubernetes.io/config.mirror]")],
    ["refuses adding a beta AppArmor annotation", "pod-apparmor-annotation-added",
      refused("core.Pod.annotations", "metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]")],
    ["accepts label and ordinary annotation changes", "pod-labels-annotations", ACCEPTED],
  ]);

  it("names the resize subresource for a resources change", () => {
    const findings = expectFindings("rules/core/pod-resources-change.yaml", refused("core.Pod.spec", "spec.containers[0].resources.requests.cpu"));
    const cpu = findings.find((f) => f.path === "spec.containers[0].resources.requests.cpu");
    assert.match(cpu?.message ?? "", /pods\/resize/);
    assert.equal(cpu?.from, "100m");
    assert.equal(cpu?.to, "250m");
  });
});

describe("core/v1 Service rules", () => {
  runCases([
    ["accepts ports, selector and sessionAffinity changes", "service-ports-change", ACCEPTED],
    ["refuses a clusterIP change", "service-cluster-ip-change", refused("core.Service.clusterIP", "spec.clusterIP", "spec.clusterIPs")],
    ["refuses a change of the legacy clusterIP field alone", "service-cluster-ip-singular-change", refused("core.Service.clusterIP", "spec.clusterIP")],
    ["refuses turning a ClusterIP Service headless", "service-to-headless", refused("core.Service.clusterIP", "spec.clusterIP")],
    ["accepts switching to ExternalName", "service-to-external-name", ACCEPTED],
    ["accepts switching from ExternalName with a pinned IP", "service-from-external-name", ACCEPTED],
    ["accepts an omitted type (default ClusterIP)", "service-type-default", ACCEPTED],
    ["accepts an upgrade to dual-stack", "service-dual-stack-upgrade", ACCEPTED],
    ["refuses changing the secondary cluster IP", "service-secondary-ip-change", refused("core.Service.clusterIPs", "spec.clusterIPs[1]")],
    ["accepts a downgrade with SingleStack", "service-dual-stack-downgrade", ACCEPTED],
    ["refuses a downgrade that keeps PreferDualStack", "service-dual-stack-downgrade-prefer", refused("core.Service.clusterIPs", "spec.ipFamilyPolicy", "spec.clusterIPs")],
    ["refuses changing the primary IP family", "service-ip-family-change", refused("core.Service.ipFamilies", "spec.ipFamilies")],
    ["refuses adding loadBalancerClass to a LoadBalancer", "service-lb-class-added", refused("core.Service.loadBalancerClass", "spec.loadBalancerClass")],
    ["accepts loadBalancerClass when switching to LoadBalancer", "service-switch-to-lb-with-class", ACCEPTED],
    ["refuses a different healthCheckNodePort", "service-health-check-port-change", refused("core.Service.healthCheckNodePort", "spec.healthCheckNodePort")],
    ["accepts a different nodePort", "service-node-port-change", ACCEPTED],
    ["accepts externalTrafficPolicy Local → Cluster", "service-lb-traffic-policy-cluster", ACCEPTED],
  ]);
});

describe("core/v1 PersistentVolume rules", () => {
  runCases([
    ["refuses an NFS path change", "pv-nfs-path-change", refused("core.PersistentVolume.volumeSource", "spec.nfs.path")],
    ["accepts capacity, reclaim policy, class and mount options; omitted volumeMode", "pv-mutable-fields", ACCEPTED],
    ["refuses volumeMode Filesystem → Block", "pv-volume-mode-block", refused("core.PersistentVolume.volumeMode", "spec.volumeMode")],
    ["accepts adding csi.controllerExpandSecretRef", "pv-csi-expand-secret-added", ACCEPTED],
    ["refuses a CSI volumeHandle change", "pv-csi-volume-handle-change", refused("core.PersistentVolume.volumeSource", "spec.csi.volumeHandle")],
    ["accepts a beta → GA topology label rename", "pv-node-affinity-beta-to-ga", ACCEPTED],
    ["refuses a nodeAffinity value change", "pv-node-affinity-change", refused("core.PersistentVolume.nodeAffinity", "spec.nodeAffinity")],
    ["accepts setting nodeAffinity where there was none", "pv-node-affinity-set", ACCEPTED],
    ["refuses removing volumeAttributesClassName", "pv-vac-removed", refused("core.PersistentVolume.volumeAttributesClassName", "spec.volumeAttributesClassName")],
    ["accepts another volumeAttributesClassName", "pv-vac-changed", ACCEPTED],
  ]);
});

describe("core/v1 PersistentVolumeClaim rules", () => {
  const facts = clusterFacts();
  runCases(
    [
      ["accepts growing a Bound claim whose class allows expansion", "pvc-grow-bound", ACCEPTED],
      ["refuses a shrink", "pvc-shrink", refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage")],
      ["accepts a shrink that stays above status.capacity", "pvc-shrink-above-capacity", ACCEPTED],
      ["refuses growth when the StorageClass lacks allowVolumeExpansion", "pvc-grow-class-no-expansion",
        refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage")],
      ["refuses growing a Pending claim", "pvc-grow-pending", refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage")],
      ["refuses growing a claim with storageClassName \"\"", "pvc-grow-static-no-class",
        refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage")],
      ["refuses growing a Bound claim stored without a class", "pvc-grow-bound-no-class",
        refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage")],
      ["accepts growing a claim known only from its manifest", "pvc-grow-partial-facts", ACCEPTED],
      ["accepts the same size spelled differently", "pvc-grow-same-amount", ACCEPTED],
      ["refuses an accessModes change", "pvc-access-modes-change", refused("core.PersistentVolumeClaim.spec", "spec.accessModes")],
      ["refuses a limits change", "pvc-limits-change", refused("core.PersistentVolumeClaim.spec", "spec.resources.limits")],
      ["accepts setting volumeName while empty", "pvc-volume-name-set", ACCEPTED],
      ["refuses changing volumeName", "pvc-volume-name-change", refused("core.PersistentVolumeClaim.volumeName", "spec.volumeName")],
      ["accepts storageClassName nil → value", "pvc-storage-class-nil-to-value", ACCEPTED],
      ["refuses a storageClassName change", "pvc-storage-class-change", refused("core.PersistentVolumeClaim.storageClassName", "spec.storageClassName")],
      ["refuses storageClassName \"\" → value", "pvc-storage-class-empty-to-value", refused("core.PersistentVolumeClaim.storageClassName", "spec.storageClassName")],
      ["accepts an omitted volumeMode (default Filesystem)", "pvc-volume-mode-default", ACCEPTED],
      ["refuses volumeMode Filesystem → Block", "pvc-volume-mode-block", refused("core.PersistentVolumeClaim.volumeMode", "spec.volumeMode")],
      ["accepts another VolumeAttributesClass on a Bound claim", "pvc-vac-change-bound", ACCEPTED],
      ["refuses removing volumeAttributesClassName", "pvc-vac-removed",
        refused("core.PersistentVolumeClaim.volumeAttributesClassName", "spec.volumeAttributesClassName")],
      ["refuses another VolumeAttributesClass on a Pending claim", "pvc-vac-change-pending", refused("core.PersistentVolumeClaim.spec", "spec.volumeAttributesClassName")],
      ["accepts migrating the beta storage-class annotation", "pvc-beta-annotation-migration", ACCEPTED],
      ["refuses changing the beta storage-class annotation", "pvc-beta-annotation-change",
        refused("core.PersistentVolumeClaim.storageClassAnnotation", "metadata.annotations[volume.beta.kubernetes.io/storage-class]")],
    ],
    facts,
  );

  it("does not refuse growth when the StorageClass is unknown", () => {
    expectFindings("rules/core/pvc-grow-class-no-expansion.yaml", ACCEPTED);
  });

  it("explains a refused expansion by the StorageClass", () => {
    const [finding] = expectFindings("rules/core/pvc-grow-class-no-expansion.yaml", refused("core.PersistentVolumeClaim.storage", "spec.resources.requests.storage"), facts);
    assert.match(finding?.message ?? "", /allowVolumeExpansion/);
    assert.equal(finding?.strategy, "revert");
  });
});

describe("core/v1 ConfigMap and Secret rules", () => {
  runCases([
    ["accepts a data change of a mutable ConfigMap", "configmap-data-change", ACCEPTED],
    ["refuses a data change of an immutable ConfigMap", "configmap-immutable-data-change", refused("core.ConfigMap.data", "data")],
    ["accepts switching to immutable: true with a data change", "configmap-becomes-immutable", ACCEPTED],
    ["refuses dropping immutable: true", "configmap-immutable-unset", refused("core.ConfigMap.immutable", "immutable")],
    ["accepts metadata changes of an immutable ConfigMap", "configmap-immutable-metadata", ACCEPTED],
    ["refuses a binaryData change of an immutable ConfigMap", "configmap-immutable-binary-data", refused("core.ConfigMap.binaryData", "binaryData")],
    ["refuses an omitted type on a TLS Secret (defaults to Opaque)", "secret-type-omitted-tls", refused("core.Secret.type", "type")],
    ["refuses a Secret type change", "secret-type-changed", refused("core.Secret.type", "type")],
    ["accepts an omitted type on an Opaque Secret", "secret-type-omitted-opaque", ACCEPTED],
    ["refuses new stringData on an immutable Secret", "secret-immutable-string-data-change", refused("core.Secret.data", "data.password", "stringData.password")],
    ["accepts stringData equal to the stored data", "secret-immutable-string-data-same", ACCEPTED],
    ["refuses a data change of an immutable Secret", "secret-immutable-data-change", refused("core.Secret.data", "data")],
  ]);
});

describe("core/v1 Node and ResourceQuota rules", () => {
  runCases([
    ["accepts cordon, taints and labels", "node-mutable-fields", ACCEPTED],
    ["refuses a podCIDR change", "node-pod-cidr-change", refused("core.Node.podCIDRs", "spec.podCIDRs")],
    ["accepts setting podCIDRs and providerID from empty", "node-pod-cidr-set", ACCEPTED],
    ["refuses a providerID change", "node-provider-id-change", refused("core.Node.providerID", "spec.providerID")],
    ["refuses an externalID change", "node-external-id-change", refused("core.Node.externalID", "spec.externalID")],
    ["accepts re-ordered scopes and a new hard limit", "resourcequota-scopes-reordered", ACCEPTED],
    ["refuses a different set of scopes", "resourcequota-scopes-changed", refused("core.ResourceQuota.scopes", "spec.scopes")],
  ]);
});

describe("core/v1 kinds without immutable fields", () => {
  runCases([
    ["Namespace", "namespace-change", ACCEPTED],
    ["ReplicationController selector", "replicationcontroller-selector-change", ACCEPTED],
    ["ServiceAccount", "serviceaccount-change", ACCEPTED],
    ["Endpoints", "endpoints-change", ACCEPTED],
    ["LimitRange", "limitrange-change", ACCEPTED],
    ["PodTemplate", "podtemplate-change", ACCEPTED],
  ]);
});
