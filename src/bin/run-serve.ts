import { formatRelease, parseRelease } from "../core/kube/kube-release.ts";
import { basename } from "node:path";
import { availableParallelism } from "node:os";
import { createLogger } from "../adapters/log/create-logger.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { ensureCertificates } from "../adapters/tls/ensure-certificates.ts";
import { serviceHosts } from "../adapters/tls/service-hosts.ts";
import { readOptionalFile } from "../adapters/tls/load-tls-material.ts";
import { createAdmissionMetrics } from "../adapters/metrics/admission-metrics.ts";
import { loadKubeConfig } from "../adapters/kube/load-kube-config.ts";
import { createKubeHttp } from "../adapters/kube/kube-http.ts";
import { AppError } from "../errors.ts";
import type { CommandIO } from "../cli/io.ts";
import { DRAIN_MS, type ServeOptions } from "../cli/serve.ts";
import { startServeProcess, type PolicySources } from "./serve-process.ts";

/** The client CA bundle of `--client-ca`: PEM certificates, read once at start; undefined without the flag. */
async function readClientCa(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const text = await readOptionalFile(path);
  if (text === undefined || !text.includes("-----BEGIN CERTIFICATE-----")) throw new AppError("ERR_TLS", `--client-ca ${path}: ${text === undefined ? "no such file" : "holds no PEM certificate"}`);
  return text;
}

/** The policy flags as sources: a file (or the embedded default), or a watched ConfigMap, and the CRD watch. */
async function policySources(options: ServeOptions, io: CommandIO): Promise<PolicySources> {
  const kube = (): ReturnType<NonNullable<PolicySources["kube"]>> => {
    const kc = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), env: io.env });
    return { kc, http: createKubeHttp(kc) };
  };
  const kubeVersion = options.kubeVersion !== undefined ? parseRelease(options.kubeVersion) : undefined;
  const watches = { watchCrds: options.watchCrds, kube, followRelease: options.kubeconfig !== undefined, ...(kubeVersion ? { kubeVersion } : {}) };
  if (options.policyConfigmap !== undefined) {
    const [namespace = "", name = ""] = options.policyConfigmap.split("/");
    return { ...watches, configMap: { namespace, name } };
  }
  const policyPath = options.policyFile ?? defaultPolicyPath();
  return { ...watches, initial: { loaded: await readPolicyFile(policyPath), source: `file:${options.policyFile ? basename(policyPath) : "embedded-default"}` } };
}

/**
 * `serve`: reads the flags into a serve process (serve-process.ts) and runs it until SIGTERM or
 * SIGINT, then closes it. A thread of its own for decisions pays off only with a core for it: on
 * one core the two threads take turns, and each request pays for two messages (docs/adr/0001).
 */
export async function runServe(options: ServeOptions, io: CommandIO): Promise<void> {
  const log = createLogger({ level: options.logLevel, destination: io.stderr });
  const guardNamespace = options.namespace ?? io.env["POD_NAMESPACE"] ?? "gitops-guard";
  const metrics = createAdmissionMetrics();
  const hosts = serviceHosts({ service: options.service, namespace: guardNamespace, extraHosts: options.host === "0.0.0.0" || options.host === "::" ? [] : [options.host] });
  const certs = await ensureCertificates(options.certDir, { hosts, now: new Date(), renew: "never" });
  if (certs.generated) log.info({ dir: options.certDir, reason: certs.reason, notAfter: certs.leaf.notAfter }, "generated serving certificate");
  // Mounted certificates (a Secret, cert-manager) are served as they are, never rewritten here.
  if (certs.missingHosts.length > 0) log.warn({ missingHosts: certs.missingHosts.join(",") }, "the serving certificate does not name every expected host");
  const threaded = options.decideOn === "thread" || (options.decideOn === "auto" && availableParallelism() >= 2);
  const serve = await startServeProcess({
    host: options.host,
    port: options.port,
    guardNamespace,
    tls: { key: certs.material.key, cert: certs.material.cert },
    certDir: { dir: options.certDir, current: certs.material },
    clientCa: await readClientCa(options.clientCa),
    maxConnections: options.maxConnections,
    records: options.records,
    policy: await policySources(options, io),
    decideOn: threaded ? "thread" : "request-thread",
    // The delay lets endpoints controllers drop this pod before it stops accepting connections;
    // meanwhile (and at least DRAIN_MS) every answer carries `Connection: close`, so clients stop
    // reusing connections and none is closed with a request in it.
    drainMs: Math.max(DRAIN_MS, options.shutdownDelaySeconds * 1000),
  }, { log, metrics, now: () => Date.now(), monotonicNs: () => process.hrtime.bigint() });
  const kube = serve.provider.current()?.catalogue.kube;
  const release = kube ? { kubernetesVersion: formatRelease(kube.release), kubernetesVersionSource: kube.source } : {};
  log.info({ host: options.host, port: serve.port, policyVersion: serve.provider.current()?.version ?? "none yet", records: options.records, decideOn: threaded ? "thread" : "request-thread", ...release }, "gitops-guard serving");
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      log.info({ delaySeconds: options.shutdownDelaySeconds }, "shutting down: draining in-flight requests");
      serve.close().then(() => {
        log.info("stopped");
        log.flush();
        resolve();
      }, (err: unknown) => {
        log.error({ err }, "closing the decision records failed");
        resolve();
      });
    };
    io.onSignal("SIGTERM", stop);
    io.onSignal("SIGINT", stop);
  });
}
