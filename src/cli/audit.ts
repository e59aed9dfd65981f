import { writeFile } from "node:fs/promises";
import { Option } from "commander";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { readAuditInput } from "../adapters/audit/read-audit-input.ts";
import { DEFAULT_POLICY_CONFIGMAP, policyConfigMapPatch } from "../adapters/audit/policy-configmap-patch.ts";
import { buildAuditReport, type AuditReport, type InputSummary } from "../core/audit/audit-report.ts";
import type { AuditFilters } from "../core/audit/audit-filters.ts";
import { DEFAULT_TOP } from "../core/audit/audit-limits.ts";
import { createRecordSummarizer } from "../core/audit/record-summary.ts";
import { createKubeAuditSummarizer } from "../core/audit/kube-audit-summary.ts";
import { formatAuditText } from "../core/audit/format-audit-text.ts";
import { formatAuditMarkdown } from "../core/audit/format-audit-markdown.ts";
import { formatAuditHtml } from "../core/audit/format-audit-html.ts";
import { OWNING_TOOLS } from "../core/owner/detect-owner.ts";
import { writeAll, type CommandIO } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

const FORMATS = ["text", "json", "markdown", "html"] as const;

/** The names of gitops-guard's webhooks in manifests/base/webhooks.yaml (audit annotations are keyed by them). */
export const DEFAULT_WEBHOOK_NAMES = ["mutate.gitops-guard.io", "validate.gitops-guard.io"] as const;

/** Objects whose history the JSON, Markdown and HTML reports carry for the drill-down. */
const HTML_HISTORY_OBJECTS = 200;

/** Progress on stderr (only when it is a terminal) at most this often: a large input shows it, a small one finishes first. */
const PROGRESS_MIN_INTERVAL_MS = 1_000;

const list = z.array(z.string().min(1)).default([]);

const auditOptionsSchema = z.object({
  format: z.enum(FORMATS),
  output: z.string().min(1).optional(),
  since: z.string().min(1).optional(),
  until: z.string().min(1).optional(),
  namespace: list,
  kind: list,
  owner: z.array(z.enum(OWNING_TOOLS)).default([]),
  strict: z.boolean().default(false),
  top: z.coerce.number().int().min(1).max(1000).default(DEFAULT_TOP),
  bucket: z.enum(["auto", "hour", "day"]).default("auto"),
  suggestPolicy: z.boolean().default(false),
  policyFile: z.string().min(1).optional(),
  policyConfigmap: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "NAMESPACE/NAME").optional(),
  webhookName: z.array(z.string().min(1)).default([]),
});

