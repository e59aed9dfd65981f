import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";
import { parsePolicy } from "../../../src/core/policy/parse-policy.ts";
import { packageRoot } from "../../../src/adapters/fs/package-root.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";

/** Every key path of the schema: `exemptions.namespaces`, `overrides[].match.kinds`, … */
function keyPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
      return keyPaths(def.innerType!, prefix);
    case "array":
      return def.element ? keyPaths(def.element, `${prefix}[]`) : [];
    case "object": {
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      return Object.entries(shape).flatMap(([key, child]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return [path, ...keyPaths(child, path)];
      });
    }
    default:
      return [];
  }
}

describe("policy schema", () => {
  it("is documented key by key in the policy reference (docs/policy.md, or a docs/policy-*.md page of its own)", () => {
    const reference = readFileSync(join(packageRoot(), "docs", "policy.md"), "utf8");
    assert.ok(reference.startsWith("# Policy reference"), "docs/policy.md is the policy reference");
    const pages = readdirSync(join(packageRoot(), "docs")).filter((name) => /^policy-.*\.md$/.test(name));
    // check's own keys (`check.*`) are documented with the command, in docs/check.md.
    const documented = [reference, readFileSync(join(packageRoot(), "docs", "check.md"), "utf8"), ...pages.map((name) => readFileSync(join(packageRoot(), "docs", name), "utf8"))].join("\n");
    const undocumented = keyPaths(policySchema).filter((path) => !documented.includes(`\`${path}\``));
    assert.deepEqual(undocumented, [], "every policy key appears in backticks in docs/policy.md or docs/policy-*.md");
  });

  it("the policy reference links the embedded default policy (the source of truth for the defaults)", () => {
    const reference = readFileSync(join(packageRoot(), "docs", "policy.md"), "utf8");
    assert.ok(reference.includes("](../policy/default-policy.yaml)"), "docs/policy.md links policy/default-policy.yaml");
  });

  it("fills every section from an almost empty document, exactly as written out in full", () => {
    const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    assert.ok(result.ok);
    assert.deepEqual(result.value.policy, {
      apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", mode: "enforce", failureMode: "open", restore: true,
      exemptions: { namespaces: [], users: [], groups: [], kinds: [] },
      defaults: { owned: "mark", markOwners: ["flux"], unowned: "deny", strategy: "recreate" },
      overrides: [], customRules: [],
      deletionProtection: { kinds: [], annotation: "gitops-guard.io/protect" },
      records: { valueMaxBytes: 256, dryRun: true },
      watch: { stuckAfterSeconds: 300, escalateAfterSeconds: 1800, overrides: [] },
      recovery: { neverNamespaces: ["kube-system"], maxAttempts: 3, backoffSeconds: 60, backoffFactor: 2, maxBackoffSeconds: 900, healthTimeoutSeconds: 300, helmControllerUnlocks: true, argocdLiveSyncOptions: false, helmRemediationDefault: { enabled: false, retries: 3 }, rules: [] },
      kubernetes: { featureGates: {} },
      check: { safeguards: { required: {}, annotation: "gitops-guard.io/safeguards" } },
      rollout: {},
      replace: { timeoutSeconds: 600, drainSeconds: 30, runningJobs: "leave", automatic: true },
    });
    const override = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", overrides: [{ action: "deny" }] }).overrides[0];
    assert.deepEqual(override, { match: { kinds: [], namespaces: [], labels: {}, owners: [] }, action: "deny", strategy: "recreate", acceptDataLoss: false });
  });

  it("refuses replace settings out of range, naming the key", () => {
    for (const replace of [{ timeoutSeconds: 10 }, { drainSeconds: -1 }, { runningJobs: "kill" }, { timeout: 600 }] as JsonObject[]) {
      const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", replace });
      assert.equal(result.ok, false, JSON.stringify(replace));
    }
  });

  it("gives every parse its own default sections (no shared object between two policies)", () => {
    const a = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    const b = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    assert.notEqual(a.exemptions, b.exemptions);
    assert.notEqual(a.exemptions.kinds, b.exemptions.kinds);
  });

  it("fills a section's missing keys from their defaults when the section is partly written", () => {
    const policy = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", defaults: { owned: "deny" }, watch: { recover: true } });
    assert.deepEqual(policy.defaults, { owned: "deny", markOwners: ["flux"], unowned: "deny", strategy: "recreate" });
    assert.deepEqual(policy.watch, { stuckAfterSeconds: 300, escalateAfterSeconds: 1800, overrides: [], recover: true });
  });

  it("fills every default from an almost empty document", () => {
    const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    assert.ok(result.ok);
    assert.equal(result.value.policy.mode, "enforce");
    assert.equal(result.value.policy.failureMode, "open");
    assert.equal(result.value.policy.defaults.owned, "mark");
    assert.equal(result.value.policy.watch.stuckAfterSeconds, 300);
  });

  it("gives the same content hash to the same policy however it is written", () => {
    const a = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: audit\n");
    const b = parsePolicyText('{"kind":"Policy","mode":"audit","apiVersion":"gitops-guard.io/v1alpha1","restore":true}');
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.contentHash, b.value.contentHash);
    const c = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: enforce\n");
    assert.ok(c.ok);
    assert.notEqual(a.value.contentHash, c.value.contentHash);
  });
});
