import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectFindings } from "../../../support/rule-case.ts";

describe("apps/v1 rules", () => {
  it("refuses a Deployment selector rewritten by kustomize commonLabels", () => {
    const findings = expectFindings("rules/apps/deployment-selector-common-labels.yaml", {
      refused: { ruleId: "apps.Deployment.selector", paths: ["spec.selector.matchLabels.tier"] },
    });
    const selector = findings.find((f) => f.ruleId === "apps.Deployment.selector");
    assert.equal(selector?.from, "fe");
    assert.equal(selector?.to, "frontend");
    assert.equal(selector?.strategy, "blue-green");
  });

  it("accepts replicas, strategy, template labels and image changes of a Deployment", () => {
    expectFindings("rules/apps/deployment-image-update.yaml", { accepted: true });
  });

  it("refuses template labels that no longer match the selector", () => {
    expectFindings("rules/apps/deployment-template-drops-selector-label.yaml", {
      refused: { ruleId: "apps.Deployment.template-labels", paths: ["spec.template.metadata.labels.tier"] },
    });
  });

  it("refuses a StatefulSet volumeClaimTemplates change", () => {
    expectFindings("rules/apps/statefulset-volumeclaimtemplate-size.yaml", {
      refused: { ruleId: "apps.StatefulSet.spec", paths: ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"] },
    });
  });

  it("refuses StatefulSet serviceName and podManagementPolicy changes", () => {
    expectFindings("rules/apps/statefulset-servicename-podmanagement.yaml", {
      refused: { ruleId: "apps.StatefulSet.spec", paths: ["spec.serviceName", "spec.podManagementPolicy"] },
    });
  });

  it("accepts StatefulSet replicas, template, updateStrategy, revisionHistoryLimit, minReadySeconds, ordinals, retention", () => {
    expectFindings("rules/apps/statefulset-mutable-fields.yaml", { accepted: true });
  });

  it("accepts a StatefulSet manifest that omits what the server stored (podManagementPolicy, claim-template defaults, 10240Mi = 10Gi)", () => {
    expectFindings("rules/apps/statefulset-manifest-without-server-defaults.yaml", { accepted: true });
  });

  it("refuses an omitted podManagementPolicy when the live StatefulSet is Parallel", () => {
    const findings = expectFindings("rules/apps/statefulset-parallel-omitted.yaml", {
      refused: { ruleId: "apps.StatefulSet.spec", paths: ["spec.podManagementPolicy"] },
    });
    const policy = findings.find((f) => f.ruleId === "apps.StatefulSet.spec");
    assert.equal(policy?.from, "Parallel");
    assert.equal(policy?.to, undefined);
  });
});
