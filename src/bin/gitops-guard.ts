#!/usr/bin/env node
import { main } from "../cli/main.ts";
import { COMMANDS } from "../cli/commands.ts";

// The entry point: the only place where concrete things are wired together.
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  onSignal: (signal, handler) => void process.once(signal, handler),
}, COMMANDS);
process.exitCode = code;
