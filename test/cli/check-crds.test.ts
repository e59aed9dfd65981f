import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { FIXTURES } from "../support/load-yaml.ts";

const CRD = readFileSync(join(FIXTURES, "crds/gatewayclasses.gateway.networking.k8s.io.yaml"), "utf8");

function gatewayClass(controllerName: string, description: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: internal}
spec: {controllerName: ${controllerName}, description: ${description}}
`;
}

function files(before: string, after: string): { dir: string; before: string; after: string } {
  const dir = mkdtempSync(join(tmpdir(), "gg-check-crds-"));
  writeFileSync(join(dir, "before.yaml"), before);
  writeFileSync(join(dir, "after.yaml"), after);
  writeFileSync(join(dir, "crds.yaml"), CRD);
  return { dir, before: join(dir, "before.yaml"), after: join(dir, "after.yaml") };
}

type Report = { resources: { findings: { ruleId: string; path: string; class: string; severity: string; message: string }[] }[] };

describe("gitops-guard check with CRD-declared immutability", () => {
  it("applies the rules of CRDs given with --crds, with the CRD's message", async () => {
    const f = files(gatewayClass("example.net/a", "old"), gatewayClass("example.net/b", "old"));
    const { code, stdout } = await runCli(["check", "--before", f.before, "--after", f.after, "--crds", join(f.dir, "crds.yaml"), "--format", "json"]);
    assert.equal(code, 1);
    const finding = (JSON.parse(stdout) as Report).resources[0]?.findings[0];
    assert.equal(finding?.class, "declared");
    assert.equal(finding?.severity, "blocking");
    assert.equal(finding?.path, "spec.controllerName");
    assert.equal(finding?.message, "Value is immutable");
  });

  it("reads CRDs found among the manifests", async () => {
    const f = files(`${CRD}\n---\n${gatewayClass("example.net/a", "old")}`, `${CRD}\n---\n${gatewayClass("example.net/b", "old")}`);
    const { code } = await runCli(["check", "--before", f.before, "--after", f.after, "--format", "json"]);
    assert.equal(code, 1);
  });

  it("allows what the CRD allows, and knows nothing without the CRD", async () => {
    const mutable = files(`${CRD}\n---\n${gatewayClass("example.net/a", "old")}`, `${CRD}\n---\n${gatewayClass("example.net/a", "new")}`);
    assert.equal((await runCli(["check", "--before", mutable.before, "--after", mutable.after])).code, 0);
    const unknown = files(gatewayClass("example.net/a", "old"), gatewayClass("example.net/b", "old"));
    assert.equal((await runCli(["check", "--before", unknown.before, "--after", unknown.after])).code, 0);
  });
});

describe("gitops-guard check evaluates CRD rules with CEL", () => {
  it("refuses an update a transition rule forbids and a creation a validation rule forbids; allows the rest", async () => {
    const dir = join(FIXTURES, "check/crd-rules");
    const { code, stdout } = await runCli([
      "check", "--before", join(dir, "before.yaml"), "--after", join(dir, "after.yaml"),
      "--crds", join(FIXTURES, "crds/widgets.example.io.yaml"), "--format", "json",
    ]);
    assert.equal(code, 1);
    type Resource = { name: string; change: string; findings: { path: string; severity: string; strategy: string; message: string }[] };
    const resources = (JSON.parse(stdout) as { resources: Resource[] }).resources;
    const byName = new Map(resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get("db")?.findings.map((f) => [f.path, f.severity, f.message]), [["spec.region", "blocking", "region is immutable once set"]]);
    assert.equal(byName.get("queue")?.change, "added");
    assert.deepEqual(byName.get("queue")?.findings.map((f) => [f.path, f.severity, f.strategy, f.message]), [["spec", "blocking", "revert", "minReplicas must not exceed maxReplicas"]]);
    assert.deepEqual(byName.get("cache")?.findings ?? [], []);
  });
});
