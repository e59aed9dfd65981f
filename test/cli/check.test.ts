import { after, before, describe, it } from "node:test";
import { runCli } from "../support/run-cli.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES } from "../support/load-yaml.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXAMPLES = join(ROOT, "examples", "check");
const SELECTOR = join(FIXTURES, "check", "selector");
const POLICY = join(FIXTURES, "check", "policy");
/** The escape that starts every ANSI colour code. */
const ESC = "\u001b[";

interface RunOptions {
  readonly stdin?: string;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string>;
}

/** Runs `gitops-guard ARGV` in-process with captured streams and a real stdin stream. */
const run = (argv: readonly string[], options: RunOptions = {}): ReturnType<typeof runCli> =>
  runCli(argv, options.stdin, { ...(options.isTTY !== undefined ? { isTTY: options.isTTY } : {}), ...(options.env ? { env: options.env } : {}) });

interface JsonFinding {
  ruleId: string;
  path: string;
  class: string;
  severity: string;
  from?: unknown;
  to?: unknown;
  strategy: string;
  message: string;
}

interface JsonReport {
  version: number;
  summary: Record<string, number>;
  resources: { apiVersion: string; kind: string; namespace: string; name: string; change: string; findings: JsonFinding[] }[];
  risk: string;
}

function parseReport(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

function findingsOf(report: JsonReport, kind: string, name: string): JsonFinding[] {
  const resource = report.resources.find((r) => r.kind === kind && r.name === name);
  assert.ok(resource, `${kind} ${name} not in the report`);
  return resource.findings;
}

describe("check on the example app (examples/check)", () => {
  const argv = ["check", "--before", join(EXAMPLES, "before"), "--after", join(EXAMPLES, "after"), "--format", "json"];

  it("blocks the Deployment selector that kustomize commonLabels rewrote, and exits 1", async () => {
    const { code, stdout, stderr } = await run(argv);
    assert.equal(stderr, "");
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.equal(report.version, 2);
    assert.equal(report.summary["unchanged"], 3, "Namespace, ServiceAccount and ConfigMap of platform.yaml");
    assert.equal(report.summary["added"], 0);
    assert.equal(report.summary["removed"], 0);
    assert.equal(report.summary["modified"], 4);
    const selector = findingsOf(report, "Deployment", "storefront").find((f) => f.ruleId === "apps.Deployment.selector");
    assert.deepEqual(selector && { ...selector, message: "" }, {
      ruleId: "apps.Deployment.selector",
      path: "spec.selector.matchLabels.team",
      class: "immutable",
      severity: "blocking",
      to: "payments",
      strategy: "blue-green",
      message: "",
    });
  });

  // Relies on the batch/v1, core/v1 and risky catalogue files (filled in parallel with check).
  it("also reports the Job image, the PVC shrink and the Service selector", async () => {
    const report = parseReport((await run(argv)).stdout);
    const job = findingsOf(report, "Job", "storefront-db-migrate");
    assert.ok(
      job.some((f) => f.severity === "blocking" && f.path === "spec.template.spec.containers[0].image" && f.to === "ghcr.io/example/storefront-migrations:1.5.0"),
      JSON.stringify(job),
    );
    const claim = findingsOf(report, "PersistentVolumeClaim", "storefront-uploads");
    assert.ok(
      claim.some((f) => f.severity === "blocking" && f.path === "spec.resources.requests.storage" && f.from === "10Gi" && f.to === "5Gi"),
      JSON.stringify(claim),
    );
    const service = findingsOf(report, "Service", "storefront");
    assert.ok(service.some((f) => f.class === "risky" && f.path === "spec.selector.team"), JSON.stringify(service));
    assert.equal(report.risk, "critical", "a claim that cannot take the change in place puts its data at risk");
  });
});

describe("check exit codes and output", () => {
  it("exits 0 with nothing blocking and prints text without colour off a terminal", async () => {
    const { code, stdout } = await run(["check", "--before", join(SELECTOR, "before.yaml"), "--after", join(SELECTOR, "after-image-only.yaml")]);
    assert.equal(code, 0);
    assert.ok(stdout.startsWith("modified  Deployment web/api (apps/v1)"), stdout);
    assert.match(stdout, /\nnothing blocking\n$/);
    assert.equal(stdout.includes(ESC), false);
  });

  it("colours text on a terminal unless NO_COLOR is set", async () => {
    const argv = ["check", "--before", join(SELECTOR, "before.yaml"), "--after", join(SELECTOR, "after.yaml")];
    assert.equal((await run(argv, { isTTY: true })).stdout.includes(ESC), true);
    assert.equal((await run(argv, { isTTY: true, env: { NO_COLOR: "1" } })).stdout.includes(ESC), false);
  });

  it("reads - from standard input", async () => {
    const stdin = readFileSync(join(SELECTOR, "before.yaml"), "utf8");
    const { code, stdout } = await run(["check", "--before", "-", "--after", join(SELECTOR, "after.yaml"), "--format", "json"], { stdin });
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.equal(report.summary["blocking"], 1);
    assert.equal(report.summary["unchanged"], 1);
  });

  it("exits 2 when both sides would read standard input", async () => {
    const { code, stdout, stderr } = await run(["check", "--before", "-", "--after", "-"]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /ERR_USAGE: --before and --after cannot both read standard input/);
  });

  it("exits 2 on a missing option or an unknown format", async () => {
    const missing = await run(["check", "--before", join(SELECTOR, "before.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--after/);
    const format = await run(["check", "--before", join(SELECTOR, "before.yaml"), "--after", join(SELECTOR, "after.yaml"), "--format", "xml"]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /xml/);
  });

  it("exits 2 on a bad document, naming the file and the document, and prints no report", async () => {
    const bad = join(FIXTURES, "check", "invalid", "missing-name.yaml");
    const { code, stdout, stderr } = await run(["check", "--before", join(SELECTOR, "before.yaml"), "--after", bad, "--format", "json"]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(stderr, `gitops-guard: ERR_MANIFEST_INVALID: ${bad} document 3 (1-based, line 11): not a Kubernetes object: metadata.name is missing\n`);
  });

  it("exits 2 when one side defines an object twice, naming both documents", async () => {
    const dup = join(FIXTURES, "check", "invalid", "duplicate-identity.yaml");
    const { code, stdout, stderr } = await run(["check", "--before", dup, "--after", join(SELECTOR, "after.yaml")]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      `gitops-guard: ERR_MANIFEST_DUPLICATE: the before set defines Deployment default/api (apps) more than once: ` +
        `${dup} document 1 (1-based, line 1), ${dup} document 2 (1-based, line 7)\n`,
    );
  });

  it("exits 2 when a path cannot be read", async () => {
    const { code, stderr } = await run(["check", "--before", join(SELECTOR, "nope.yaml"), "--after", join(SELECTOR, "after.yaml")]);
    assert.equal(code, 2);
    assert.match(stderr, /ERR_INPUT_UNREADABLE: cannot read .*nope\.yaml: ENOENT/);
  });
});

describe("check --policy-file", () => {
  const sides = ["--before", join(POLICY, "before.yaml"), "--after", join(POLICY, "after.yaml"), "--format", "json"];

  it("adds the policy's custom rules to the catalogue", async () => {
    const without = await run(["check", ...sides]);
    assert.equal(without.code, 0);
    const withPolicy = await run(["check", ...sides, "--policy-file", join(POLICY, "policy.yaml")]);
    assert.equal(withPolicy.code, 1);
    const findings = findingsOf(parseReport(withPolicy.stdout), "ConfigMap", "shop-settings");
    assert.deepEqual(findings, [
      {
        ruleId: "shop.settings-region",
        path: "data.REGION",
        class: "declared",
        severity: "blocking",
        from: "eu-west-1",
        to: "eu-central-1",
        strategy: "recreate",
        message: "the region is read once at start-up by every shop service; roll them all with a new ConfigMap name instead",
      },
    ]);
  });

  it("exits 2 on an invalid policy or a custom rule that reuses a built-in id", async () => {
    const invalid = await run(["check", ...sides, "--policy-file", join(POLICY, "invalid-policy.yaml")]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /ERR_POLICY_INVALID: .*customRules\[0\]\.class/s);
    const clash = await run(["check", ...sides, "--policy-file", join(POLICY, "clashing-policy.yaml")]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /ERR_POLICY_INVALID: .*customRules\[0\]\.id: apps\.Deployment\.selector is the id of a built-in rule/s);
  });
});

describe("check through a real pipe", () => {
  const DEPLOYMENTS = 200;
  const LABELS = 100;
  let folder = "";

  function deployments(value: string): string {
    const docs: string[] = [];
    for (let d = 0; d < DEPLOYMENTS; d++) {
      const labels = Array.from({ length: LABELS }, (_, l) => `label-${l}: ${value}`);
      docs.push(
        [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata:",
          `  name: app-${d}`,
          "  namespace: bulk",
          "spec:",
          "  selector:",
          "    matchLabels:",
          ...labels.map((l) => `      ${l}`),
          "  template:",
          "    metadata:",
          "      labels:",
          ...labels.map((l) => `        ${l}`),
          "    spec:",
          "      containers:",
          "      - name: app",
          "        image: registry.example.com/app:1.0.0",
        ].join("\n"),
      );
    }
    return `${docs.join("\n---\n")}\n`;
  }

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "gitops-guard-check-pipe-"));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "before.yaml"), deployments("a"));
    await writeFile(join(folder, "after.yaml"), deployments("b"));
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("delivers a report of 20,000 blocking findings whole before the process exits", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "src", "bin", "gitops-guard.ts"), "check", "--before", join(folder, "before.yaml"), "--after", join(folder, "after.yaml"), "--format", "json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const bytes = Buffer.concat(out);
    assert.equal(err, "");
    assert.equal(code, 1);
    // Far more than a pipe buffer (64 KiB on Linux): the report only arrives whole if stdout drained.
    assert.ok(bytes.length > 1_000_000, `${bytes.length} bytes`);
    const report = JSON.parse(bytes.toString("utf8")) as JsonReport;
    const selectorFindings = report.resources.flatMap((r) => r.findings).filter((f) => f.ruleId === "apps.Deployment.selector");
    assert.equal(selectorFindings.length, DEPLOYMENTS * LABELS);
    assert.equal(report.summary["blocking"], DEPLOYMENTS * LABELS);
  });
});
