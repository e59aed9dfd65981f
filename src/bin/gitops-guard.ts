#!/usr/bin/env node
// The entry point of the gitops-guard binary. It must load on an old Node (18, 20) far enough to
// say which Node it needs: its static imports are only node:*, zod and the two modules below, and
// the commands (whose dependencies fail at import on Node 20) are imported after the check.
import { readPackageInfo } from "../adapters/fs/read-package-info.ts";
import { nodeVersionProblem } from "../core/runtime/node-requirement.ts";

const info = readPackageInfo();
const problem = nodeVersionProblem(process.versions.node, info.node);
if (problem === undefined) {
  const argv = process.argv.slice(2);
  const [{ main }, { commandsFor }] = await Promise.all([import("../cli/main.ts"), import("../cli/command-loader.ts")]);
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    onSignal: (signal, handler) => void process.once(signal, handler),
  }, await commandsFor(argv), info.version);
} else {
  // ERR_USAGE (exit 2): started the wrong way, nothing ran.
  process.stderr.write(`gitops-guard: ERR_USAGE: ${problem}\n`);
  process.exitCode = 2;
}
