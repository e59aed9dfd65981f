import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";
import { MARKDOWN_MARKER } from "../../src/core/impact/format-markdown.ts";
import { DEFAULT_SARIF_CATEGORY } from "../../src/cli/check.ts";

const ROOT = packageRoot();

interface ActionStep {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

describe("the GitHub Action and the pre-commit hooks", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    runs: { using: string; steps: ActionStep[] };
    inputs: Record<string, { default?: string }>;
  };

  it("is a composite action that renders both sides, checks, comments, uploads SARIF, and fails last", () => {
    assert.equal(action.runs.using, "composite");
    const names = action.runs.steps.map((s) => s.name ?? s.uses ?? "");
    assert.deepEqual(names.slice(-5), ["Render base and head", "Check", "Post or update the PR comment", "Upload SARIF", "Verdict"]);
    assert.ok(action.runs.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@")));
  });

  it("finds its sticky comment by the marker the Markdown output writes", () => {
    const comment = action.runs.steps.find((s) => s.name === "Post or update the PR comment");
    assert.ok(comment?.run?.includes(`contains("${MARKDOWN_MARKER}")`));
  });

  it("uses check's default SARIF category and passes every flag check knows", () => {
    assert.equal(action.inputs["sarif-category"]?.default, DEFAULT_SARIF_CATEGORY);
    const check = action.runs.steps.find((s) => s.name === "Check")?.run ?? "";
    for (const flag of ["--before", "--after", "--fail-on", "--policy-file", "--format json", "--format markdown", "--format sarif", "--sarif-category"]) {
      assert.ok(check.includes(flag), flag);
    }
  });

  it("runs the image's own binary in the docker pre-commit hook", () => {
    const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as { id: string; entry: string; language: string }[];
    const docker = hooks.find((h) => h.language === "docker");
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const binary = /ENTRYPOINT \[.*"(\/app\/[^"]+)"\]/.exec(dockerfile)?.[1];
    assert.ok(binary);
    assert.equal(docker?.entry, `node ${binary} check`);
  });
});
