import { followServerRelease, readServerRelease } from "../adapters/kube/read-server-release.ts";
import { formatRelease, type KubeRelease } from "../core/kube/kube-release.ts";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { JsonObject } from "../core/k8s/json.ts";
import { metaString } from "../core/k8s/kube-object.ts";
import type { LoadedPolicy } from "../core/policy/parse-policy.ts";
import type { Decider } from "../adapters/decision-thread/decider.ts";
import type { DecisionThread, DecisionThreadOptions } from "../adapters/decision-thread/decision-worker-client.ts";
import { inProcessDecider } from "../adapters/decision-thread/in-process-decider.ts";
import { startThreadedDecider } from "../adapters/decision-thread/threaded-decider.ts";
import { buildServer, type WebhookServer } from "../adapters/http/build-server.ts";
import { gracefulClose } from "../adapters/http/graceful-close.ts";
import type { KubeHttp } from "../adapters/kube/kube-http.ts";
import type { ListWatch } from "../adapters/kube/list-watch.ts";
import { watchPolicyConfigMap } from "../adapters/kube/policy-configmap-source.ts";
import { watchCrdRules } from "../adapters/kube/crd-rules-source.ts";
import { postEvent, type EventSubject } from "../adapters/kube/post-event.ts";
import type { AdmissionMetrics } from "../adapters/metrics/admission-metrics.ts";
import { dynamicPolicyProvider, type DynamicPolicyProvider } from "../adapters/policy/dynamic-policy-provider.ts";
import type { PolicyProvider } from "../adapters/policy/policy-provider.ts";
import { createRecordWriter, type RecordWriter } from "../adapters/records/record-writer.ts";
import type { TlsMaterial } from "../adapters/tls/load-tls-material.ts";
import { tlsServerOptions } from "../adapters/tls/tls-server-options.ts";
import { watchCertificates } from "../adapters/tls/watch-certificates.ts";

/** Where the policy and the CRD-declared rules come from. */
export interface PolicySources {
  /** The policy to start with (a file, the embedded default); absent when a ConfigMap supplies it. */
  readonly initial?: { readonly loaded: LoadedPolicy; readonly source: string };
  /** A ConfigMap whose `policy.yaml` is watched and hot-reloaded. */
  readonly configMap?: { readonly namespace: string; readonly name: string };
  /** Read immutability rules from the cluster's CRDs (`--watch-crds`). */
  readonly watchCrds?: boolean;
  /**
   * The release to judge for when the API server's /version cannot be read (`--kube-version`).
   * With API access (`kube` and a ConfigMap, the CRD watch or `followRelease`) the API server's own
   * release wins, read at start and every VERSION_REFRESH_MS.
   */
  readonly kubeVersion?: KubeRelease;
  /** Read the API server's /version even without a policy or CRD watch (`--kubeconfig` given). */
  readonly followRelease?: boolean;
  /** The API server the watches use; called only when one is asked for. */
  readonly kube?: () => { readonly kc: KubeConfig; readonly http: KubeHttp };
  /** A provider of the caller's own instead (no watches; decisions stay on the request thread). */
  readonly provider?: PolicyProvider;
}

/** Everything a serve process starts from: resolved values (the flags are read by run-serve.ts). */
export interface ServeProcessConfig {
  readonly host: string;
  readonly port: number;
  /** The namespace gitops-guard runs in (always exempt). */
  readonly guardNamespace: string;
  readonly tls: Pick<TlsMaterial, "cert" | "key">;
  /** The certificate directory to watch for replaced material (a Secret update, cert-manager); absent: never reloaded. */
  readonly certDir?: { readonly dir: string; readonly current: TlsMaterial };
  /** CA bundle (PEM) that must sign the client's certificate (`--client-ca`). */
  readonly clientCa?: string | undefined;
  readonly maxConnections?: number;
  /** Where records go: a file, `-` for standard output, or `off`. */
  readonly records: string;
  readonly policy: PolicySources;
  readonly decideOn: "thread" | "request-thread";
  /** Decision-thread limits (tests shorten them, or start a faulty thread). */
  readonly thread?: Partial<Pick<DecisionThreadOptions, "entry" | "stallMs" | "restartDelayMs" | "maxQueuedUnits" | "largeBodyUnits">>;
  /** How long answers ask clients to close their connections before the listener closes (ms). */
  readonly drainMs: number;
  /** Longest wait for open connections once the listener closed (ms). Default CONNECTION_DRAIN_MAX_MS. */
  readonly connectionWaitMs?: number;
}

