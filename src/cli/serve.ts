import { z } from "zod";
import type { Command } from "commander";
import { AppError } from "../errors.ts";
import { kubeVersionSchema } from "../core/policy/policy-schema.ts";
import type { RegisterCommand } from "./main.ts";
import type { CommandIO } from "./io.ts";

/**
 * Shortest drain before the listener closes: long enough for every busy keep-alive connection to
 * get one answer with `Connection: close` (a request takes about a millisecond here).
 */
export const DRAIN_MS = 250;

/** Flags of `serve`, parsed once (commander gives strings). */
const serveOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  certDir: z.string().min(1),
  policyFile: z.string().min(1).optional(),
  policyConfigmap: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "NAMESPACE/NAME").optional(),
  kubeconfig: z.string().min(1).optional(),
  watchCrds: z.boolean().default(false),
  records: z.string().min(1),
  namespace: z.string().min(1).optional(),
  service: z.string().min(1),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]),
  shutdownDelaySeconds: z.coerce.number().min(0).max(60),
  decideOn: z.enum(["auto", "thread", "request-thread"]),
  clientCa: z.string().min(1).optional(),
  maxConnections: z.coerce.number().int().min(1).max(1_000_000),
  /** The release to judge against when the API server's /version cannot be read (no API access). */
  kubeVersion: kubeVersionSchema.optional(),
});
export type ServeOptions = z.infer<typeof serveOptionsSchema>;

function parseOptions(raw: unknown): ServeOptions {
  const parsed = serveOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The flag as typed: commander names options in camelCase (decideOn for --decide-on).
    const flag = String(issue?.path[0] ?? "?").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new AppError("ERR_USAGE", `serve: --${flag}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export const registerServe: RegisterCommand = (program: Command, io: CommandIO) => {
  program
    .command("serve")
    .description("TLS admission webhook: POST /mutate, POST /validate, GET /healthz, /readyz, /metrics")
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--port <port>", "port to listen on", "8443")
    .option("--cert-dir <dir>", "tls.crt, tls.key and ca.crt (generated when missing)", "certs")
    .option("--policy-file <file>", "policy YAML or ConfigMap manifest (default: the embedded default policy)")
    .option("--policy-configmap <namespace/name>", "watch this ConfigMap's policy.yaml and hot-reload it (invalid versions are rejected)")
    .option("--kubeconfig <file>", "kubeconfig for the API server (default: in-cluster, then $KUBECONFIG)")
    .option("--watch-crds", "read immutability rules from CustomResourceDefinitions (x-kubernetes-validations)", false)
    .option("--records <path|-|off>", "where decision records go: a file, - for standard output, or off", "-")
    .option("--namespace <ns>", "the namespace gitops-guard runs in (always exempt; default $POD_NAMESPACE or gitops-guard)")
    .option("--service <name>", "the webhook Service name (certificate SANs)", "gitops-guard")
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal", "info")
    .option("--shutdown-delay-seconds <s>", "wait before closing the listener on SIGTERM", "0")
    .option("--client-ca <file>", "require kube-apiserver's client certificate, signed by this CA bundle (PEM), on /mutate and /validate")
    .option("--max-connections <n>", "most TLS connections open at once; more are closed before their handshake", "1000")
    .option("--kube-version <1.NN>", "the Kubernetes release to judge against when the API server's /version cannot be read (default: the policy's kubernetes.version, else the newest the catalogue knows)")
    .option("--decide-on <where>", "auto|thread|request-thread: decide on a thread of its own (auto: when the machine has 2 or more cores)", "auto")
    .action(async (raw: unknown) => {
      const options = parseOptions(raw);
      // The server's libraries (fastify, client-node, prom-client) load only when serve runs:
      // `check` and the other commands start in a fraction of the time.
      const { runServe } = await import("../bin/run-serve.ts");
      return runServe(options, io);
    });
};
