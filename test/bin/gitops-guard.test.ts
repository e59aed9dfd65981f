import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";
import { parseNodeVersion } from "../../src/core/runtime/node-requirement.ts";

const ROOT = packageRoot();
const ENTRY = join(ROOT, "src", "bin", "gitops-guard.ts");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; engines: { node: string } };

/** The entry point and the modules it loads before the Node check; nothing else. */
const BEFORE_CHECK = ["src/bin/gitops-guard.ts", "src/adapters/fs/read-package-info.ts", "src/adapters/fs/package-root.ts", "src/core/runtime/node-requirement.ts"];

/**
 * A package holding only the modules the entry loads before the check, compiled to JavaScript the
 * way `tsc` builds dist/ (so an old Node, which cannot strip types, can run them), with the given
 * package.json. The commands are absent: if the entry imported them before the check, it would
 * fail with ERR_MODULE_NOT_FOUND instead of answering.
 */
function entryOnlyPackage(packageJson: object): string {
  const dir = mkdtempSync(join(tmpdir(), "gg-entry-"));
  for (const file of BEFORE_CHECK) {
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: true },
    });
    const out = join(dir, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", ...packageJson }));
  mkdirSync(join(dir, "policy"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return join(dir, "src", "bin", "gitops-guard.js");
}

function nodeVersionOf(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}

describe("the gitops-guard binary", () => {
  it("prints package.json's version for --version and -V, exit 0", () => {
    for (const flag of ["--version", "-V"]) {
      const run = spawnSync(process.execPath, [ENTRY, flag], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${PACKAGE.version}\n`);
    }
  });

  it("on a Node older than engines.node says which Node it needs and how to get it, exit 2, before loading any command", () => {
    const entry = entryOnlyPackage({ version: "9.9.9", engines: { node: ">=99.1" }, devDependencies: { node: "^99.1.0" } });
    const run = spawnSync(process.execPath, [entry, "check", "--before", "a", "--after", "b"], { encoding: "utf8" });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, new RegExp(`^gitops-guard: ERR_USAGE: gitops-guard needs Node\\.js 99\\.1\\.0 or newer; this is Node\\.js ${process.versions.node.replaceAll(".", "\\.")}\\.\n`));
    assert.match(run.stderr, /pins node@99\.1\.0 in devDependencies/);
    assert.match(run.stderr, /`make run`, `npx gitops-guard …`, or `export PATH=\$PWD\/node_modules\/\.bin:\$PATH`/);
    assert.match(run.stderr, /install Node\.js 99 \(https:\/\/nodejs\.org/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  });

  it("passes the check on a Node that meets engines.node (then needs the commands: absent here)", () => {
    const entry = entryOnlyPackage({ version: "9.9.9", engines: { node: ">=1" }, devDependencies: { node: "^1.0.0" } });
    const run = spawnSync(process.execPath, [entry, "--version"], { encoding: "utf8" });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /ERR_MODULE_NOT_FOUND[\s\S]*cli\/main\.js/);
  });

  it("run by the machine's own Node (/usr/bin/node, /usr/local/bin/node), answers by that Node's version", () => {
    const minimum = parseNodeVersion(PACKAGE.engines.node.replace(/^>=/, ""))!;
    const machine = ["/usr/bin/node", "/usr/local/bin/node"].filter((path) => existsSync(path));
    const entry = entryOnlyPackage(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as object);
    for (const binary of [process.execPath, ...machine]) {
      const version = nodeVersionOf(binary);
      const older = parseNodeVersion(version)![0] < minimum[0];
      const run = spawnSync(binary, [entry, "--version"], { encoding: "utf8" });
      if (older) {
        assert.equal(run.status, 2, `${binary} ${version}: ${run.stderr}`);
        assert.match(run.stderr, new RegExp(`needs Node\\.js ${minimum.join("\\.")} or newer; this is Node\\.js ${version.slice(1).replaceAll(".", "\\.")}\\.`));
      } else {
        // A Node that meets the requirement goes on to load the commands (absent in this package).
        assert.match(run.stderr, /ERR_MODULE_NOT_FOUND/, `${binary} ${version}`);
      }
    }
  });
});
