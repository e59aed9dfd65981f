import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { parsePolicyText } from "../adapters/fs/read-policy-file.ts";
import { readLines, type ReadCounters } from "../adapters/audit/read-lines.ts";
import { MAX_LINE_BYTES } from "../adapters/audit/read-audit-input.ts";
import { DEFAULT_NAMESPACE } from "../adapters/tls/service-hosts.ts";
import { parseAuditLine } from "../core/audit/parse-audit-line.ts";
import type { LoadedPolicy } from "../core/policy/parse-policy.ts";
import { createPolicyDiff, type PolicyDiff } from "../core/policy-diff/policy-diff.ts";
import { formatPolicyDiffText } from "../core/policy-diff/format-policy-diff.ts";
import { writeAll, type CommandIO } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

const DiffOptions = z.object({
  records: z.array(z.string().min(1)).min(1, "name at least one file of decision records"),
  format: z.enum(["text", "json"]).default("text"),
  namespace: z.string().min(1).default(DEFAULT_NAMESPACE),
  exitCode: z.boolean().default(false),
});

async function readPolicy(file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const result = parsePolicyText(text);
  if (!result.ok) throw new AppError("ERR_POLICY_INVALID", `${file}: ${result.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
  return result.value;
}

/** Streams one records file into the diff (one line held at a time); returns the count of lines that were not decision records. */
async function replayFile(path: string, diff: PolicyDiff, io: CommandIO): Promise<number> {
  const source = path === "-" ? io.stdin : createReadStream(path, { highWaterMark: 1024 * 1024 });
  const counters: ReadCounters = { bytes: 0, compressed: false };
  let skipped = 0;
  try {
    for await (const line of readLines(source, MAX_LINE_BYTES, counters)) {
      const parsed = "text" in line ? parseAuditLine(line.text) : undefined;
      if (parsed?.type === "decision") diff.add(parsed.record);
      else if (parsed?.type !== "blank" && parsed?.type !== "watch") skipped++;
    }
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  return skipped;
}

/**
 * `gitops-guard policy diff OLD NEW --records FILE`: replays recorded decisions through both
 * policy versions and lists every decision that would change, so a policy change is judged on
 * real traffic before it is applied (docs/policy-rollout.md).
 */
export const registerPolicyDiff: RegisterCommand = (program, io, setExitCode) => {
  const policy = program.commands.find((c) => c.name() === "policy") ?? program.command("policy").description("work with gitops-guard policies");
  policy
    .command("diff")
    .description("replay recorded decisions through two policy versions and list every decision that changes")
    .argument("<old>", "the policy in force (policy YAML or a ConfigMap manifest)")
    .argument("<new>", "the policy to roll out")
    .option("--records <files...>", "decision records (JSON lines, as serve writes them; gzip read as is; - for standard input)")
    .option("--format <format>", "text or json", "text")
    .option("--namespace <ns>", "the namespace gitops-guard runs in (always exempt)", DEFAULT_NAMESPACE)
    .option("--exit-code", "exit 1 when any decision changes (for CI)")
    .action(async (oldFile: string, newFile: string, raw: unknown) => {
      const parsed = DiffOptions.safeParse(raw);
      if (!parsed.success) throw new AppError("ERR_USAGE", `policy diff: ${parsed.error.issues.map((i) => `--${String(i.path[0] ?? "records")}: ${i.message}`).join("; ")}`);
      const options = parsed.data;
      const [before, after] = await Promise.all([readPolicy(oldFile), readPolicy(newFile)]);
      const diff = createPolicyDiff(before.policy, after.policy, options.namespace);
      let skipped = 0;
      for (const file of options.records) skipped += await replayFile(file, diff, io);
      const report = diff.report();
      const sides = { old: `${oldFile}@${before.contentHash}`, new: `${newFile}@${after.contentHash}`, records: options.records };
      await writeAll(io.stdout, options.format === "json" ? `${JSON.stringify({ schema: 1, ...sides, ...report }, null, 2)}\n` : formatPolicyDiffText(report, sides));
      if (skipped > 0) await writeAll(io.stderr, `gitops-guard policy diff: ${skipped} line(s) were not decision records and were skipped\n`);
      setExitCode(options.exitCode && report.changed > 0 ? 1 : 0);
    });
};
