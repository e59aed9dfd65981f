import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";

/** Every documented or scripted `kubectl … create secret` command, with its continuation lines joined. */
function secretCommands(): { file: string; command: string }[] {
  const root = packageRoot();
  const files = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true }).map((f) => join("docs", String(f))).filter((f) => f.endsWith(".md")), ...readdirSync(join(root, "scripts")).map((f) => join("scripts", f))];
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), "utf8").replace(/\\\n\s*/g, " ");
    return text.split("\n").filter((line) => /create secret/.test(line)).map((command) => ({ file, command }));
  });
}

describe("the install steps", () => {
  it("never put the CA's private key into the Secret the pods mount: files are named one by one, ca.key never", () => {
    const commands = secretCommands();
    assert.ok(commands.length >= 2, "the README and docs/install.md show the command");
    for (const { file, command } of commands) {
      assert.doesNotMatch(command, /--from-file=\S*ca\.key/, `${file}: ${command}`);
      for (const source of command.matchAll(/--from-file=(\S+)/g)) assert.match(source[1]!, /\.(crt|key)$/, `${file}: a whole folder (${source[1]}) takes ca.key with it`);
    }
  });
});
