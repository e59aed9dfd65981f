import { hostname } from "node:os";
import Fastify, { type FastifyInstance } from "fastify";
import { createLogger, type Logger } from "../adapters/log/create-logger.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { createRecordWriter, type RecordWriter } from "../adapters/records/record-writer.ts";
import { loadKubeConfig } from "../adapters/kube/load-kube-config.ts";
import { createKubeHttp } from "../adapters/kube/kube-http.ts";
import { startLeaseElector, type LeaseElector } from "../adapters/kube/lease-elector.ts";
import { watchReconcilers, type ReconcilerWatch } from "../adapters/kube/watch-reconcilers.ts";
import { createWatchMetrics, type WatchMetrics } from "../adapters/metrics/watch-metrics.ts";
import { createNotifier, type Notifier, type Receiver } from "../adapters/notify/notifier.ts";
import { createReconciliationController, type ReconciliationController } from "../adapters/watch/reconciliation-controller.ts";
import { createRecoverer, type Recoverer, type RecovererDeps, type RecovererHooks } from "../adapters/recovery/recoverer.ts";
import { replacementEnginePort } from "../adapters/recovery/replacement-engine-port.ts";
import { recoveryPolicy } from "../core/recovery/recovery-policy.ts";
import { createReplacementRunner, type ReplacementRunner } from "../adapters/watch/replacement-runner.ts";
import { createReplaceMetrics } from "../adapters/metrics/replace-metrics.ts";
import { policyThresholds } from "../core/assess/policy-thresholds.ts";
import { createWatchState } from "../core/watch/watch-state.ts";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ReplaceSettings } from "../core/replace/replace-settings.ts";
import type { CommandIO } from "./io.ts";
import type { WatchOptions } from "./watch.ts";

/** Longest wait at shutdown for escalations still being sent (a receiver that is down does not hold the pod). */
export const NOTIFY_CLOSE_MS = 3_000;

/** A running watch: its health port and one way to stop it. */
export interface RunningWatch {
  readonly port: number;
  readonly controller: ReconciliationController;
  readonly elector: LeaseElector;
  readonly metrics: WatchMetrics;
  /** Carries out marked replacements (undefined when the policy's replace.automatic is false). */
  readonly replacements: ReplacementRunner | undefined;
  /** The disposal order: replacements stopped → lease released → watches → loop → HTTP → notifications → records. */
  close(): Promise<void>;
}

function receivers(options: WatchOptions): Receiver[] {
  return [
    ...(options.fluxEventsUrl ? [{ name: "flux", url: options.fluxEventsUrl }] : []),
    ...(options.webhookUrl ? [{ name: "webhook", url: options.webhookUrl }] : []),
  ];
}

function healthServer(deps: { metrics: WatchMetrics; ready: () => string | undefined }): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get("/healthz", () => ({ status: "ok" }));
  app.get("/readyz", (_request, reply) => {
    const notReady = deps.ready();
    return notReady === undefined ? { status: "ready" } : reply.code(503).send({ status: "not ready", reason: notReady });
  });
  app.get("/metrics", async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  return app;
}

function watchKinds(kc: KubeConfig, deps: { options: WatchOptions; http: ReturnType<typeof createKubeHttp>; controller: ReconciliationController; metrics: WatchMetrics; log: Logger }): ReconcilerWatch {
  const { options, http, controller, metrics, log } = deps;
  return watchReconcilers({ kc, http, recheckMs: options.crdRecheck * 1000, ...(options.watchNamespace ? { namespace: options.watchNamespace } : {}) }, {
    onReplace: (kind, list) => controller.replace(kind, list),
    onUpsert: (o) => controller.upsert(o),
    onDelete: (key) => controller.delete(key),
    onInvalid: (key, error) => log.warn({ reconciliation: key, error }, "object not understood; skipped"),
    onConnected: (kind, up) => metrics.connected(kind, up),
    onMissing: (kind) => log.info({ kind, recheckSeconds: options.crdRecheck }, "CRD not installed; looking again later"),
    onFound: (kind, apiVersion) => log.info({ kind, apiVersion }, "watching"),
    onError: (kind, err, retryInMs) => log.warn({ kind, err: err.message, retryInMs }, "watch failed; retrying"),
  });
}

