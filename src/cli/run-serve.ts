import { basename } from "node:path";
import { availableParallelism } from "node:os";
import { createLogger } from "../adapters/log/create-logger.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { ensureCertificates } from "../adapters/tls/ensure-certificates.ts";
import { serviceHosts } from "../adapters/tls/service-hosts.ts";
import { watchCertificates } from "../adapters/tls/watch-certificates.ts";
import { createRecordWriter, type RecordWriter } from "../adapters/records/record-writer.ts";
import { createAdmissionMetrics } from "../adapters/metrics/admission-metrics.ts";
import { buildServer, type WebhookServer } from "../adapters/http/build-server.ts";
import type { Decider } from "../adapters/decision-thread/decider.ts";
import { inProcessDecider } from "../adapters/decision-thread/in-process-decider.ts";
import { startThreadedDecider } from "../adapters/decision-thread/threaded-decider.ts";
import { tlsServerOptions } from "../adapters/tls/tls-server-options.ts";
import { readOptionalFile } from "../adapters/tls/load-tls-material.ts";
import { AppError } from "../errors.ts";
import { gracefulClose } from "../adapters/http/graceful-close.ts";
import { dynamicPolicyProvider, type DynamicPolicyProvider } from "../adapters/policy/dynamic-policy-provider.ts";
import { loadKubeConfig } from "../adapters/kube/load-kube-config.ts";
import { createKubeHttp, type KubeHttp } from "../adapters/kube/kube-http.ts";
import type { KubeConfig } from "@kubernetes/client-node";
import type { JsonObject } from "../core/k8s/json.ts";
import { metaString } from "../core/k8s/kube-object.ts";
import { watchPolicyConfigMap } from "../adapters/kube/policy-configmap-source.ts";
import { watchCrdRules } from "../adapters/kube/crd-rules-source.ts";
import { postEvent, type EventSubject } from "../adapters/kube/post-event.ts";
import type { ListWatch } from "../adapters/kube/list-watch.ts";
import type { AdmissionMetrics } from "../adapters/metrics/admission-metrics.ts";
import type { Logger } from "../adapters/log/create-logger.ts";
import type { CommandIO } from "./io.ts";
import { DRAIN_MS, type ServeOptions } from "./serve.ts";

function eventSubject(namespace: string, name: string, configMap: JsonObject): EventSubject {
  const uid = metaString(configMap, "uid");
  const resourceVersion = metaString(configMap, "resourceVersion");
  return {
    apiVersion: "v1", kind: "ConfigMap", namespace, name,
    ...(uid !== undefined ? { uid } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
  };
}

function watchPolicy(target: { kc: KubeConfig; http: KubeHttp; namespace: string; name: string }, provider: DynamicPolicyProvider, log: Logger, metrics: AdmissionMetrics): ListWatch {
  const { http, namespace, name } = target;
  return watchPolicyConfigMap({
    ...target,
    handlers: {
      onPolicy: (loaded, source) => {
        const active = provider.setPolicy(loaded, source);
        metrics.policy(active.version, "configmap");
        log.info({ policyVersion: active.version, mode: loaded.policy.mode }, "policy loaded");
      },
      onInvalid: (issues, configMap) => {
        const summary = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join("; ");
        log.error({ configMap: `${namespace}/${name}`, issues: summary, policyVersion: provider.current()?.version ?? "none" }, "invalid policy rejected; the last good policy stays in force");
        const message = `gitops-guard rejected this policy (the last good one stays in force): ${summary}`;
        void postEvent(http, eventSubject(namespace, name, configMap), { type: "Warning", reason: "InvalidPolicy", message, now: new Date() })
          .then((failed) => failed && log.warn({ reason: failed }, "could not record the InvalidPolicy event"));
      },
      onMissing: () => log.warn({ configMap: `${namespace}/${name}` }, "policy ConfigMap not found; the last good policy stays in force"),
      onError: (err, retryInMs) => log.warn({ err, retryInMs }, "policy watch failed; retrying"),
    },
  });
}

function watchCrds(target: { kc: KubeConfig; http: KubeHttp }, provider: DynamicPolicyProvider, log: Logger): ListWatch {
  return watchCrdRules({
    ...target,
    onRules: (rules, crds) => {
      provider.setCrds(crds, rules);
      log.info({ crdsWithRules: crds.length, rules: rules.length }, "CRD-declared rules loaded");
    },
    onInvalid: (name, error) => log.warn({ crd: name, reason: error }, "CRD not understood; its rules are skipped"),
    onError: (err, retryInMs) => log.warn({ err, retryInMs }, "CRD watch failed; retrying"),
  });
}

/** The policy (file or watched ConfigMap) and CRD-declared rules, kept current by watches. */
async function startPolicySources(options: ServeOptions, io: CommandIO, log: Logger, metrics: AdmissionMetrics): Promise<{ provider: DynamicPolicyProvider; watches: ListWatch[] }> {
  const provider = dynamicPolicyProvider();
  if (options.policyConfigmap === undefined) {
    const policyPath = options.policyFile ?? defaultPolicyPath();
    const active = provider.setPolicy(await readPolicyFile(policyPath), `file:${options.policyFile ? basename(policyPath) : "embedded-default"}`);
    metrics.policy(active.version, "file");
  }
  if (options.policyConfigmap === undefined && !options.watchCrds) return { provider, watches: [] };
  const kc = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), env: io.env });
  const http = createKubeHttp(kc);
  const watches: ListWatch[] = [];
  if (options.policyConfigmap !== undefined) {
    const [namespace = "", name = ""] = options.policyConfigmap.split("/");
    watches.push(watchPolicy({ kc, http, namespace, name }, provider, log, metrics));
  }
  if (options.watchCrds) watches.push(watchCrds({ kc, http }, provider, log));
  return { provider, watches };
}

