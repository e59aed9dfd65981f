import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { AppError } from "../errors.ts";
import { parsePolicyText } from "../adapters/fs/read-policy-file.ts";
import { readStream } from "../adapters/fs/read-stream.ts";
import type { RegisterCommand } from "./main.ts";
import { writeAll, type CommandIO } from "./io.ts";

async function readInput(file: string, io: CommandIO): Promise<string> {
  if (file === "-") return readStream(io.stdin);
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * `gitops-guard policy validate FILE`: the policy YAML or a whole ConfigMap manifest; every error
 * is reported with its path. Exit 0 when valid, 2 otherwise.
 */
export const registerPolicyValidate: RegisterCommand = (program: Command, io: CommandIO, setExitCode) => {
  const policy = program.command("policy").description("work with gitops-guard policies");
  policy
    .command("validate")
    .description("check a policy file (or a ConfigMap manifest holding policy.yaml) before it is applied")
    .argument("<file>", "policy YAML, a ConfigMap manifest, or - for standard input")
    .action(async (file: string) => {
      const result = parsePolicyText(await readInput(file, io));
      if (result.ok) {
        await writeAll(io.stdout, `${file}: valid (mode ${result.value.policy.mode}, version ${result.value.contentHash})\n`);
        setExitCode(0);
        return;
      }
      const lines = result.issues.map((issue) => `${file}: ${issue.path || "(root)"}: ${issue.message}`);
      await writeAll(io.stderr, `${lines.join("\n")}\n${file}: invalid policy (${result.issues.length} error${result.issues.length === 1 ? "" : "s"})\n`);
      setExitCode(2);
    });
};
