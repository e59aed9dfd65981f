import { describe, it, before, after } from "node:test";
import { runCli } from "../support/run-cli.ts";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MARKDOWN_MARKER } from "../../src/core/impact/format-markdown.ts";
import { FIXTURES } from "../support/load-yaml.ts";

const CASCADE = join(FIXTURES, "check", "cascade");

const run = (argv: readonly string[]): ReturnType<typeof runCli> => runCli(argv);

const base = ["check", "--before", join(CASCADE, "before.yaml"), "--after", join(CASCADE, "after.yaml")];

describe("check for pull requests (cascade fixture)", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gitops-guard-check-pr-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--fail-on sets the threshold: high and below fail, critical passes", async () => {
    assert.equal((await run([...base, "--format", "json", "--fail-on", "high"])).code, 1);
    assert.equal((await run([...base, "--format", "json", "--fail-on", "critical"])).code, 0);
    const usage = await run([...base, "--fail-on", "severe"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Allowed choices are low, medium, high, critical/);
  });

  it("passes --fail-on high once every high object declares its safeguards done", async () => {
    const text = (await readFile(join(CASCADE, "after.yaml"), "utf8"))
      .replace("  name: api\n  namespace: web\nspec:\n  replicas: 3", "  name: api\n  namespace: web\n  annotations:\n    gitops-guard.io/safeguards: approval,maintenance-window\nspec:\n  replicas: 3")
      .replace("kind: RoleBinding\nmetadata:\n", "kind: RoleBinding\nmetadata:\n  annotations:\n    gitops-guard.io/safeguards: approval, staged-rollout\n");
    await writeFile(join(dir, "after.yaml"), text);
    // The removed ConfigMap is declared on the before side (where it still is).
    const beforeText = (await readFile(join(CASCADE, "before.yaml"), "utf8")).replace(
      "  name: legacy\n  namespace: web\n",
      "  name: legacy\n  namespace: web\n  annotations:\n    gitops-guard.io/safeguards: approval\n",
    );
    await writeFile(join(dir, "before.yaml"), beforeText);
    const argv = ["check", "--before", join(dir, "before.yaml"), "--after", join(dir, "after.yaml"), "--format", "json", "--fail-on", "high"];
    const { code, stdout } = await run(argv);
    const report = JSON.parse(stdout) as { summary: { safeguardsMissing: number; risk: string } };
    assert.equal(report.summary.risk, "high");
    assert.equal(report.summary.safeguardsMissing, 0);
    assert.equal(code, 0);
    // A policy that requires one more safeguard at high makes it fail again.
    const policy = join(dir, "policy.yaml");
    await writeFile(policy, "apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\ncheck:\n  safeguards:\n    required:\n      high: [backup]\n");
    const strict = await run([...argv, "--policy-file", policy]);
    assert.equal(strict.code, 1);
    assert.equal((JSON.parse(strict.stdout) as { summary: { safeguardsMissing: number } }).summary.safeguardsMissing, 3);
  });

  it("writes SARIF whose results sit on the changed line of the real file", async () => {
    const { code, stdout } = await run([...base, "--format", "sarif", "--sarif-category", "gitops-guard/check/web/"]);
    assert.equal(code, 1);
    const log = JSON.parse(stdout) as { runs: { automationDetails: { id: string }; results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    const run0 = log.runs[0]!;
    assert.equal(run0.automationDetails.id, "gitops-guard/check/web/");
    const lines = (await readFile(join(CASCADE, "after.yaml"), "utf8")).split("\n");
    const selector = run0.results.find((r) => r.ruleId === "apps.Deployment.selector");
    const line = selector?.locations[0]?.physicalLocation.region.startLine ?? 0;
    assert.equal(lines[line - 1], "      tier: frontend", `line ${line}`);
    assert.equal(lines[line - 3], "    matchLabels:");
  });

  it("writes one Markdown comment with the marker", async () => {
    const { code, stdout } = await run([...base, "--format", "markdown"]);
    assert.equal(code, 1);
    assert.ok(stdout.startsWith(MARKDOWN_MARKER));
    assert.match(stdout, /after\.yaml:20`/);
  });
});

describe("check on the cascade example (examples/check-cascade: a commonLabels change)", () => {
  const example = join(FIXTURES, "..", "..", "examples", "check-cascade");
  const argv = ["check", "--before", join(example, "before"), "--after", join(example, "after")];

  it("reports the Deployment's Service, PDB, HPA and the other team's NetworkPolicy peer and ServiceMonitor", async () => {
    const { code, stdout } = await run([...argv, "--format", "json"]);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as { resources: { kind: string; name: string; cascade: { kind: string; name: string; effect: string }[] }[] };
    const cascadeOf = (kind: string): string[] =>
      (report.resources.find((r) => r.kind === kind)?.cascade ?? []).map((e) => `${e.kind}/${e.name} ${e.effect}`).sort();
    assert.deepEqual(cascadeOf("Deployment"), [
      "HorizontalPodAutoscaler/storefront recreated-target",
      "NetworkPolicy/allow-shop-to-payments dangling",
      "PodDisruptionBudget/storefront recreated-target",
      "Service/storefront recreated-target",
    ]);
    assert.deepEqual(cascadeOf("Service"), ["ServiceMonitor/shop dangling"]);
  });

  it("writes SARIF that the SARIF 2.1.0 schema accepts, and a Markdown comment", async () => {
    const AjvModule = (await import("ajv-draft-04")).default;
    const schema = JSON.parse(await readFile(join(FIXTURES, "check", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8")) as object;
    const validate = new AjvModule.default({ strict: false, unicodeRegExp: false }).compile(schema);
    const sarif = await run([...argv, "--format", "sarif"]);
    assert.ok(validate(JSON.parse(sarif.stdout)), JSON.stringify(validate.errors?.slice(0, 3)));
    const md = await run([...argv, "--format", "markdown"]);
    assert.match(md.stdout, /after\/shop\.yaml:1[0-9]`/);
    assert.match(md.stdout, /\*\*dangling\*\* NetworkPolicy payments\/allow-shop-to-payments/);
  });
});

describe("check never aborts on a CustomResourceDefinition it cannot read", () => {
  it("reports a legacy v1beta1 CRD as findings and still judges the rest (exit 1 for the removed API, never 2)", async () => {
    const dir = join(FIXTURES, "check", "legacy-crd");
    const { code, stdout, stderr } = await run(["check", "--before", join(dir, "before.yaml"), "--after", join(dir, "after.yaml"), "--format", "json"]);
    assert.equal(stderr, "");
    // apiextensions.k8s.io/v1beta1 is not served since Kubernetes 1.22: the apply fails (issue 16 item 6).
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as { resources: { kind: string; findings: { ruleId: string; path: string; to?: string; message: string }[]; notes: string[] }[] };
    const crd = report.resources.find((r) => r.kind === "CustomResourceDefinition");
    assert.deepEqual(crd?.findings.map((f) => [f.ruleId, f.path]), [["api.removed", "apiVersion"], ["crd.not-interpreted", "spec"]]);
    assert.equal(crd?.findings[0]?.to, "apiextensions.k8s.io/v1");
    assert.match(crd?.findings[1]?.message ?? "", /spec\.versions/);
    const widget = report.resources.find((r) => r.kind === "Widget");
    assert.match(widget?.notes.join("\n") ?? "", /CustomResourceDefinition widgets\.example\.com could not be read/);
  });
});