/**
 * Where reviews are decided: on a thread of their own, unless they stay on the request thread. A
 * thread of its own pays off only with a core for it: on one core the two threads take turns,
 * and each request pays for two messages (docs/adr/0001).
 */
function startDecider(options: ServeOptions, deps: { provider: DynamicPolicyProvider; guardNamespace: string; records: RecordWriter | undefined; metrics: AdmissionMetrics; log: Logger }): { decider: Decider; threaded: boolean } {
  const { provider, guardNamespace, records, metrics, log } = deps;
  const fallback = inProcessDecider({ policy: provider, guardNamespace, records, metrics, log, monotonicNs: () => process.hrtime.bigint() });
  const threaded = options.decideOn === "thread" || (options.decideOn === "auto" && availableParallelism() >= 2);
  if (!threaded) return { decider: fallback, threaded };
  return { decider: startThreadedDecider({ provider, guardNamespace, fallback, records, metrics, log }), threaded };
}

/**
 * Once every request is answered: the decider's last observations and record lines come in,
 * then the decision thread stops, then the records are written out and closed.
 */
async function closeWriters(decider: Decider, records: RecordWriter | undefined): Promise<void> {
  await decider.close();
  await records?.close();
}

/** The client CA bundle of `--client-ca`: PEM certificates, read once at start; undefined without the flag. */
async function readClientCa(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const text = await readOptionalFile(path);
  if (text === undefined || !text.includes("-----BEGIN CERTIFICATE-----")) throw new AppError("ERR_TLS", `--client-ca ${path}: ${text === undefined ? "no such file" : "holds no PEM certificate"}`);
  return text;
}

/** Starts the webhook and resolves when it has shut down gracefully (SIGTERM/SIGINT). */
export async function runServe(options: ServeOptions, io: CommandIO): Promise<void> {
  const log = createLogger({ level: options.logLevel, destination: io.stderr });
  const guardNamespace = options.namespace ?? io.env["POD_NAMESPACE"] ?? "gitops-guard";
  const metrics = createAdmissionMetrics();
  const hosts = serviceHosts({ service: options.service, namespace: guardNamespace, extraHosts: options.host === "0.0.0.0" || options.host === "::" ? [] : [options.host] });
  const certs = await ensureCertificates(options.certDir, { hosts, now: new Date(), renew: "never" });
  if (certs.generated) log.info({ dir: options.certDir, reason: certs.reason, notAfter: certs.leaf.notAfter }, "generated serving certificate");
  // Mounted certificates (a Secret, cert-manager) are served as they are, never rewritten here.
  if (certs.missingHosts.length > 0) log.warn({ missingHosts: certs.missingHosts.join(",") }, "the serving certificate does not name every expected host");
  const clientCa = await readClientCa(options.clientCa);
  const records = options.records === "off" ? undefined : await createRecordWriter(options.records, (err) => log.error({ err }, "decision records stopped: the writer failed"));
  // Watches start last before listening: a failure from here on stops them again (no hanging process).
  const { provider, watches } = await startPolicySources(options, io, log, metrics).catch(async (err: unknown) => {
    await records?.close();
    throw err;
  });
  const { decider, threaded } = startDecider(options, { provider, guardNamespace, records, metrics, log });
  let draining = false;
  // From here a failure closes what started: the thread, the watches and the records (no hanging process).
  let reloader: { close(): void } = { close: () => undefined };
  let app: WebhookServer;
  try {
    app = buildServer({
      decider,
      draining: () => draining,
      tls: { key: certs.material.key, cert: certs.material.cert },
      clientCa,
      maxConnections: options.maxConnections,
      readiness: () => (draining ? "shutting down" : provider.current() ? undefined : "no valid policy loaded yet"),
      metrics,
      log,
      now: () => Date.now(),
      monotonicNs: () => process.hrtime.bigint(),
    });
    const served = app;
    reloader = watchCertificates({
      dir: options.certDir,
      current: certs.material,
      onChange: (material, leaf) => {
        served.server.setSecureContext(tlsServerOptions(material, clientCa));
        log.info({ notAfter: leaf.notAfter }, "serving a replaced certificate");
      },
      onError: (err) => log.error({ err }, "certificate reload failed; still serving the previous certificate"),
    });
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    reloader.close();
    for (const watch of watches) watch.stop();
    await closeWriters(decider, records);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log.info({ host: options.host, port, policyVersion: provider.current()?.version ?? "none yet", records: options.records, decideOn: threaded ? "thread" : "request-thread" }, "gitops-guard serving");
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      if (draining) return;
      draining = true;
      log.info({ delaySeconds: options.shutdownDelaySeconds }, "shutting down: draining in-flight requests");
      // The delay lets endpoints controllers drop this pod before it stops accepting connections;
      // meanwhile (and at least DRAIN_MS) every answer carries `Connection: close`, so clients stop
      // reusing connections and none is closed with a request in it.
      setTimeout(() => {
        reloader.close();
        for (const watch of watches) watch.stop();
        // The records are closed (written out) whether or not the connections drained cleanly.
        gracefulClose(app, { now: () => Date.now() })
          .catch((err: unknown) => log.error({ err }, "shutdown failed"))
          .then(() => closeWriters(decider, records))
          .then(() => {
            log.info("stopped");
            log.flush();
            resolve();
          }, (err: unknown) => {
            log.error({ err }, "closing the decision records failed");
            resolve();
          });
      }, Math.max(DRAIN_MS, options.shutdownDelaySeconds * 1000));
    };
    io.onSignal("SIGTERM", stop);
    io.onSignal("SIGINT", stop);
  });
}

