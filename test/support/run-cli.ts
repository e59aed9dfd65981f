import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.ts";
import { COMMANDS } from "../../src/cli/commands.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How the in-process CLI sees its terminal and environment. */
export interface CliRunOptions {
  readonly isTTY?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `gitops-guard ARGV` in-process with captured streams; stdin is the given bytes (or empty). */
export async function runCli(argv: readonly string[], stdin?: string | Buffer, options: CliRunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main(
    argv,
    {
      stdout,
      stderr,
      stdin: Readable.from(stdin === undefined ? [] : [typeof stdin === "string" ? Buffer.from(stdin) : stdin]),
      isTTY: options.isTTY ?? false,
      env: options.env ?? {},
      onSignal: () => undefined,
    },
    COMMANDS,
  );
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
