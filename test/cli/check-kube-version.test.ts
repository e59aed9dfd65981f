import { describe, it } from "node:test";
import { runCli } from "../support/run-cli.ts";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../support/load-yaml.ts";

/**
 * `check --kube-version` and the policy's `kubernetes` section: the same manifests get the verdict
 * of the release asked for (test/fixtures/check/kube-version: a CSINode allocatable change, free
 * from v1.35; a Job suspended again after running that gains a nodeSelector, free from v1.36; a
 * running Job whose cpu request goes from 8 to 4, refused everywhere).
 */
const DIR = join(FIXTURES, "check", "kube-version");
const BEFORE = join(DIR, "before.yaml");
const AFTER = join(DIR, "after.yaml");

const run = (argv: readonly string[]): ReturnType<typeof runCli> => runCli(argv);

interface Report {
  resources: { kind: string; name: string; findings: { ruleId: string; severity: string; from?: unknown; to?: unknown; message: string; judgedUnder?: { kubernetesVersion: string; featureGates?: Record<string, boolean> } }[] }[];
  kubernetes: { version: string; source: string; featureGates: Record<string, boolean>; notes: string[] };
}

async function report(...extra: string[]): Promise<Report> {
  const result = await run(["check", "--before", BEFORE, "--after", AFTER, "--format", "json", ...extra]);
  assert.equal(result.code, 1, result.stderr);
  return JSON.parse(result.stdout) as Report;
}

function blockingKinds(r: Report): string[] {
  return r.resources.filter((res) => res.findings.some((f) => f.severity === "blocking")).map((res) => `${res.kind}/${res.name}`);
}

async function policyFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gg-kube-version-"));
  const file = join(dir, "policy.yaml");
  await writeFile(file, `apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\n${text}`);
  return file;
}

describe("check --kube-version", () => {
  it("gives each release its own verdict: 1.33 refuses all three, 1.35 frees the CSINode, 1.37 the suspended Job too", async () => {
    assert.deepEqual(blockingKinds(await report("--kube-version", "1.33")), ["CSINode/ip-10-0-12-34.eu-west-1.compute.internal", "Job/db-migrate", "Job/report"]);
    assert.deepEqual(blockingKinds(await report("--kube-version", "1.35")), ["Job/db-migrate", "Job/report"]);
    assert.deepEqual(blockingKinds(await report("--kube-version", "v1.37.2")), ["Job/report"]);
  });

  it("defaults to the newest release the catalogue knows, and says so in JSON and text", async () => {
    const json = await report();
    assert.deepEqual(json.kubernetes, { version: "1.37", source: "default", featureGates: {}, notes: [] });
    const text = await run(["check", "--before", BEFORE, "--after", AFTER]);
    assert.match(text.stdout, /judged against Kubernetes 1\.37 \(the newest release the catalogue knows/);
    const flagged = await run(["check", "--before", BEFORE, "--after", AFTER, "--kube-version", "1.34"]);
    assert.match(flagged.stdout, /judged against Kubernetes 1\.34 \(--kube-version\)/);
  });

  it("names the release and gates a version-dependent finding was judged under", async () => {
    const json = await report("--kube-version", "1.33");
    const csinode = json.resources.find((r) => r.kind === "CSINode")?.findings[0];
    assert.deepEqual(csinode?.judgedUnder, { kubernetesVersion: "1.33", featureGates: { MutableCSINodeAllocatableCount: false } });
  });

  it("shows quantities as the manifest wrote them (8 → 4), never the canonical 8e-0", async () => {
    const json = await report("--kube-version", "1.37");
    const finding = json.resources.find((r) => r.name === "report")?.findings[0];
    assert.deepEqual([finding?.from, finding?.to], [8, 4]);
    const text = await run(["check", "--before", BEFORE, "--after", AFTER, "--kube-version", "1.33"]);
    assert.doesNotMatch(text.stdout, /\d+e-\d+/);
  });

  it("refuses a release the catalogue does not know, naming the flag (exit 2)", async () => {
    const result = await run(["check", "--before", BEFORE, "--after", AFTER, "--kube-version", "1.29"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--kube-version: a Kubernetes release the catalogue knows: 1\.33, 1\.34, 1\.35, 1\.36, 1\.37/);
  });
});

describe("check with the policy's kubernetes section", () => {
  it("takes kubernetes.version when no flag is given, and the flag over it", async () => {
    const policy = await policyFile("kubernetes:\n  version: '1.34'\n");
    const fromPolicy = await report("--policy-file", policy);
    assert.equal(fromPolicy.kubernetes.version, "1.34");
    assert.equal(fromPolicy.kubernetes.source, "policy");
    const fromFlag = await report("--policy-file", policy, "--kube-version", "1.36");
    assert.deepEqual([fromFlag.kubernetes.version, fromFlag.kubernetes.source], ["1.36", "flag"]);
  });

  it("applies kubernetes.featureGates: a managed 1.37 cluster with the suspended-Job gate off refuses again", async () => {
    const policy = await policyFile("kubernetes:\n  featureGates:\n    MutableSchedulingDirectivesForSuspendedJobs: false\n");
    const json = await report("--policy-file", policy);
    assert.deepEqual(json.kubernetes.featureGates, { MutableSchedulingDirectivesForSuspendedJobs: false });
    assert.deepEqual(blockingKinds(json), ["Job/db-migrate", "Job/report"]);
  });

  it("ignores, and notes, a gate locked in the release", async () => {
    const policy = await policyFile("kubernetes:\n  featureGates:\n    MutableCSINodeAllocatableCount: false\n");
    const json = await report("--policy-file", policy);
    assert.deepEqual(json.kubernetes.featureGates, {});
    assert.match(json.kubernetes.notes.join("\n"), /MutableCSINodeAllocatableCount is GA and locked to true in Kubernetes 1\.37/);
    assert.deepEqual(blockingKinds(json), ["Job/report"]);
  });

  it("refuses an unknown feature gate and an unknown release (exit 2, the key named)", async () => {
    for (const text of ["kubernetes:\n  featureGates:\n    MutablePVNodeAfinity: true\n", "kubernetes:\n  featureGates:\n    __proto__: true\n", "kubernetes:\n  version: '2.1'\n"]) {
      const result = await run(["check", "--before", BEFORE, "--after", AFTER, "--policy-file", await policyFile(text)]);
      assert.equal(result.code, 2, `${text}: ${result.stdout}`);
      assert.match(result.stderr, /kubernetes\.(featureGates|version)/);
    }
  });
});
