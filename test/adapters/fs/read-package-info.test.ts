import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../../src/adapters/fs/package-root.ts";
import { readPackageInfo } from "../../../src/adapters/fs/read-package-info.ts";
import { parseNodeVersion } from "../../../src/core/runtime/node-requirement.ts";

function packageDir(json: object): string {
  const dir = mkdtempSync(join(tmpdir(), "gg-package-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify(json));
  return dir;
}

describe("readPackageInfo", () => {
  it("reads this package's version, engines.node minimum and pinned node", () => {
    const raw = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string; engines: { node: string }; devDependencies: { node: string } };
    const info = readPackageInfo();
    assert.equal(info.version, raw.version);
    assert.deepEqual(info.node.minimum, parseNodeVersion(raw.engines.node.replace(/^>=/, "")));
    assert.equal(info.node.pinned, raw.devDependencies.node.replace(/^\^/, ""));
  });

  it("refuses an engines.node it cannot compare, naming the key", () => {
    const dir = packageDir({ version: "1.0.0", engines: { node: "^24 || ^26" }, devDependencies: { node: "^26.0.0" } });
    assert.throws(() => readPackageInfo(dir), /engines\.node as >=N/);
  });

  it("refuses a package.json without a version", () => {
    const dir = packageDir({ engines: { node: ">=24" }, devDependencies: { node: "^26.0.0" } });
    assert.throws(() => readPackageInfo(dir), /version/);
  });
});
