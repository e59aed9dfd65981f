import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parsePolicy } from "../../../src/core/policy/parse-policy.ts";
import type { JsonValue } from "../../../src/core/k8s/json.ts";
import { canonicalJson, fnv1a64 } from "../../../src/core/hash/fnv1a.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

function yamlFile(path: string): JsonValue {
  return parse(readFileSync(path, "utf8")) as JsonValue;
}

describe("parsePolicy", () => {
  it("accepts the embedded default policy", () => {
    const result = parsePolicy(yamlFile(defaultPolicyPath()));
    assert.ok(result.ok);
    assert.equal(result.value.policy.mode, "enforce");
    assert.deepEqual(result.value.policy.defaults, { owned: "mark", markOwners: ["flux"], unowned: "deny", strategy: "recreate" });
  });

  it("fills every default for a minimal policy", () => {
    const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    assert.ok(result.ok);
    const { policy } = result.value;
    assert.equal(policy.mode, "enforce");
    assert.equal(policy.failureMode, "open");
    assert.equal(policy.restore, true);
    assert.deepEqual(policy.overrides, []);
    assert.deepEqual(policy.deletionProtection, { kinds: [], annotation: "gitops-guard.io/protect" });
    assert.deepEqual(policy.records, { valueMaxBytes: 256, dryRun: true });
    assert.deepEqual(policy.watch, { stuckAfterSeconds: 300, escalateAfterSeconds: 1800, overrides: [] });
    assert.equal(policy.recovery.mode, undefined, "absent: watch.recover (absent too) means off");
  });

  it("fills override defaults: strategy recreate, acceptDataLoss false, empty match", () => {
    const result = parsePolicy(yamlFile(join(FIXTURES, "policy", "valid-policy.yaml")));
    assert.ok(result.ok);
    assert.deepEqual(result.value.policy.overrides[0], {
      name: "prod-deny", match: { namespaces: ["prod"], kinds: ["Deployment.apps"], labels: {}, owners: [] }, action: "deny", strategy: "recreate", acceptDataLoss: false,
    });
  });

  it("names the version by a hash of the parsed policy: defaults and key order do not change it", () => {
    const minimal = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    const explicit = parsePolicy({ kind: "Policy", mode: "enforce", apiVersion: "gitops-guard.io/v1alpha1", restore: true });
    const audit = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", mode: "audit" });
    assert.ok(minimal.ok && explicit.ok && audit.ok);
    assert.equal(minimal.value.contentHash, explicit.value.contentHash);
    assert.notEqual(minimal.value.contentHash, audit.value.contentHash);
    assert.equal(minimal.value.contentHash, fnv1a64(canonicalJson(minimal.value.policy)));
  });

  it("reports every problem of an invalid policy with its path", () => {
    const result = parsePolicy(yamlFile(join(FIXTURES, "policy", "invalid-policy.yaml")));
    assert.equal(result.ok, false);
    const paths = result.issues.map((i) => i.path);
    for (const path of ["mode", "exemptions.namespaces[1]", "overrides[0].match.kinds[0]", "overrides[0].action"]) {
      assert.ok(paths.includes(path), `${path} in ${JSON.stringify(paths)}`);
    }
    assert.ok(result.issues.some((i) => i.path === "" && /unknownKey/.test(i.message)), JSON.stringify(result.issues));
    assert.ok(result.issues.every((i) => i.message.length > 0));
  });

  it("reports the root for a document that is not a policy at all", () => {
    for (const doc of [undefined, null, "policy", [1]]) {
      const result = parsePolicy(doc);
      assert.equal(result.ok, false);
      assert.ok(result.issues.some((i) => i.path === ""), JSON.stringify(result.issues));
    }
  });

  it("rejects values out of range, with paths", () => {
    const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", records: { valueMaxBytes: 8 }, watch: { stuckAfterSeconds: 5 } });
    assert.equal(result.ok, false);
    assert.deepEqual(result.issues.map((i) => i.path).sort(), ["records.valueMaxBytes", "watch.stuckAfterSeconds"]);
  });
});
