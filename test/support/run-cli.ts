import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.ts";
import { COMMANDS } from "../../src/cli/commands.ts";

/** Runs the CLI in-process with captured stdout/stderr (and optional stdin text). */
export async function runCli(argv: readonly string[], stdinText = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: Readable.from([stdinText]),
    isTTY: false,
    env: {},
    onSignal: () => undefined,
  }, COMMANDS);
  return { code, stdout: out, stderr: err };
}
