import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCatalogue } from "../../../../src/core/rules/catalogue.ts";
import { ruleHolds } from "../../../../src/core/rules/catalogue-for.ts";
import { resolveKubeTarget } from "../../../../src/core/kube/resolve-kube-target.ts";
import { BATCH_V1_RULES } from "../../../../src/core/rules/catalogue/batch-v1.ts";
import { findFindings } from "../../../../src/core/rules/find-findings.ts";
import type { Rule } from "../../../../src/core/rules/rule.ts";
import { loadPair } from "../../../support/load-yaml.ts";
import { expectFindings } from "../../../support/rule-case.ts";

const DIR = "rules/batch";

describe("batch/v1 Job rules", () => {
  describe("parallelism and the other mutable fields", () => {
    it("accepts a parallelism change", () => {
      expectFindings(`${DIR}/job-parallelism-change.yaml`, { accepted: true });
    });

    it("accepts activeDeadlineSeconds, backoffLimit, ttlSecondsAfterFinished, podReplacementPolicy and manualSelector changes", () => {
      expectFindings(`${DIR}/job-mutable-fields.yaml`, { accepted: true });
    });

    it("accepts a change of the Job's own metadata labels", () => {
      expectFindings(`${DIR}/job-generated-labels-kept-metadata-labels.yaml`, { accepted: true });
    });
  });

  describe("spec.selector", () => {
    it("refuses a manual selector that gains a key", () => {
      const findings = expectFindings(`${DIR}/job-manual-selector-change.yaml`, {
        refused: { ruleId: "batch.Job.selector", paths: ["spec.selector.matchLabels[app.kubernetes.io/name]"] },
      });
      assert.equal(findings.find((f) => f.ruleId === "batch.Job.selector")?.to, "shop");
    });
  });

  describe("spec.template", () => {
    it("refuses a new container image", () => {
      const findings = expectFindings(`${DIR}/job-template-image.yaml`, {
        refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.containers[0].image"] },
      });
      const image = findings.find((f) => f.ruleId === "batch.Job.template");
      assert.equal(image?.from, "ghcr.io/example/shop-migrate:2.3.0");
      assert.equal(image?.to, "ghcr.io/example/shop-migrate:2.4.0");
      assert.equal(image?.strategy, "recreate");
    });

    it("accepts a manifest that omits the pod-spec defaults the live template carries", () => {
      expectFindings(`${DIR}/job-template-server-defaults.yaml`, { accepted: true });
    });

    it("refuses dropping requests the template stored: requests default to limits on Pods only, not on a template", () => {
      expectFindings(`${DIR}/job-template-requests-dropped.yaml`, { refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.containers[0].resources.requests"] } });
    });

    it("accepts a manifest that omits the imagePullPolicy the server derived from each image", () => {
      expectFindings(`${DIR}/job-pull-policy-defaulted.yaml`, { accepted: true });
    });

    it("refuses dropping imagePullPolicy: Always when the pinned tag defaults it to IfNotPresent", () => {
      const findings = expectFindings(`${DIR}/job-pull-policy-always-dropped.yaml`, {
        refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.containers[0].imagePullPolicy"] },
      });
      const policy = findings.find((f) => f.ruleId === "batch.Job.template");
      assert.equal(policy?.from, "Always");
      assert.equal(policy?.to, "IfNotPresent");
    });

    it("accepts scheduling directives, template labels and annotations of a suspended Job that never started", () => {
      expectFindings(`${DIR}/job-suspended-scheduling-directives.yaml`, { accepted: true });
    });

    it("refuses the same nodeSelector and label change once the suspended Job has started", () => {
      expectFindings(`${DIR}/job-started-scheduling-directives.yaml`, {
        refused: {
          ruleId: "batch.Job.template",
          paths: ["spec.template.spec.nodeSelector", "spec.template.metadata.labels[kueue.x-k8s.io/queue-name]"],
        },
      });
    });

    it("refuses a nodeSelector on a running Job", () => {
      expectFindings(`${DIR}/job-running-node-selector.yaml`, {
        refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.nodeSelector"] },
      });
    });

    it("refuses an image change even while suspended and never started", () => {
      expectFindings(`${DIR}/job-suspended-image.yaml`, {
        refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.containers[0].image"] },
      });
    });

    it("accepts dropping an affinity that held only nodeAffinity while suspended", () => {
      expectFindings(`${DIR}/job-suspended-affinity-dropped.yaml`, { accepted: true });
    });

    it("refuses adding podAntiAffinity while suspended (not a scheduling directive)", () => {
      const findings = expectFindings(`${DIR}/job-suspended-pod-affinity-added.yaml`, {
        refused: { ruleId: "batch.Job.template", paths: ["spec.template.spec.affinity.podAntiAffinity"] },
      });
      assert.ok(findings.every((f) => !f.path.includes("nodeAffinity")));
    });

    it("refuses suspended-Job template labels that stop matching the manual selector", () => {
      expectFindings(`${DIR}/job-suspended-label-breaks-selector.yaml`, {
        refused: { ruleId: "batch.Job.template-labels", paths: ["spec.template.metadata.labels[app.kubernetes.io/instance]"] },
      });
    });
  });

  describe("spec.completions", () => {
    it("accepts an Indexed Job's completions changed in tandem with parallelism", () => {
      expectFindings(`${DIR}/job-indexed-completions-tandem.yaml`, { accepted: true });
    });

    it("refuses an Indexed Job's completions changed alone", () => {
      const findings = expectFindings(`${DIR}/job-indexed-completions-alone.yaml`, {
        refused: { ruleId: "batch.Job.completions", paths: ["spec.completions"] },
      });
      assert.match(findings.find((f) => f.ruleId === "batch.Job.completions")?.message ?? "", /in tandem with spec\.parallelism/);
    });

    it("refuses removing an Indexed Job's completions", () => {
      expectFindings(`${DIR}/job-indexed-completions-removed.yaml`, {
        refused: { ruleId: "batch.Job.completions", paths: ["spec.completions"] },
      });
    });

    it("refuses a NonIndexed Job's completions even in tandem with parallelism", () => {
      expectFindings(`${DIR}/job-nonindexed-completions.yaml`, {
        refused: { ruleId: "batch.Job.completions", paths: ["spec.completions"] },
      });
    });

    it("accepts parallelism set in a manifest whose previous version stated no counts", () => {
      expectFindings(`${DIR}/job-parallelism-added-to-manifest.yaml`, { accepted: true });
    });

    it("refuses removing a work-queue Job's parallelism (both counts default to 1: completions nil → 1)", () => {
      expectFindings(`${DIR}/job-work-queue-parallelism-removed.yaml`, {
        refused: { ruleId: "batch.Job.completions", paths: ["spec.completions"] },
      });
    });

    it("accepts a manifest that omits the defaulted completions, parallelism and completionMode", () => {
      expectFindings(`${DIR}/job-completions-defaulted.yaml`, { accepted: true });
    });
  });

  describe("completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy, successPolicy", () => {
    it("refuses NonIndexed (omitted) → Indexed", () => {
      expectFindings(`${DIR}/job-completion-mode.yaml`, {
        refused: { ruleId: "batch.Job.completionMode", paths: ["spec.completionMode"] },
      });
    });

    it("refuses a podFailurePolicy change", () => {
      expectFindings(`${DIR}/job-pod-failure-policy.yaml`, {
        refused: { ruleId: "batch.Job.podFailurePolicy", paths: ["spec.podFailurePolicy.rules"] },
      });
    });

    it("accepts a podFailurePolicy that omits the defaulted onPodConditions status", () => {
      expectFindings(`${DIR}/job-pod-failure-policy-defaulted.yaml`, { accepted: true });
    });

    it("refuses a backoffLimitPerIndex change", () => {
      expectFindings(`${DIR}/job-backoff-limit-per-index.yaml`, {
        refused: { ruleId: "batch.Job.backoffLimitPerIndex", paths: ["spec.backoffLimitPerIndex"] },
      });
    });

    it("accepts a maxFailedIndexes change", () => {
      expectFindings(`${DIR}/job-max-failed-indexes.yaml`, { accepted: true });
    });

    it("refuses removing managedBy", () => {
      expectFindings(`${DIR}/job-managed-by.yaml`, {
        refused: { ruleId: "batch.Job.managedBy", paths: ["spec.managedBy"] },
      });
    });

    it("refuses a successPolicy change", () => {
      expectFindings(`${DIR}/job-success-policy.yaml`, {
        refused: { ruleId: "batch.Job.successPolicy", paths: ["spec.successPolicy"] },
      });
    });
  });

  describe("the generated selector and labels (server-assigned paths)", () => {
    // Stand-ins for the server-assigned rules of server-assigned.ts, written as data here so that
    // this test pins only what batch-v1.ts promises: every finding it reports for a dropped
    // generated value lies at or below the path where the server-assigned finding is reported.
    const GENERATED_LABELS = ["batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"];
    const standIns: Rule[] = [
      { path: "spec.selector", field: "selector" },
      ...GENERATED_LABELS.map((key) => ({ path: `spec.template.metadata.labels[${key}]`, field: `label-${key}` })),
    ].map(({ path, field }) => ({
      id: `test.Job.${field}`,
      group: "batch",
      kind: "Job",
      path,
      class: "server-assigned",
      check: { type: "frozen" },
      why: "stand-in",
      source: "test",
    }));
    const target = resolveKubeTarget({});
    const catalogue = createCatalogue([...BATCH_V1_RULES.filter((r) => ruleHolds(r, target)), ...standIns], target);

    for (const fixture of ["job-dropped-generated-selector.yaml", "job-dropped-generated-metadata.yaml"]) {
      it(`reports nothing blocking once the generated values are restored (${fixture})`, () => {
        const pair = loadPair(`${DIR}/${fixture}`);
        const findings = findFindings(catalogue, { old: pair.old, new: pair.new });
        assert.deepEqual(findings.filter((f) => f.severity === "blocking").map((f) => f.path), []);
        assert.equal(findings.filter((f) => f.class === "server-assigned").length, 5);
      });
    }
  });
});

describe("batch/v1 CronJob", () => {
  it("accepts changes to every CronJob field", () => {
    expectFindings(`${DIR}/cronjob-everything-mutable.yaml`, { accepted: true });
  });
});
