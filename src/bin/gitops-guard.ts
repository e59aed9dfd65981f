#!/usr/bin/env node
// The entry point of the gitops-guard binary. It must load on an old Node (18, 20) far enough to
// say which Node it needs: its static imports are only node:*, zod and the two modules below, and
// the commands (whose dependencies fail at import on Node 20) are imported after the check.
import * as nodeModule from "node:module";
import { readPackageInfo } from "../adapters/fs/read-package-info.ts";
import { nodeVersionProblem } from "../core/runtime/node-requirement.ts";

/** Commands that start once and keep running: start-up time is not worth a cache for them. */
const LONG_RUNNING = new Set(["serve", "watch"]);

const info = readPackageInfo();
const problem = nodeVersionProblem(process.versions.node, info.node);
if (problem === undefined) {
  const argv = process.argv.slice(2);
  // V8's compile cache (Node's own, in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it
  // off, and a folder it cannot write only disables it): every later run skips compiling (and,
  // run from the sources, type-stripping) the modules it loads, 0.3-0.7 s of CPU per start-up on
  // the development machine (bench/README.md). For the one-shot commands only: serve and watch
  // start once and run for days. Optional: a Node without it just starts slower.
  if (!LONG_RUNNING.has(argv[0] ?? "")) nodeModule.enableCompileCache?.();
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
