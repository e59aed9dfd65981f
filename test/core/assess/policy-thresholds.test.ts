import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { policyThresholds } from "../../../src/core/assess/policy-thresholds.ts";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";

const watchOf = (watch: unknown): ReturnType<typeof policySchema.parse>["watch"] =>
  policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", watch }).watch;

describe("policyThresholds", () => {
  it("takes the policy's thresholds, flags over them, and the first per kind/namespace override that matches", () => {
    const watch = watchOf({
      stuckAfterSeconds: 600,
      escalateAfterSeconds: 3600,
      overrides: [
        { kinds: ["HelmRelease"], namespaces: ["ci"], stuckAfterSeconds: 1200 },
        { namespaces: ["ci"], slowAfterSeconds: 120 },
      ],
    });
    const of = policyThresholds(watch);
    assert.deepEqual(of("Kustomization", "apps"), { stuckAfterSeconds: 600, escalateAfterSeconds: 3600 });
    assert.deepEqual(of("HelmRelease", "ci"), { stuckAfterSeconds: 1200, escalateAfterSeconds: 3600 });
    assert.deepEqual(of("Kustomization", "ci"), { stuckAfterSeconds: 600, escalateAfterSeconds: 3600, slowAfterSeconds: 120 });
    assert.deepEqual(policyThresholds(watch, { stuckAfterSeconds: 90 })("Kustomization", "apps"), { stuckAfterSeconds: 90, escalateAfterSeconds: 3600 });
  });

  it("defaults to 5 minutes stuck and 30 minutes escalated, and refuses thresholds under 30 s", () => {
    assert.deepEqual(policyThresholds(watchOf({}))("Kustomization", "x"), { stuckAfterSeconds: 300, escalateAfterSeconds: 1800 });
    assert.throws(() => watchOf({ overrides: [{ kinds: ["HelmRelease"], stuckAfterSeconds: 5 }] }));
  });
});
