import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePolicyText, policyFromConfigMap, POLICY_CONFIGMAP_KEY, readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { AppError } from "../../../src/errors.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

const VALID = join(FIXTURES, "policy", "valid-policy.yaml");
const INVALID = join(FIXTURES, "policy", "invalid-policy.yaml");
const CONFIGMAP = join(FIXTURES, "policy", "policy-configmap.yaml");

function rejectsWith(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe("parsePolicyText", () => {
  it("reads a plain policy document", () => {
    const result = parsePolicyText(readFileSync(VALID, "utf8"));
    assert.ok(result.ok);
    assert.equal(result.value.policy.mode, "audit");
    assert.equal(result.value.policy.overrides[0]?.name, "prod-deny");
  });

  it("reads the policy out of a whole ConfigMap manifest (data[\"policy.yaml\"])", () => {
    assert.equal(POLICY_CONFIGMAP_KEY, "policy.yaml");
    const result = parsePolicyText(readFileSync(CONFIGMAP, "utf8"));
    assert.ok(result.ok);
    assert.deepEqual(result.value.policy.deletionProtection.kinds, ["PersistentVolumeClaim", "Namespace"]);
  });

  it("gives a ConfigMap's policy the same content hash as the same policy as a file", () => {
    const inner = (readFileSync(CONFIGMAP, "utf8").split("policy.yaml: |\n")[1] ?? "").replace(/^ {4}/gm, "");
    const plain = parsePolicyText(inner);
    const wrapped = parsePolicyText(readFileSync(CONFIGMAP, "utf8"));
    assert.ok(plain.ok && wrapped.ok);
    assert.equal(plain.value.contentHash, wrapped.value.contentHash);
  });

  it("prefixes problems inside a ConfigMap's policy with data.policy.yaml", () => {
    const policy = readFileSync(INVALID, "utf8").replace(/^/gm, "    ");
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gitops-guard-policy}\ndata:\n  policy.yaml: |\n${policy}`;
    const result = parsePolicyText(manifest);
    assert.equal(result.ok, false);
    const paths = result.issues.map((i) => i.path);
    assert.ok(paths.includes("data.policy.yaml.mode"), JSON.stringify(paths));
    assert.ok(paths.includes("data.policy.yaml.exemptions.namespaces[1]"), JSON.stringify(paths));
    assert.ok(paths.includes("data.policy.yaml"), "a root problem (unknown key) is reported at data.policy.yaml");
    assert.ok(paths.every((p) => p.startsWith("data.policy.yaml")), JSON.stringify(paths));
  });

  it("reports a ConfigMap without a policy.yaml key", () => {
    const result = parsePolicyText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  other.yaml: 'a: 1'\n");
    assert.equal(result.ok, false);
    assert.deepEqual(result.issues, [{ path: "data.policy.yaml", message: "the ConfigMap has no policy.yaml key" }]);
    const noData = parsePolicyText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    assert.equal(noData.ok, false);
    assert.equal(noData.issues[0]?.path, "data.policy.yaml");
  });

  it("reports YAML syntax errors and YAML inside the ConfigMap that is not YAML", () => {
    const broken = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: [Policy\n");
    assert.equal(broken.ok, false);
    assert.match(broken.issues[0]?.message ?? "", /^not YAML: /);
    const inner = parsePolicyText("apiVersion: v1\nkind: ConfigMap\ndata:\n  policy.yaml: \"kind: [Policy\"\n");
    assert.equal(inner.ok, false);
    assert.equal(inner.issues[0]?.path, "data.policy.yaml");
    assert.match(inner.issues[0]?.message ?? "", /^not YAML: /);
  });

  it("refuses duplicate keys (a second `mode:` silently winning would be a surprise)", () => {
    const result = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: enforce\nmode: off\n");
    assert.equal(result.ok, false);
  });

  it("reports an empty document at the root", () => {
    const result = parsePolicyText("");
    assert.equal(result.ok, false);
    assert.equal(result.issues[0]?.path, "");
  });
});

describe("policyFromConfigMap", () => {
  it("reads the policy of a ConfigMap object as a manifest of it reads, problems prefixed alike", () => {
    const text = "apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: loud\n";
    const fromObject = policyFromConfigMap({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p" }, data: { [POLICY_CONFIGMAP_KEY]: text } });
    const fromManifest = parsePolicyText(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  ${POLICY_CONFIGMAP_KEY}: ${JSON.stringify(text)}\n`);
    assert.deepEqual(fromObject, fromManifest);
    assert.ok(!fromObject.ok);
    assert.equal(fromObject.issues[0]?.path, "data.policy.yaml.mode");
  });

  it("reports a ConfigMap without data, or with a policy.yaml that is not a string", () => {
    const configMaps: JsonObject[] = [{ kind: "ConfigMap" }, { kind: "ConfigMap", data: {} }, { kind: "ConfigMap", data: { [POLICY_CONFIGMAP_KEY]: 3 } }];
    for (const configMap of configMaps) {
      const result = policyFromConfigMap(configMap);
      assert.deepEqual(result, { ok: false, issues: [{ path: "data.policy.yaml", message: "the ConfigMap has no policy.yaml key" }] });
    }
  });
});

describe("readPolicyFile", () => {
  it("reads the embedded default policy", async () => {
    const loaded = await readPolicyFile(defaultPolicyPath());
    assert.equal(loaded.policy.mode, "enforce");
    assert.match(loaded.contentHash, /^[0-9a-f]{16}$/);
  });

  it("reads a ConfigMap manifest file", async () => {
    const loaded = await readPolicyFile(CONFIGMAP);
    assert.deepEqual(loaded.policy.deletionProtection.kinds, ["PersistentVolumeClaim", "Namespace"]);
  });

  it("throws ERR_POLICY_INVALID listing every problem with its path", async () => {
    await assert.rejects(readPolicyFile(INVALID), rejectsWith("ERR_POLICY_INVALID", /invalid policy .*invalid-policy\.yaml:\n {2}mode: /));
    await assert.rejects(readPolicyFile(INVALID), rejectsWith("ERR_POLICY_INVALID", /\n {2}overrides\[0\]\.action: /));
    await assert.rejects(readPolicyFile(INVALID), rejectsWith("ERR_POLICY_INVALID", /\n {2}\(root\): /));
  });

  it("throws ERR_INPUT_UNREADABLE for a file that cannot be read", async () => {
    await assert.rejects(readPolicyFile(join(FIXTURES, "policy", "no-such-policy.yaml")), rejectsWith("ERR_INPUT_UNREADABLE", /cannot read policy file .*no-such-policy\.yaml/));
    await assert.rejects(readPolicyFile(join(FIXTURES, "policy")), rejectsWith("ERR_INPUT_UNREADABLE", /cannot read policy file/));
  });
});