export type AuditOptions = z.infer<typeof auditOptionsSchema>;

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 24h` (before now) or an RFC 3339 time. */
export function parseTimeOption(flag: string, value: string, nowMs: number): number {
  const duration = DURATION.exec(value);
  if (duration) return nowMs - Number(duration[1]) * (duration[2] === "m" ? UNIT_MS.m : duration[2] === "h" ? UNIT_MS.h : UNIT_MS.d);
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new AppError("ERR_USAGE", `${flag} ${value}: expected a duration (30m, 24h, 7d) or an RFC 3339 time (2026-12-01T00:00:00Z)`);
  }
  return ms;
}

const splitList = (values: readonly string[]): string[] => values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");

function filtersOf(options: AuditOptions, nowMs: number): AuditFilters {
  const sinceMs = options.since ? parseTimeOption("--since", options.since, nowMs) : undefined;
  const untilMs = options.until ? parseTimeOption("--until", options.until, nowMs) : undefined;
  if (sinceMs !== undefined && untilMs !== undefined && untilMs <= sinceMs) throw new AppError("ERR_USAGE", "--until must be later than --since");
  return {
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(untilMs !== undefined ? { untilMs } : {}),
    namespaces: splitList(options.namespace),
    kinds: splitList(options.kind),
    owners: options.owner,
  };
}

/** Progress on stderr, only when it is a terminal; `now` is the clock (injected for tests). */
export function progressReporter(stderr: CommandIO["stderr"], now: () => number = Date.now): ((path: string, bytes: number, lines: number) => void) | undefined {
  if (!("isTTY" in stderr) || stderr.isTTY !== true) return undefined;
  const started = now();
  let last = started;
  return (path, bytes, lines) => {
    const at = now();
    if (at - last < PROGRESS_MIN_INTERVAL_MS) return;
    last = at;
    const mb = bytes / 1_048_576;
    stderr.write(`\raudit: ${path}: ${lines.toLocaleString("en")} lines, ${mb.toFixed(0)} MiB (${(mb / ((at - started) / 1000)).toFixed(0)} MiB/s)   `);
  };
}

function render(report: AuditReport, format: AuditOptions["format"]): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "markdown":
      return formatAuditMarkdown(report);
    case "html":
      return formatAuditHtml(report);
    case "text":
      return formatAuditText(report);
  }
}

/** Reads every input, builds the report, writes it (or the suggested policy ConfigMap). */
export async function runAudit(paths: readonly string[], options: AuditOptions, io: CommandIO): Promise<number> {
  const inputs = paths.length > 0 ? paths : ["-"];
  if (inputs.filter((p) => p === "-").length > 1) throw new AppError("ERR_USAGE", "standard input (-) can be read once");
  const filters = filtersOf(options, Date.now());
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  const webhooks = options.webhookName.length > 0 ? options.webhookName : [...DEFAULT_WEBHOOK_NAMES];
  const records = createRecordSummarizer(filters, options.bucket);
  const kube = createKubeAuditSummarizer(filters, options.bucket, webhooks);
  const onProgress = progressReporter(io.stderr);
  const summaries: InputSummary[] = [];
  for (const path of inputs) {
    summaries.push(await readAuditInput(path, { stdin: io.stdin, strict: options.strict, records, kube, ...(onProgress ? { onProgress } : {}) }));
  }
  if (onProgress) await writeAll(io.stderr, "\n");
  const historyObjects = options.format === "text" ? options.top : HTML_HISTORY_OBJECTS;
  const built = buildAuditReport({ inputs: summaries, filters, records, kube, policy, top: options.top, historyObjects });
  const ref = options.policyConfigmap ? { namespace: options.policyConfigmap.split("/")[0]!, name: options.policyConfigmap.split("/")[1]! } : DEFAULT_POLICY_CONFIGMAP;
  const text = options.suggestPolicy ? policyConfigMapPatch(built.policy, built.report.suggestions, ref) : render(built.report, options.format);
  if (options.output) await writeFile(options.output, text, "utf8");
  else await writeAll(io.stdout, text);
  return 0;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `gitops-guard audit [inputs…]`: summaries of decision records and Kubernetes audit logs (docs/audit.md). */
export const registerAudit: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("audit")
    .description("summarise decision records and Kubernetes audit logs (files, - for stdin, gzip detected); suggest policy changes")
    .argument("[inputs...]", "record files (JSON lines) and audit logs (Event lines, EventList, AKS envelope); default: standard input")
    .addOption(new Option("--format <format>", "report format").choices(FORMATS).default("text"))
    .option("-o, --output <file>", "write the report (or the suggested ConfigMap) to a file instead of stdout")
    .option("--since <time>", "only what happened at or after this time (RFC 3339, or 30m, 24h, 7d ago)")
    .option("--until <time>", "only what happened before this time")
    .option("--namespace <ns>", "only these namespaces (repeat or comma-separate)", collect)
    .option("--kind <kind>", "only these kinds, as Kind or Kind.group (repeat or comma-separate)", collect)
    .option("--owner <tool>", `only objects of these tools (${OWNING_TOOLS.join(", ")}; repeat)`, collect)
    .option("--strict", "a malformed line is fatal (exit 2) instead of counted")
    .option("--top <n>", "entries in each top-N list", String(DEFAULT_TOP))
    .addOption(new Option("--bucket <bucket>", "trend buckets").choices(["auto", "hour", "day"]).default("auto"))
    .option("--suggest-policy", "write the policy ConfigMap with the suggested changes instead of the report")
    .option("--policy-file <file>", "the policy in force, that suggestions change (default: the embedded policy)")
    .option("--policy-configmap <ns/name>", "name of the policy ConfigMap in the suggestion (default gitops-guard/gitops-guard-policy)")
    .option("--webhook-name <name>", "gitops-guard's webhook names in the audit log (repeat; default mutate.gitops-guard.io, validate.gitops-guard.io)", collect)
    .action(async (paths: string[], raw: unknown) => {
      const parsed = auditOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        throw new AppError("ERR_USAGE", `audit: ${parsed.error.issues.map((i) => `${i.path.join(".") || "option"}: ${i.message}`).join("; ")}`);
      }
      setExitCode(await runAudit(paths, parsed.data, io));
    });
};