/** What the process is wired with; all injected. */
export interface ServeProcessDeps {
  readonly log: Logger;
  readonly metrics: AdmissionMetrics;
  /** Wall clock, ms since the epoch. */
  readonly now: () => number;
  /** Monotonic clock, ns. */
  readonly monotonicNs: () => bigint;
}

/** A running serve process. Closing it (or disposing it) stops everything it started, once, in reverse order. */
export interface ServeProcess extends AsyncDisposable {
  readonly app: WebhookServer;
  /** The port it listens on (the one the OS chose for port 0). */
  readonly port: number;
  readonly provider: PolicyProvider;
  /** The provider the watches feed (absent with a provider of the caller's own). */
  readonly dynamic: DynamicPolicyProvider | undefined;
  /** The decision thread, when decisions run on one. */
  readonly thread: DecisionThread | undefined;
  readonly records: RecordWriter | undefined;
  /** Begins draining without closing: every answer asks its client to close the connection, /readyz fails. */
  drain(): void;
  /**
   * Drains for `drainMs` (every answer asks its client to close the connection, /readyz fails),
   * then closes: certificate watcher, server (waiting for requests in flight), decider (its last
   * observations and records handed on), watches, records (written out). Idempotent.
   */
  close(): Promise<void>;
}

function eventSubject(namespace: string, name: string, configMap: JsonObject): EventSubject {
  const uid = metaString(configMap, "uid");
  const resourceVersion = metaString(configMap, "resourceVersion");
  return {
    apiVersion: "v1", kind: "ConfigMap", namespace, name,
    ...(uid !== undefined ? { uid } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
  };
}

function watchPolicy(target: { kc: KubeConfig; http: KubeHttp; namespace: string; name: string }, provider: DynamicPolicyProvider, deps: ServeProcessDeps): ListWatch {
  const { http, namespace, name } = target;
  const { log, metrics } = deps;
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
        void postEvent(http, eventSubject(namespace, name, configMap), { type: "Warning", reason: "InvalidPolicy", message, now: new Date(deps.now()) })
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
      // The watch has read each CRD's rules once: the provider takes them as they are.
      provider.setCrds(crds, rules);
      log.info({ crdsWithRules: crds.length, rules: rules.length }, "CRD-declared rules loaded");
    },
    onInvalid: (name, error) => log.warn({ crd: name, reason: error }, "CRD not understood; its rules are skipped"),
    onError: (err, retryInMs) => log.warn({ err, retryInMs }, "CRD watch failed; retrying"),
  });
}

/**
 * The cluster's own release for the catalogue (discovery /version): read at start, then every
 * VERSION_REFRESH_MS (a control-plane upgrade changes verdicts). When it cannot be read the
 * catalogue stays built for --kube-version, else the policy's kubernetes.version, else the newest.
 */
async function followRelease(http: KubeHttp, provider: DynamicPolicyProvider, flag: KubeRelease | undefined, log: Logger): Promise<ListWatch> {
  const use = (apiServer: KubeRelease): void => provider.setRelease({ apiServer, ...(flag ? { flag } : {}) });
  let initial: KubeRelease | undefined;
  try {
    initial = await readServerRelease(http);
    use(initial);
  } catch (err) {
    log.warn({ err }, "could not read the API server's /version; judging for --kube-version, the policy's kubernetes.version or the newest known release");
  }
  return followServerRelease(http, {
    ...(initial ? { initial } : {}),
    onRelease: (release) => {
      use(release);
      log.info({ kubernetesVersion: formatRelease(release) }, "the API server's release changed; the catalogue is rebuilt for it");
    },
    onError: (err) => log.debug({ err }, "could not read the API server's /version; keeping the release judged for"),
  });
}

