import { Option } from "commander";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { readManifests } from "../adapters/fs/read-manifests.ts";
import { readStream } from "../adapters/fs/read-stream.ts";
import { assess } from "../core/assess/assess.ts";
import { isTroubled } from "../core/assess/assessment.ts";
import { diagnoseMessage, MAX_MESSAGE_LENGTH, TOOLS } from "../core/assess/diagnose-message.ts";
import { itemFromAssessment, itemFromMessage, type DiagnosisItem } from "../core/assess/diagnosis-item.ts";
import { formatDiagnosisJson, formatDiagnosisText } from "../core/assess/format-diagnosis.ts";
import { subjectKey } from "../core/assess/object-ref.ts";
import { policyThresholds } from "../core/assess/policy-thresholds.ts";
import { parseReconcilable, type Reconcilable } from "../core/assess/reconcilable.ts";
import { formatLocation } from "../core/impact/manifest-object.ts";
import type { CommandIO } from "./io.ts";
import { writeAll } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

const FORMATS = ["text", "json"] as const;

const seconds = z.coerce.number().int().min(1).max(30 * 86400);

/** commander's parsed options, checked once here. */
const diagnoseOptionsSchema = z
  .object({
    file: z.string().min(1).optional(),
    message: z.string().optional(),
    tool: z.enum(TOOLS).optional(),
    format: z.enum(FORMATS),
    policyFile: z.string().min(1).optional(),
    stuckAfter: seconds.optional(),
    escalateAfter: seconds.optional(),
    slowAfter: seconds.optional(),
    now: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((o) => (o.file === undefined) !== (o.message === undefined), { message: "give exactly one of -f/--file and --message" });

export type DiagnoseOptions = z.infer<typeof diagnoseOptionsSchema>;

/** The Kustomizations, HelmReleases and Applications of a file, folder or stdin; other kinds are skipped with a note. */
async function readReconcilables(path: string, io: CommandIO): Promise<Reconcilable[]> {
  const manifests = await readManifests(path, { stdin: io.stdin });
  const found: Reconcilable[] = [];
  const skipped = new Map<string, number>();
  for (const m of manifests) {
    const parsed = parseReconcilable(m.object);
    if (parsed.ok) {
      found.push(parsed.value);
    } else if (["Kustomization", "HelmRelease", "Application"].includes(m.kind)) {
      throw new AppError("ERR_MANIFEST_INVALID", `${formatLocation(m.location)}: ${parsed.error}`);
    } else {
      skipped.set(m.kind, (skipped.get(m.kind) ?? 0) + 1);
    }
  }
  if (skipped.size > 0) {
    const list = [...skipped].map(([kind, n]) => `${n} ${kind}`).join(", ");
    await writeAll(io.stderr, `gitops-guard diagnose: skipped ${list} (diagnose reads Kustomization, HelmRelease, Application)\n`);
  }
  if (found.length === 0) throw new AppError("ERR_MANIFEST_INVALID", `${path}: no Kustomization, HelmRelease or Application found`);
  return found;
}

async function messageText(options: DiagnoseOptions, io: CommandIO): Promise<string> {
  const text = options.message === "-" ? await readStream(io.stdin) : (options.message ?? "");
  if (text.trim() === "") throw new AppError("ERR_USAGE", "diagnose: --message is empty");
  if (text.length > MAX_MESSAGE_LENGTH * 4) throw new AppError("ERR_USAGE", `diagnose: --message is longer than ${MAX_MESSAGE_LENGTH * 4} characters`);
  return text;
}

async function diagnoseItems(options: DiagnoseOptions, io: CommandIO): Promise<DiagnosisItem[]> {
  if (options.file === undefined) {
    const text = await messageText(options, io);
    return [itemFromMessage(text, diagnoseMessage(text, options.tool === undefined ? {} : { tool: options.tool }), options.tool)];
  }
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  const thresholds = policyThresholds(policy.watch, {
    ...(options.stuckAfter === undefined ? {} : { stuckAfterSeconds: options.stuckAfter }),
    ...(options.escalateAfter === undefined ? {} : { escalateAfterSeconds: options.escalateAfter }),
    ...(options.slowAfter === undefined ? {} : { slowAfterSeconds: options.slowAfter }),
  });
  const objects = await readReconcilables(options.file, io);
  const byKey = new Map(objects.map((o) => [subjectKey(o.kind, o.object.metadata.namespace ?? "", o.object.metadata.name), o]));
  const now = options.now === undefined ? Date.now() : Date.parse(options.now);
  const lookup = (kind: string, namespace: string, name: string): Reconcilable | undefined => byKey.get(subjectKey(kind, namespace, name));
  return objects.map((o) => itemFromAssessment(assess(o, now, thresholds, { lookup })));
}

/** Runs diagnose and returns its exit code: 0 all ready or progressing, 1 something stuck or failed. */
export async function runDiagnose(options: DiagnoseOptions, io: CommandIO): Promise<number> {
  const items = await diagnoseItems(options, io);
  await writeAll(io.stdout, options.format === "json" ? formatDiagnosisJson(items) : formatDiagnosisText(items));
  return items.some((i) => isTroubled(i.state)) ? 1 : 0;
}

/** `gitops-guard diagnose -f FILE|- | --message TEXT [--tool …] [--format text|json]`. */
export const registerDiagnose: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("diagnose")
    .description(
      "explain stuck Kustomizations, HelmReleases and Argo CD Applications (-f) or one error message (--message): " +
        "state, cause, immutable or not, objects, fields, root cause, what to do; exit 0 ready/progressing, 1 stuck or failed, 2 bad input",
    )
    .option("-f, --file <path>", "objects as kubectl get -o yaml|json prints them (file, folder, or - for stdin; Lists too)")
    .option("--message <text>", "one error message (- reads it from stdin)")
    .addOption(new Option("--tool <tool>", "the tool that wrote the message (shapes the advice)").choices(TOOLS))
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--policy-file <file>", "policy whose watch.stuckAfterSeconds applies (default: the embedded policy)")
    .option("--stuck-after <seconds>", "not Ready this long = stuck (default: policy, 300)")
    .option("--slow-after <seconds>", "in progress this long = slow (default: the object's own timeout)")
    .option("--escalate-after <seconds>", "stuck this long = escalate (default 1800)")
    .option("--now <time>", "judge as of this RFC 3339 time instead of the clock (reproducible reports)")
    .action(async (raw: unknown) => {
      const parsed = diagnoseOptionsSchema.safeParse(raw);
      if (!parsed.success) throw new AppError("ERR_USAGE", `diagnose: ${parsed.error.issues.map((i) => `${i.path.length > 0 ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("; ")}`);
      setExitCode(await runDiagnose(parsed.data, io));
    });
};
