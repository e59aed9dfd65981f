import { Command, CommanderError } from "commander";
import { AppError, exitCodeOf } from "../errors.ts";
import type { CommandIO } from "./io.ts";
import { writeAll } from "./io.ts";

/**
 * A command registers itself on the program and returns the exit code through `setExitCode`.
 * Registration is explicit (one line per command below), never by folder discovery.
 */
export type RegisterCommand = (program: Command, io: CommandIO, setExitCode: (code: number) => void) => void;

/**
 * Parses argv, runs the command, maps errors to exit codes (errors.ts). Never calls process.exit.
 * `version` (package.json's, read by the entry point) answers `--version`.
 */
export async function main(argv: readonly string[], io: CommandIO, commands: readonly RegisterCommand[], version?: string): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("gitops-guard")
    .description("Keeps GitOps reconciliations from getting stuck on Kubernetes immutable fields.")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  if (version !== undefined) program.version(version, "-V, --version", "print the version");
  for (const register of commands) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse failure is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    const message = err instanceof AppError ? `${err.code}: ${err.message}` : `ERR_INTERNAL: ${String((err as Error)?.stack ?? err)}`;
    await writeAll(io.stderr, `gitops-guard: ${message}\n`);
    return exitCodeOf(err);
  }
}