/** The policy provider and the watches that keep it current, each watch's stop registered as it starts. */
async function startPolicy(sources: PolicySources, deps: ServeProcessDeps, stack: AsyncDisposableStack): Promise<{ provider: PolicyProvider; dynamic: DynamicPolicyProvider | undefined }> {
  if (sources.provider) return { provider: sources.provider, dynamic: undefined };
  const dynamic = dynamicPolicyProvider(sources.kubeVersion ? { flag: sources.kubeVersion } : {});
  if (sources.initial) {
    const active = dynamic.setPolicy(sources.initial.loaded, sources.initial.source);
    deps.metrics.policy(active.version, "file");
  }
  if ((sources.configMap || sources.watchCrds === true || sources.followRelease === true) && sources.kube) {
    const { kc, http } = sources.kube();
    const release = await followRelease(http, dynamic, sources.kubeVersion, deps.log);
    stack.defer(() => release.stop());
    if (sources.configMap) {
      const watch = watchPolicy({ kc, http, ...sources.configMap }, dynamic, deps);
      stack.defer(() => watch.stop());
    }
    if (sources.watchCrds === true) {
      const watch = watchCrds({ kc, http }, dynamic, deps.log);
      stack.defer(() => watch.stop());
    }
  }
  return { provider: dynamic, dynamic };
}

/**
 * Where reviews are decided: on a thread of their own, or on the request thread. The in-process
 * decider is the threaded one's fallback too (docs/adr/0001).
 */
function startDecider(config: ServeProcessConfig, parts: { provider: PolicyProvider; dynamic: DynamicPolicyProvider | undefined; records: RecordWriter | undefined }, deps: ServeProcessDeps): { decider: Decider; thread: DecisionThread | undefined } {
  const { provider, dynamic, records } = parts;
  const { log, metrics, monotonicNs } = deps;
  const fallback = inProcessDecider({ policy: provider, guardNamespace: config.guardNamespace, records, metrics, log, monotonicNs });
  // A provider of the caller's own holds rules (functions) no thread can receive.
  if (config.decideOn === "request-thread" || !dynamic) return { decider: fallback, thread: undefined };
  const threaded = startThreadedDecider({ ...config.thread, provider: dynamic, guardNamespace: config.guardNamespace, fallback, records, metrics, log });
  return { decider: threaded, thread: threaded.thread };
}

/**
 * Starts `serve`: records, policy and watches, the decider (and its thread), the HTTPS server,
 * the certificate watcher, then listens. Each part registers how it closes as it starts, on one
 * AsyncDisposableStack: a failure on the way closes what had started, and `close()` closes it
 * all, in reverse order. The CLI (run-serve.ts) and the tests (test/support/webhook-server.ts)
 * both start serve here.
 */
export async function startServeProcess(config: ServeProcessConfig, deps: ServeProcessDeps): Promise<ServeProcess> {
  const { log, metrics } = deps;
  const stack = new AsyncDisposableStack();
  let draining = false;
  try {
    const records = config.records === "off" ? undefined : await createRecordWriter(config.records, (err) => log.error({ err }, "decision records stopped: the writer failed"));
    if (records) stack.defer(() => records.close());
    const { provider, dynamic } = await startPolicy(config.policy, deps, stack);
    const { decider, thread } = startDecider(config, { provider, dynamic, records }, deps);
    // The decider hands on its last observations and records before the records close.
    stack.defer(() => decider.close());
    const app = buildServer({
      decider,
      draining: () => draining,
      tls: config.tls,
      clientCa: config.clientCa,
      ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
      readiness: () => (draining ? "shutting down" : provider.current() ? undefined : "no valid policy loaded yet"),
      metrics,
      log,
      now: deps.now,
      monotonicNs: deps.monotonicNs,
    });
    // Requests in flight get their answers; the records close after (whether or not connections drained cleanly).
    stack.defer(() => gracefulClose(app, { now: deps.now, ...(config.connectionWaitMs !== undefined ? { maxWaitMs: config.connectionWaitMs } : {}) }).catch((err: unknown) => log.error({ err }, "shutdown failed")));
    if (config.certDir) {
      const reloader = watchCertificates({
        dir: config.certDir.dir,
        current: config.certDir.current,
        onChange: (material, leaf) => {
          app.server.setSecureContext(tlsServerOptions(material, config.clientCa));
          log.info({ notAfter: leaf.notAfter }, "serving a replaced certificate");
        },
        onError: (err) => log.error({ err }, "certificate reload failed; still serving the previous certificate"),
      });
      stack.defer(() => reloader.close());
    }
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const owned = stack.move();
    const drain = (): void => {
      draining = true;
    };
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        drain();
        if (config.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainMs));
        await owned.disposeAsync();
      })();
      return closing;
    };
    return { app, port, provider, dynamic, thread, records, drain, close, [Symbol.asyncDispose]: close };
  } catch (err) {
    await stack.disposeAsync();
    throw err;
  }
}
