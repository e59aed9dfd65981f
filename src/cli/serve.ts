import { z } from "zod";
import { basename } from "node:path";
import type { Command } from "commander";
import { AppError } from "../errors.ts";
import { createLogger } from "../adapters/log/create-logger.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { ensureCertificates } from "../adapters/tls/ensure-certificates.ts";
import { serviceHosts } from "../adapters/tls/service-hosts.ts";
import { watchCertificates } from "../adapters/tls/watch-certificates.ts";
import { createRecordWriter } from "../adapters/records/record-writer.ts";
import { createAdmissionMetrics } from "../adapters/metrics/admission-metrics.ts";
import { buildServer } from "../adapters/http/build-server.ts";
import { activePolicy, staticPolicyProvider } from "../adapters/http/static-policy-provider.ts";
import { customRulesToRules } from "../core/policy/custom-rules.ts";
import type { RegisterCommand } from "./main.ts";
import type { CommandIO } from "./io.ts";

/** Flags of `serve`, parsed once (commander gives strings). */
const serveOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  certDir: z.string().min(1),
  policyFile: z.string().min(1).optional(),
  records: z.string().min(1),
  namespace: z.string().min(1).optional(),
  service: z.string().min(1),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]),
  shutdownDelaySeconds: z.coerce.number().min(0).max(60),
});
export type ServeOptions = z.infer<typeof serveOptionsSchema>;

function parseOptions(raw: unknown): ServeOptions {
  const parsed = serveOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("ERR_USAGE", `serve: --${String(issue?.path[0] ?? "?")}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Starts the webhook and resolves when it has shut down gracefully (SIGTERM/SIGINT). */
export async function runServe(options: ServeOptions, io: CommandIO): Promise<void> {
  const log = createLogger({ level: options.logLevel });
  const guardNamespace = options.namespace ?? io.env["POD_NAMESPACE"] ?? "gitops-guard";
  const policyPath = options.policyFile ?? defaultPolicyPath();
  const loaded = await readPolicyFile(policyPath);
  const active = activePolicy(loaded, `file:${options.policyFile ? basename(policyPath) : "embedded-default"}`, customRulesToRules(loaded.policy.customRules));
  const hosts = serviceHosts({ service: options.service, namespace: guardNamespace, extraHosts: options.host === "0.0.0.0" || options.host === "::" ? [] : [options.host] });
  const certs = await ensureCertificates(options.certDir, { hosts, now: new Date(), renew: "when-due" });
  if (certs.generated) log.info({ dir: options.certDir, reason: certs.reason, notAfter: certs.leaf.notAfter }, "generated serving certificate");
  const records = createRecordWriter(options.records);
  const metrics = createAdmissionMetrics();
  metrics.policy(active.version, "file");
  const app = buildServer({
    tls: { key: certs.material.key, cert: certs.material.cert },
    readiness: () => undefined,
    policy: staticPolicyProvider(active),
    guardNamespace,
    records,
    metrics,
    log,
    now: () => Date.now(),
    monotonicNs: () => process.hrtime.bigint(),
  });
  const reloader = watchCertificates({
    dir: options.certDir,
    current: certs.material,
    onChange: (material, leaf) => {
      app.server.setSecureContext({ cert: material.cert, key: material.key });
      log.info({ notAfter: leaf.notAfter }, "serving a replaced certificate");
    },
    onError: (err) => log.error({ err }, "certificate reload failed; still serving the previous certificate"),
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log.info({ host: options.host, port, policyVersion: active.version, records: options.records }, "gitops-guard serving");
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      log.info({ delaySeconds: options.shutdownDelaySeconds }, "shutting down: draining in-flight requests");
      // The delay lets endpoints controllers drop this pod before it stops accepting connections.
      setTimeout(() => {
        reloader.close();
        app.close().then(() => records.close()).then(() => {
          log.info("stopped");
          log.flush();
          resolve();
        }, (err: unknown) => {
          log.error({ err }, "shutdown failed");
          resolve();
        });
      }, options.shutdownDelaySeconds * 1000);
    };
    io.onSignal("SIGTERM", stop);
    io.onSignal("SIGINT", stop);
  });
}

export const registerServe: RegisterCommand = (program: Command, io: CommandIO) => {
  program
    .command("serve")
    .description("TLS admission webhook: POST /mutate, POST /validate, GET /healthz, /readyz, /metrics")
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--port <port>", "port to listen on", "8443")
    .option("--cert-dir <dir>", "tls.crt, tls.key and ca.crt (generated when missing)", "certs")
    .option("--policy-file <file>", "policy YAML or ConfigMap manifest (default: the embedded default policy)")
    .option("--records <path|->", "where decision records go: a file, or - for standard output", "-")
    .option("--namespace <ns>", "the namespace gitops-guard runs in (always exempt; default $POD_NAMESPACE or gitops-guard)")
    .option("--service <name>", "the webhook Service name (certificate SANs)", "gitops-guard")
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal", "info")
    .option("--shutdown-delay-seconds <s>", "wait before closing the listener on SIGTERM", "0")
    .action(async (raw: unknown) => runServe(parseOptions(raw), io));
};
