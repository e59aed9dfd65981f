import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePolicy } from "../../../src/core/policy/parse-policy.ts";
import { backoffMs, chooseRule, recoveryPolicy } from "../../../src/core/recovery/recovery-policy.ts";

function parsed(extra: object) {
  const r = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value.policy;
}

describe("the recovery policy", () => {
  it("mode: recovery.mode, else the older watch.recover, else off; a command-line override wins", () => {
    assert.equal(recoveryPolicy(parsed({})).mode, "off");
    assert.equal(recoveryPolicy(parsed({ watch: { recover: true } })).mode, "enforce");
    assert.equal(recoveryPolicy(parsed({ watch: { recover: false } })).mode, "off");
    assert.equal(recoveryPolicy(parsed({ recovery: { mode: "dry-run" } })).mode, "dry-run");
    assert.equal(recoveryPolicy(parsed({ recovery: { mode: "enforce" } }), "off").mode, "off");
    assert.equal(recoveryPolicy(parsed({ watch: { recover: true }, recovery: { mode: "enforce" } })).mode, "enforce", "agreeing: accepted");
  });

  it("refuses watch.recover and recovery.mode that disagree, and bad keys, with a clear message", () => {
    const r = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", watch: { recover: false }, recovery: { mode: "enforce" } });
    assert.equal(r.ok, false);
    assert.match(JSON.stringify(r), /false contradicts recovery.mode: enforce; remove watch.recover/);
    assert.equal(parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", recovery: { rules: [{ causes: ["immutable"], action: "delete" }] } }).ok, false);
    assert.equal(parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", recovery: { maxAttempts: 0 } }).ok, false);
    assert.equal(parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", recovery: { unknown: 1 } }).ok, false);
  });

  it("rules: the first that matches every criterion it gives; no match: immutable and helm-locked recover, the rest recommend", () => {
    const p = recoveryPolicy(parsed({ recovery: { mode: "enforce", maxAttempts: 4, rules: [
      { name: "prod", namespaces: ["prod"], action: "recommend" },
      { causes: ["immutable"], kinds: ["Job"], owners: ["flux"], action: "none", maxAttempts: 1 },
    ] } }));
    assert.deepEqual(chooseRule(p, { cause: "immutable", kinds: ["Kustomization", "Job"], namespace: "prod", owner: "flux" }), { action: "recommend", maxAttempts: 4, rule: "prod" });
    assert.deepEqual(chooseRule(p, { cause: "immutable", kinds: ["Kustomization", "Job"], namespace: "web", owner: "flux" }), { action: "none", maxAttempts: 1, rule: "rules[1]" });
    assert.deepEqual(chooseRule(p, { cause: "immutable", kinds: ["HelmRelease", "Job"], namespace: "web", owner: "helm" }), { action: "recover", maxAttempts: 4, rule: "default" });
    assert.equal(chooseRule(p, { cause: "helm-locked", kinds: ["HelmRelease"], namespace: "web", owner: "helm" }).action, "recover");
    for (const cause of ["health-check", "build", "source", "retries-exhausted", "helm-upgrade", "timeout", "other"] as const) {
      assert.equal(chooseRule(p, { cause, kinds: ["Kustomization"], namespace: "web", owner: "flux" }).action, "recommend", cause);
    }
  });

  it("backoff: 60 s, ×2 per attempt, capped at 900 s (the defaults)", () => {
    const p = recoveryPolicy(parsed({ recovery: { mode: "enforce" } }));
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffMs(p, a) / 1000), [60, 120, 240, 480, 900, 900]);
    assert.equal(p.healthTimeoutSeconds, 300);
    assert.equal(p.maxAttempts, 3);
    assert.deepEqual(p.neverNamespaces, ["kube-system"]);
  });

  it("the embedded default policy turns recovery on with the conservative rules", async () => {
    const { readPolicyFile } = await import("../../../src/adapters/fs/read-policy-file.ts");
    const { defaultPolicyPath } = await import("../../../src/adapters/fs/package-root.ts");
    const { policy } = await readPolicyFile(defaultPolicyPath());
    const p = recoveryPolicy(policy);
    assert.equal(p.mode, "enforce");
    assert.deepEqual(p.rules, []);
  });
});
