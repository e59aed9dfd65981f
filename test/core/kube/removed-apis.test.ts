import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeRemoval, isRemovedIn, removedApiOf, removedApiTable } from "../../../src/core/kube/removed-apis.ts";

describe("removedApiTable (the deprecated API migration guide)", () => {
  const table = removedApiTable();

  it("holds the guide's removals with their release and successor", () => {
    const row = (apiVersion: string, kind: string): [string, string | undefined] | undefined => {
      const api = removedApiOf(table, apiVersion, kind);
      return api ? [`1.${api.removedIn.minor}`, api.replacement] : undefined;
    };
    assert.deepEqual(row("extensions/v1beta1", "Deployment"), ["1.16", "apps/v1"]);
    assert.deepEqual(row("apps/v1beta2", "StatefulSet"), ["1.16", "apps/v1"]);
    assert.deepEqual(row("extensions/v1beta1", "Ingress"), ["1.22", "networking.k8s.io/v1"]);
    assert.deepEqual(row("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"), ["1.22", "apiextensions.k8s.io/v1"]);
    assert.deepEqual(row("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"), ["1.22", "rbac.authorization.k8s.io/v1"]);
    assert.deepEqual(row("policy/v1beta1", "PodDisruptionBudget"), ["1.25", "policy/v1"]);
    assert.deepEqual(row("policy/v1beta1", "PodSecurityPolicy"), ["1.25", undefined]);
    assert.deepEqual(row("batch/v1beta1", "CronJob"), ["1.25", "batch/v1"]);
    assert.deepEqual(row("autoscaling/v2beta2", "HorizontalPodAutoscaler"), ["1.26", "autoscaling/v2"]);
    assert.deepEqual(row("storage.k8s.io/v1beta1", "CSIStorageCapacity"), ["1.27", "storage.k8s.io/v1"]);
    assert.deepEqual(row("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"), ["1.29", "flowcontrol.apiserver.k8s.io/v1"]);
    assert.deepEqual(row("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"), ["1.32", "flowcontrol.apiserver.k8s.io/v1"]);
  });

  it("knows only what was removed: current versions and other kinds of a legacy group are not in it", () => {
    for (const [apiVersion, kind] of [["apps/v1", "Deployment"], ["networking.k8s.io/v1", "Ingress"], ["storage.k8s.io/v1beta1", "VolumeAttributesClass"], ["batch/v1beta1", "__proto__"]] as const) {
      assert.equal(removedApiOf(table, apiVersion, kind), undefined, `${apiVersion} ${kind}`);
    }
  });

  it("is removed from its release on, not before", () => {
    const api = removedApiOf(table, "batch/v1beta1", "CronJob");
    assert.ok(api);
    assert.equal(isRemovedIn(api, { major: 1, minor: 24 }), false);
    assert.equal(isRemovedIn(api, { major: 1, minor: 25 }), true);
    assert.equal(isRemovedIn(api, { major: 1, minor: 37 }), true);
    assert.equal(describeRemoval(api), "batch/v1beta1 CronJob is no longer served from Kubernetes 1.25: use batch/v1");
  });
});
