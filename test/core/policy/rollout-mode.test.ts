import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePolicy } from "../../../src/core/policy/parse-policy.ts";
import { effectiveMode } from "../../../src/core/policy/rollout-mode.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";

function policy(extra: Record<string, unknown>): Policy {
  const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", ...extra } as never);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.value.policy;
}

const subject = (namespace: string, labels: Record<string, string> = {}): { namespace: string; labels: Map<string, string> } => ({ namespace, labels: new Map(Object.entries(labels)) });

describe("rollout.enforceOnly", () => {
  it("enforces in the namespaces named and audits everywhere else", () => {
    const p = policy({ mode: "enforce", rollout: { enforceOnly: { namespaces: ["team-a"] } } });
    assert.deepEqual(effectiveMode(p, subject("team-a")), { mode: "enforce" });
    assert.deepEqual(effectiveMode(p, subject("team-b")), { mode: "audit", rollout: "outside rollout.enforceOnly" });
    assert.equal(effectiveMode(p, subject("")).mode, "audit", "a cluster-scoped object is in no namespace");
  });

  it("enforces on objects the selector selects, with Kubernetes' selector semantics, in any namespace", () => {
    const p = policy({ mode: "enforce", rollout: { enforceOnly: { selector: { matchLabels: { canary: "true" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] } } } });
    assert.equal(effectiveMode(p, subject("x", { canary: "true" })).mode, "enforce", "NotIn matches objects without the key");
    assert.equal(effectiveMode(p, subject("", { canary: "true", tier: "web" })).mode, "enforce");
    assert.equal(effectiveMode(p, subject("x", { canary: "true", tier: "db" })).mode, "audit");
    assert.equal(effectiveMode(p, subject("x", { constructor: "true", __proto__: "true" })).mode, "audit", "prototype names are label keys like any other");
  });

  it("only narrows enforce: audit and off stay as they are, and no rollout means everywhere", () => {
    assert.equal(effectiveMode(policy({ mode: "audit", rollout: { enforceOnly: { namespaces: ["team-a"] } } }), subject("team-a")).mode, "audit");
    assert.equal(effectiveMode(policy({ mode: "off", rollout: { enforceOnly: { namespaces: ["team-a"] } } }), subject("team-a")).mode, "off");
    assert.equal(effectiveMode(policy({ mode: "enforce" }), subject("anything")).mode, "enforce");
  });

  it("refuses an enforceOnly that names nothing and a selector the API server would refuse", () => {
    const issues = (rollout: unknown): string => {
      const r = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", rollout } as never);
      return r.ok ? "" : r.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    };
    assert.match(issues({ enforceOnly: {} }), /rollout\.enforceOnly: name namespaces, a selector or both/);
    assert.match(issues({ enforceOnly: { selector: { matchExpressions: [{ key: "a", operator: "In" }] } } }), /rollout\.enforceOnly\.selector\.matchExpressions\[0\]: In and NotIn need values/);
    assert.match(issues({ enforceOnly: { selector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] } } }), /Exists and DoesNotExist take none/);
    assert.match(issues({ enforceOnly: { namespaces: ["a"], labels: {} } }), /Unrecognized key/);
  });
});
