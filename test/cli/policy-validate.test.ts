import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { FIXTURES } from "../support/load-yaml.ts";
import { defaultPolicyPath } from "../../src/adapters/fs/package-root.ts";

describe("gitops-guard policy validate", () => {
  it("accepts the embedded default policy", async () => {
    const { code, stdout } = await runCli(["policy", "validate", defaultPolicyPath()]);
    assert.equal(code, 0);
    assert.match(stdout, /valid \(mode enforce/);
  });

  it("accepts a valid policy and a ConfigMap manifest holding one", async () => {
    assert.equal((await runCli(["policy", "validate", join(FIXTURES, "policy/valid-policy.yaml")])).code, 0);
    assert.equal((await runCli(["policy", "validate", join(FIXTURES, "policy/policy-configmap.yaml")])).code, 0);
  });

  it("reports every error with its path and exits 2", async () => {
    const { code, stderr } = await runCli(["policy", "validate", join(FIXTURES, "policy/invalid-policy.yaml")]);
    assert.equal(code, 2);
    for (const path of ["mode:", "exemptions.namespaces[1]:", "overrides[0].match.kinds[0]:", "overrides[0].action:", "unknownKey"]) {
      assert.ok(stderr.includes(path), `expected ${path} in:\n${stderr}`);
    }
  });

  it("validates recovery.helmRemediationDefault: accepts it on, refuses a negative retries naming the key (exit 2)", async () => {
    const head = "apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nrecovery:\n  helmRemediationDefault:\n    enabled: true\n";
    assert.equal((await runCli(["policy", "validate", "-"], `${head}    retries: 3\n`)).code, 0);
    const bad = await runCli(["policy", "validate", "-"], `${head}    retries: -1\n`);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /recovery\.helmRemediationDefault\.retries: Too small/);
  });

  it("reads standard input", async () => {
    const text = readFileSync(join(FIXTURES, "policy/valid-policy.yaml"), "utf8");
    assert.equal((await runCli(["policy", "validate", "-"], text)).code, 0);
  });

  it("names a file it cannot read (exit 2) and a file that is not YAML (exit 2)", async () => {
    const missing = await runCli(["policy", "validate", "/nonexistent/policy.yaml"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \/nonexistent\/policy.yaml/);
    const notYaml = await runCli(["policy", "validate", "-"], "mode: [unclosed");
    assert.equal(notYaml.code, 2);
    assert.match(notYaml.stderr, /not YAML/);
  });
});
