import { z } from "zod";
import type { Command } from "commander";
import { AppError } from "../errors.ts";
import { DEFAULT_LEASE_TIMINGS, leaseTimingsError } from "../core/watch/lease-decision.ts";
import type { RegisterCommand } from "./main.ts";
import type { CommandIO } from "./io.ts";

const seconds = z.coerce.number().positive().max(86400);

/** Flags of `watch`, parsed once (commander gives strings). */
const watchOptionsSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    kubeconfig: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    watchNamespace: z.string().min(1).optional(),
    identity: z.string().min(1).optional(),
    leaseName: z.string().min(1),
    leaseDuration: seconds,
    renewDeadline: seconds,
    retryPeriod: seconds,
    resync: seconds,
    crdRecheck: seconds,
    policyFile: z.string().min(1).optional(),
    stuckAfter: z.coerce.number().int().min(1).optional(),
    escalateAfter: z.coerce.number().int().min(1).optional(),
    slowAfter: z.coerce.number().int().min(1).optional(),
    recovery: z.enum(["enforce", "dry-run", "off"]).optional(),
    records: z.string().min(1),
    fluxEventsUrl: z.url().optional(),
    webhookUrl: z.url().optional(),
    runbook: z.string().min(1),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]),
  })
  .superRefine((o, ctx) => {
    const error = leaseTimingsError({ leaseDurationMs: o.leaseDuration * 1000, renewDeadlineMs: o.renewDeadline * 1000, retryPeriodMs: o.retryPeriod * 1000 });
    if (error) ctx.addIssue({ code: "custom", path: ["leaseDuration"], message: error });
  });
export type WatchOptions = z.infer<typeof watchOptionsSchema>;

function parseOptions(raw: unknown): WatchOptions {
  const parsed = watchOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? "?").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new AppError("ERR_USAGE", `watch: --${flag}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = DEFAULT_LEASE_TIMINGS;

export const registerWatch: RegisterCommand = (program: Command, io: CommandIO) => {
  program
    .command("watch")
    .description("controller: notices slow, stuck and failed Kustomizations, HelmReleases and Argo CD Applications; Events, records, metrics, escalation; leader-elected")
    .option("--host <host>", "address of /healthz, /readyz, /metrics", "0.0.0.0")
    .option("--port <port>", "port of /healthz, /readyz, /metrics", "9090")
    .option("--kubeconfig <file>", "kubeconfig for the API server (default: in-cluster, then $KUBECONFIG)")
    .option("--namespace <ns>", "where the Lease lives (default $POD_NAMESPACE or gitops-guard)")
    .option("--watch-namespace <ns>", "watch one namespace only (default: all)")
    .option("--identity <id>", "this replica's name in the Lease (default $POD_NAME, else the host name)")
    .option("--lease-name <name>", "the coordination.k8s.io/v1 Lease", "gitops-guard-watch")
    .option("--lease-duration <s>", "seconds a standby waits before taking over an unrenewed lease", String(leaseDurationMs / 1000))
    .option("--renew-deadline <s>", "seconds the leader retries renewing before it stops acting", String(renewDeadlineMs / 1000))
    .option("--retry-period <s>", "seconds between tries", String(retryPeriodMs / 1000))
    .option("--resync <s>", "seconds between full re-assessments (time thresholds pass without changes)", "30")
    .option("--crd-recheck <s>", "seconds between looks for a kind whose CRD is not installed", "60")
    .option("--policy-file <file>", "policy whose watch.stuckAfterSeconds applies (default: the embedded policy)")
    .option("--stuck-after <s>", "not Ready this long = stuck (default: policy, 300)")
    .option("--slow-after <s>", "in progress this long = slow (default: the object's own timeout)")
    .option("--escalate-after <s>", "stuck this long = escalated (default 1800)")
    .option("--recovery <mode>", "enforce|dry-run|off: overrides the policy's recovery.mode (docs/recovery.md)")
    .option("--records <path|-|off>", "where assessment records go: a file, - for standard output, or off", "-")
    .option("--flux-events-url <url>", "notification-controller's events endpoint for escalations (e.g. http://notification-controller.flux-system.svc/)")
    .option("--webhook-url <url>", "a JSON webhook for escalations")
    .option("--runbook <url>", "the runbook Escalated events point to", "https://github.com/gitops-guard/gitops-guard/blob/main/docs/watch.md#runbook")
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal", "info")
    .action(async (raw: unknown) => {
      const options = parseOptions(raw);
      const { runWatch } = await import("./run-watch.ts");
      return runWatch(options, io);
    });
};