/** This replica's name in the Lease and the Lease's namespace: flags, then the Pod's downward API variables. */
function whoAmI(options: WatchOptions, io: CommandIO): { readonly identity: string; readonly leaseNamespace: string } {
  return { identity: options.identity ?? io.env["POD_NAME"] ?? hostname(), leaseNamespace: options.namespace ?? io.env["POD_NAMESPACE"] ?? "gitops-guard" };
}

/** Recovery's adapter, built when the controller lends it its Event path; none when recovery is off (docs/recovery.md). */
function recovererOption(deps: Omit<RecovererDeps, keyof RecovererHooks>): { readonly recoverer?: (hooks: RecovererHooks) => Recoverer } {
  return deps.policy.mode === "off" ? {} : { recoverer: (hooks) => createRecoverer({ ...deps, ...hooks }) };
}

/** Time as the replacement engine sees it: the real clock by default, simulated in tests. */
export interface ReplacementTime {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

const REAL_TIME: ReplacementTime = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * The replacement runner of `watch`, wired to its lease (it runs while leading, stops when the
 * lease is lost, and is stopped before the lease is released), records, notifier and metrics;
 * undefined when the policy's replace.automatic is false.
 */
function startReplacements(d: {
  kc: KubeConfig; http: ReturnType<typeof createKubeHttp>; log: Logger; records: RecordWriter | undefined; notifier: Notifier | undefined; identity: string;
  metrics: WatchMetrics; elector: LeaseElector; leaseNamespace: string; options: WatchOptions; settings: ReplaceSettings & { readonly automatic: boolean }; time: ReplacementTime | undefined; claims: ReadonlySet<string>;
  hooks: { onLeading: (() => void)[]; onLosing: (() => void)[]; beforeRelease: (() => Promise<void>)[] };
}): ReplacementRunner | undefined {
  if (!d.settings.automatic) return undefined;
  const time = d.time ?? REAL_TIME;
  const runner = createReplacementRunner({
    kc: d.kc, http: d.http, log: d.log, records: d.records, notifier: d.notifier, identity: d.identity,
    metrics: createReplaceMetrics(d.metrics.registry),
    isLeader: () => d.elector.isLeader(),
    journalNamespace: d.leaseNamespace,
    ...(d.options.watchNamespace ? { namespace: d.options.watchNamespace } : {}),
    settings: d.settings,
    now: time.now, sleep: time.sleep,
    ...(time.pollMs === undefined ? {} : { pollMs: time.pollMs }),
    resyncMs: d.options.resync * 1000,
    claimed: (key) => d.claims.has(key),
  });
  d.hooks.onLeading.push(() => runner.tookOver());
  d.hooks.onLosing.push(() => runner.lostLeadership());
  d.hooks.beforeRelease.push(() => runner.stop());
  return runner;
}

/**
 * The one factory of `watch`: builds every part in order and returns a single close() that
 * disposes of them in the reverse order of their dependencies. Tests call it directly.
 */
export async function startWatch(options: WatchOptions, io: CommandIO, clock: () => number = () => Date.now(), replacementTime?: ReplacementTime): Promise<RunningWatch> {
  const log = createLogger({ level: options.logLevel, destination: io.stderr });
  const { identity, leaseNamespace } = whoAmI(options, io);
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  const thresholds = policyThresholds(policy.watch, {
    ...(options.stuckAfter === undefined ? {} : { stuckAfterSeconds: options.stuckAfter }),
    ...(options.escalateAfter === undefined ? {} : { escalateAfterSeconds: options.escalateAfter }),
    ...(options.slowAfter === undefined ? {} : { slowAfterSeconds: options.slowAfter }),
  });
  const kc = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), env: io.env });
  const http = createKubeHttp(kc);
  const metrics = createWatchMetrics();
  const records: RecordWriter | undefined = options.records === "off" ? undefined : await createRecordWriter(options.records, (err) => log.error({ err }, "assessment records stopped: the writer failed"));
  const sinks = receivers(options);
  const notifier: Notifier | undefined = sinks.length === 0 ? undefined : createNotifier({
    receivers: sinks,
    onResult: (receiver, result, detail) => {
      metrics.notification(receiver, result);
      if (result !== "delivered") log.warn({ receiver, result, detail }, "escalation notification not delivered");
    },
  });
  // Campaigning starts first: the controller asks it who leads before it announces anything;
  // the controller is told when leadership is gained through this late-bound hook.
  const onLeading: (() => void)[] = [];
  const onLosing: (() => void)[] = [];
  const elector = startLeaseElector({
    http, namespace: leaseNamespace, name: options.leaseName, identity,
    leaseDurationMs: options.leaseDuration * 1000, renewDeadlineMs: options.renewDeadline * 1000, retryPeriodMs: options.retryPeriod * 1000,
    // The lease is timed on the real local clock whatever clock the assessments use.
    now: () => Date.now(),
    onStartedLeading: () => {
      metrics.leader(true);
      for (const hook of onLeading) hook();
      log.info({ identity, lease: `${leaseNamespace}/${options.leaseName}` }, "leading: announcing state changes");
    },
    onStoppedLeading: () => {
      metrics.leader(false);
      for (const hook of onLosing) hook();
      log.warn({ identity }, "no longer leading");
    },
    onError: (message) => log.warn({ error: message }, "leader election"),
  });
  const recovery = recoveryPolicy(policy, options.recovery);
  // Workloads recovery is replacing now: the replacement runner leaves their journals to it.
  const claims = new Set<string>();
  const controller = createReconciliationController({
    state: createWatchState({ thresholds, runbook: options.runbook }),
    http, records, metrics, log, notifier, identity, now: clock,
    isLeader: () => elector.isLeader(),
    resyncMs: options.resync * 1000,
    ...recovererOption({
      http, log, records, metrics, identity, now: clock, policy: recovery, isLeader: () => elector.isLeader(),
      replacement: replacementEnginePort({ http, journalNamespace: leaseNamespace, identity, settings: policy.replace, time: replacementTime ?? REAL_TIME, claims }),
    }),
  });
  onLeading.push(() => void controller.tookOver());
  const beforeRelease: (() => Promise<void>)[] = [];
  const replacements = startReplacements({ kc, http, log, records, notifier, identity, metrics, elector, leaseNamespace, options, settings: policy.replace, time: replacementTime, claims, hooks: { onLeading, onLosing, beforeRelease } });
  const watches = watchKinds(kc, { options, http, controller, metrics, log });
  let draining = false;
  const app = healthServer({ metrics, ready: () => (draining ? "shutting down" : watches.synced() ? undefined : "initial lists not done") });
  const close = async (): Promise<void> => {
    draining = true;
    // The lease is released only once nothing it guards runs (client-go ReleaseOnCancel's rule).
    for (const stop of beforeRelease) await stop();
    await elector.stop();
    watches.stop();
    controller.stop();
    await app.close();
    await notifier?.close(NOTIFY_CLOSE_MS);
    await records?.close();
    log.info("stopped");
    log.flush();
  };
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log.info({ identity, port, leaseNamespace, resyncSeconds: options.resync, recovery: recovery.mode }, "gitops-guard watching");
  return { port, controller, elector, metrics, replacements, close };
}

/** Runs watch until SIGTERM/SIGINT. */
export async function runWatch(options: WatchOptions, io: CommandIO): Promise<void> {
  const running = await startWatch(options, io);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void running.close().then(resolve, resolve);
    };
    io.onSignal("SIGTERM", stop);
    io.onSignal("SIGINT", stop);
  });
}
