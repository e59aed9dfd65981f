import { Option } from "commander";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { goDurationSeconds } from "../core/assess/go-duration.ts";
import { parseTargetArg } from "../core/replace/replace-ref.ts";
import type { RegisterCommand } from "./main.ts";

const FORMATS = ["text", "json"] as const;
const STRATEGIES = ["orphan-recreate", "blue-green", "recreate"] as const;

/** `10m`, `90s`, `1h30m` (Go durations, as Flux writes them) or plain seconds; 30 s to 24 h like the policy key. */
const duration = z.string().transform((text, ctx) => {
  const seconds = /^\d+$/.test(text) ? Number(text) : goDurationSeconds(text);
  if (seconds === undefined || seconds < 30 || seconds > 86400) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a duration between 30s and 24h (10m, 600s, 600)` });
    return z.NEVER;
  }
  return Math.round(seconds);
});

/** Flags of `replace`, parsed once (commander gives strings). */
const replaceOptionsSchema = z.object({
  strategy: z.enum(STRATEGIES).optional(),
  desired: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  resume: z.boolean().default(false),
  timeout: duration.optional(),
  yes: z.boolean().default(false),
  format: z.enum(FORMATS),
  kubeconfig: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  policyFile: z.string().min(1).optional(),
}).refine((o) => !(o.resume && (o.desired !== undefined || o.strategy !== undefined)), { message: "--resume continues the journaled plan: it takes no --desired or --strategy" });

export type ReplaceOptions = z.infer<typeof replaceOptionsSchema>;

/** `gitops-guard replace KIND/NAMESPACE/NAME [...]`: the replacement engine by hand (docs/replace.md). */
export const registerReplace: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("replace")
    .description(
      "replace an object whose immutable fields must change, without downtime: plan, --dry-run, journaled run, rollback, --resume; " +
        "exit 0 replaced (or planned), 1 refused, rolled back or failed, 2 bad input, 3 interrupted or cluster error",
    )
    .argument("<target>", "KIND/NAMESPACE/NAME (Deployment/web/api), or KIND.group/NAMESPACE/NAME for custom resources")
    .addOption(new Option("--strategy <strategy>", "orphan-recreate (workloads), blue-green (chosen by itself when a Service selects through changed labels), recreate").choices(STRATEGIES))
    .option("--desired <file>", "the desired manifest(s) (kustomize build / flux build output; - for stdin); default: the webhook's marks on the object")
    .option("--dry-run", "print the plan and stop (changes nothing)")
    .option("--resume", "continue the journaled replacement of the target (after Ctrl-C or a crash)")
    .option("--timeout <duration>", "time for the new object to become healthy before everything is rolled back (default: policy replace.timeoutSeconds, 10m)")
    .option("--yes", "do not ask for confirmation (needed when not on a terminal)")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--kubeconfig <file>", "kubeconfig (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)")
    .option("--namespace <ns>", "the guard's namespace, where journals live (default $POD_NAMESPACE or gitops-guard)")
    .option("--policy-file <file>", "policy whose replace section applies (default: the embedded policy)")
    .action(async (targetText: string, raw: unknown) => {
      const target = parseTargetArg(targetText);
      if (!target.ok) throw new AppError("ERR_USAGE", `replace: ${target.error}`);
      const parsed = replaceOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = issue?.path[0] === undefined ? "" : `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: `;
        throw new AppError("ERR_USAGE", `replace: ${flag}${issue?.message ?? "invalid"}`);
      }
      const { runReplace } = await import("./run-replace.ts");
      setExitCode(await runReplace(target.value, parsed.data, io));
    });
};
