import type { RegisterCommand } from "./main.ts";

/**
 * Commands whose module (and dependencies) is imported alone when the command line names them:
 * `check` needs neither fastify, pino, prom-client nor client-node, and importing every command
 * eagerly cost about 1 s of CPU per run (`gitops-guard --version`: 1.8-1.9 s user+sys against
 * the check-only entry's start-up, bench/README.md "check on 5,000 objects").
 */
const ALONE: ReadonlyMap<string, () => Promise<RegisterCommand>> = new Map([["check", async () => (await import("./check.ts")).registerCheck]]);

/**
 * The commands to register for this command line: the named command alone when it is one of
 * ALONE, every command otherwise (top-level help, --version, another or an unknown command).
 */
export async function commandsFor(argv: readonly string[]): Promise<readonly RegisterCommand[]> {
  const load = argv[0] === undefined ? undefined : ALONE.get(argv[0]);
  if (load) return [await load()];
  return (await import("./commands.ts")).COMMANDS;
}
