import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { createFluxApplier } from "./e2e/flux-applier.ts";
import { rawRequest } from "./kube-apiserver/raw-request.ts";
import type { SimulatedApiServer } from "./kube-apiserver/start-kube-api-server.ts";

/**
 * Simulated kustomize-controller and helm-controller that react to the levers recovery pulls
 * (watch-recovery.md §2–3): `reconcile.fluxcd.io/requestedAt` (copied to
 * status.lastHandledReconcileAt on every run), `resetAt`/`forceAt` equal to it, Flux's force
 * marker on the live object (through the real Flux applier: createFluxApplier), helm-controller's
 * unlock of a pending-* release on its next run, terminal `RetriesExceeded`, and Helm's upgrade
 * creating objects that are missing. A deployment "controller" writes available status so kstatus
 * says Current. Everything runs over HTTPS against the simulated API server, on a timer.
 */

const KS_API = "kustomize.toolkit.fluxcd.io/v1";
const HR_API = "helm.toolkit.fluxcd.io/v2";
const REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";

const iso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const cond = (type: string, status: string, reason: string, message: string): JsonObject => ({ type, status, reason, message, lastTransitionTime: iso() });

function annotation(obj: JsonObject, key: string): string | undefined {
  const meta = obj["metadata"];
  const annotations = isJsonObject(meta) ? meta["annotations"] : undefined;
  const value = isJsonObject(annotations) && Object.hasOwn(annotations, key) ? annotations[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

function statusOf(obj: JsonObject): JsonObject {
  return isJsonObject(obj["status"]) ? obj["status"] : {};
}

function generationOf(obj: JsonObject): number {
  const meta = obj["metadata"];
  const g = isJsonObject(meta) ? meta["generation"] : undefined;
  return typeof g === "number" ? g : 1;
}

/** Deployments report available replicas once observed (what the deployment controller and kubelet would write). */
function settleDeployments(server: SimulatedApiServer): void {
  for (const d of server.store.list("apps/v1", "Deployment")) {
    const status = statusOf(d);
    if (status["observedGeneration"] === generationOf(d)) continue;
    const spec = isJsonObject(d["spec"]) ? d["spec"] : {};
    const replicas = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
    server.store.put({
      ...d,
      status: {
        observedGeneration: generationOf(d), replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
        conditions: [cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."), cond("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet has successfully progressed.")],
      },
    });
  }
}

/** Jobs start (startTime set): kstatus calls a running Job Current. */
function settleJobs(server: SimulatedApiServer): void {
  for (const j of server.store.list("batch/v1", "Job")) {
    if (typeof statusOf(j)["startTime"] === "string") continue;
    server.store.put({ ...j, status: { startTime: iso(), active: 1 } });
  }
}

/** What the workload controllers and the kubelet would write after an apply. */
export function settleWorkloads(server: SimulatedApiServer): void {
  settleDeployments(server);
  settleJobs(server);
}

export interface KustomizeLoop {
  /** What Git holds now (the output of kustomize build) and its revision. */
  setSource(revision: string, objects: readonly JsonObject[]): void;
  /** Runs one reconcile now (tests that step by hand). */
  reconcileNow(): Promise<void>;
  /** Reconciles so far. */
  runs(): number;
  stop(): void;
}

/**
 * kustomize-controller for one Kustomization: every `intervalMs`, and at once when requestedAt
 * changes, applies the source with the Flux applier and writes status as the real controller does
 * (watch-recovery.md §1.2): success → Ready=True ReconciliationSucceeded, lastAppliedRevision;
 * failure → Ready=False ReconciliationFailed with the applier's message, Reconciling=True
 * ProgressingWithRetry, lastAttemptedRevision only. lastHandledReconcileAt = requestedAt, always.
 */
export function startKustomizeLoop(server: SimulatedApiServer, options: { readonly namespace: string; readonly name: string; readonly intervalMs: number; readonly revision: string; readonly objects: readonly JsonObject[] }): KustomizeLoop {
  const { namespace, name } = options;
  let revision = options.revision;
  let objects = options.objects;
  let runs = 0;
  let running: Promise<void> | undefined;
  const applier = createFluxApplier({ server, kustomization: { name, namespace }, waitIntervalMs: 10, waitTimeoutMs: 2000 });
  const ref = { apiVersion: KS_API, kind: "Kustomization", namespace, name };
  if (server.store.get(ref) === undefined) {
    server.store.put({ apiVersion: KS_API, kind: "Kustomization", metadata: { namespace, name }, spec: { interval: "10m", path: `./${name}`, prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } } });
  }
  const once = async (): Promise<void> => {
    runs++;
    const requested = annotation(server.store.get(ref) ?? {}, REQUESTED_AT);
    const result = await applier.reconcile(objects);
    const live = server.store.get(ref);
    if (live === undefined) return;
    const before = statusOf(live);
    const handled: JsonObject = requested === undefined ? {} : { lastHandledReconcileAt: requested };
    if (result.ready) {
      server.store.put({ ...live, status: { observedGeneration: generationOf(live), lastAppliedRevision: revision, lastAttemptedRevision: revision, ...handled, conditions: [cond("Ready", "True", "ReconciliationSucceeded", `Applied revision: ${revision}`)] } });
    } else {
      const message = result.error ?? "apply failed";
      server.store.put({
        ...live,
        status: {
          ...(typeof before["observedGeneration"] === "number" ? { observedGeneration: before["observedGeneration"] } : {}),
          ...(typeof before["lastAppliedRevision"] === "string" ? { lastAppliedRevision: before["lastAppliedRevision"] } : {}),
          lastAttemptedRevision: revision, ...handled,
          conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message), cond("Ready", "False", "ReconciliationFailed", message)],
        },
      });
    }
    settleWorkloads(server);
  };
  const run = (): Promise<void> => {
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  let lastRequested = annotation(server.store.get(ref) ?? {}, REQUESTED_AT);
  const timer = setInterval(() => void run(), options.intervalMs);
  // A changed requestedAt wakes the controller at once (ReconcileRequestedPredicate).
  const poll = setInterval(() => {
    const now = annotation(server.store.get(ref) ?? {}, REQUESTED_AT);
    if (now !== lastRequested) {
      lastRequested = now;
      void run();
    }
  }, 20);
  return {
    setSource(rev, list) {
      revision = rev;
      objects = list;
    },
    reconcileNow: run,
    runs: () => runs,
    stop() {
      clearInterval(timer);
      clearInterval(poll);
    },
  };
}

export interface HelmLoop {
  /** helm-controller's state of the release: `pending-upgrade` = locked by a killed upgrade. */
  lockRelease(status: "pending-install" | "pending-upgrade" | "pending-rollback"): void;
  /** Whether an upgrade succeeds (besides immutable conflicts on the chart's objects): the Git side fixed or not. */
  setUpgradeSucceeds(ok: boolean): void;
  /** false: a helm-controller older than v0.37, which never unlocks a pending release (every upgrade fails on the lock). */
  setUnlocks(unlocks: boolean): void;
  runs(): number;
  stop(): void;
}

/**
 * helm-controller for one HelmRelease (watch-recovery.md §1.3, §3): each run copies requestedAt to
 * lastHandledReconcileAt; a pending-* release is unlocked to failed first (helm-controller ≥
 * v0.37, no age threshold); resetAt == requestedAt zeroes the failure counters; a Stalled
 * (RetriesExceeded) release is not retried without a reset or forceAt; an upgrade PATCHes each
 * chart object (the API server's validators refuse immutable changes) and creates missing ones
 * ("Since the resource does not exist, create it"). Failures past `retries` stall it.
 */
export function startHelmLoop(server: SimulatedApiServer, options: { readonly namespace: string; readonly name: string; readonly intervalMs: number; readonly retries: number; readonly objects: readonly JsonObject[] }): HelmLoop {
  const { namespace, name } = options;
  const ref = { apiVersion: HR_API, kind: "HelmRelease", namespace, name };
  let release: string = "deployed";
  let upgradeOk = true;
  let unlocks = true;
  let failures = 0;
  let runs = 0;
  let busy = false;
  let lastRequested: string | undefined;
  if (server.store.get(ref) === undefined) {
    server.store.put({ apiVersion: HR_API, kind: "HelmRelease", metadata: { namespace, name }, spec: { interval: "10m", chart: { spec: { chart: name, version: "1.0.0", sourceRef: { kind: "HelmRepository", name: "charts" } } }, upgrade: { remediation: { retries: options.retries } } } });
  }
  const send = async (method: string, path: string, body?: JsonObject, contentType = "application/json") => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return rawRequest(server, { method, path, token: server.token, ...(text === undefined ? {} : { body: text }), headers: { Accept: "application/json", ...(text === undefined ? {} : { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) }) } });
  };
  const pathOf = (obj: JsonObject): { item: string; collection: string } => {
    const apiVersion = String(obj["apiVersion"]);
    const plural = `${String(obj["kind"]).toLowerCase()}s`;
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const meta = isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
    const collection = `${base}/namespaces/${String(meta["namespace"] ?? namespace)}/${plural}`;
    return { collection, item: `${collection}/${String(meta["name"])}` };
  };
  /** helm upgrade: a three-way patch per object, create when missing; the first error fails it. */
  const upgrade = async (): Promise<string | undefined> => {
    if (!upgradeOk) return "post-upgrade hooks failed: job failed: BackoffLimitExceeded";
    for (const obj of options.objects) {
      const at = pathOf(obj);
      const live = await send("GET", at.item);
      const r = live.status === 404 ? await send("POST", at.collection, obj) : await send("PATCH", at.item, obj, "application/merge-patch+json");
      if (r.status >= 300) {
        const message = (JSON.parse(r.text) as { message?: string }).message ?? r.text;
        return `cannot patch "${String((obj["metadata"] as JsonObject)["name"])}" with kind ${String(obj["kind"])}: ${message}`;
      }
    }
    return undefined;
  };
  const writeStatus = (status: JsonObject): void => {
    const live = server.store.get(ref);
    if (live !== undefined) server.store.put({ ...live, status });
  };
  const chart = `${name}@1.0.0`;
  const once = async (): Promise<void> => {
    runs++;
    const live = server.store.get(ref);
    if (live === undefined) return;
    const requested = annotation(live, REQUESTED_AT);
    const newRequest = requested !== undefined && requested !== lastRequested;
    lastRequested = requested;
    const handled: JsonObject = requested === undefined ? {} : { lastHandledReconcileAt: requested };
    if (newRequest && annotation(live, "reconcile.fluxcd.io/resetAt") === requested) failures = 0;
    const forced = newRequest && annotation(live, "reconcile.fluxcd.io/forceAt") === requested;
    if (failures > options.retries && !forced) {
      writeStatus({ ...statusOf(live), ...handled });
      return; // Stalled (TerminalError): nothing until reset, force or a spec change
    }
    if (release.startsWith("pending-") && !unlocks) {
      failures++;
      const message = `Helm upgrade failed for release ${namespace}/${name} with chart ${chart}: another operation (install/upgrade/rollback) is in progress`;
      writeStatus({ observedGeneration: generationOf(live), failures, lastAttemptedReleaseAction: "upgrade", ...handled, conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)] });
      return;
    }
    if (release.startsWith("pending-")) {
      writeStatus({ ...statusOf(live), ...handled, conditions: [cond("Ready", "False", "PendingRelease", `Unlocked Helm release ${namespace}/${name}.v2 with chart ${chart} in ${release} state`), cond("Released", "False", "PendingRelease", `Unlocked Helm release ${namespace}/${name}.v2 with chart ${chart} in ${release} state`)] });
      release = "failed";
    }
    const error = await upgrade();
    if (error === undefined) {
      failures = 0;
      release = "deployed";
      writeStatus({ observedGeneration: generationOf(live), lastAttemptedGeneration: generationOf(live), lastAttemptedRevision: "1.0.0", lastAttemptedReleaseAction: "upgrade", failures: 0, ...handled, history: [{ version: 3, status: "deployed", chartVersion: "1.0.0" }], conditions: [cond("Ready", "True", "UpgradeSucceeded", `Helm upgrade succeeded for release ${namespace}/${name}.v3 with chart ${chart}`), cond("Released", "True", "UpgradeSucceeded", `Helm upgrade succeeded for release ${namespace}/${name}.v3 with chart ${chart}`)] });
      settleWorkloads(server);
      return;
    }
    failures++;
    release = "failed";
    const message = `Helm upgrade failed for release ${namespace}/${name} with chart ${chart}: ${error}`;
    const base = { observedGeneration: generationOf(live), lastAttemptedGeneration: generationOf(live), lastAttemptedRevision: "1.0.0", lastAttemptedReleaseAction: "upgrade", failures, upgradeFailures: failures, ...handled, history: [{ version: 2, status: "failed", chartVersion: "1.0.0" }] };
    if (failures > options.retries) {
      writeStatus({ ...base, conditions: [cond("Stalled", "True", "RetriesExceeded", `Failed to upgrade after ${failures} attempt(s)`), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)] });
    } else {
      writeStatus({ ...base, conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)] });
    }
  };
  const tick = (): void => {
    if (busy) return;
    busy = true;
    void once().finally(() => (busy = false));
  };
  const timer = setInterval(tick, options.intervalMs);
  const poll = setInterval(() => {
    const live = server.store.get(ref);
    if (live !== undefined && annotation(live, REQUESTED_AT) !== lastRequested) tick();
  }, 20);
  return {
    lockRelease(status) {
      // The last run failed on the lock (an upgrade killed mid-way left it); the next run unlocks it.
      release = status;
      const live = server.store.get(ref);
      const message = `Helm upgrade failed for release ${namespace}/${name} with chart ${chart}: another operation (install/upgrade/rollback) is in progress`;
      if (live !== undefined) writeStatus({ observedGeneration: generationOf(live), failures: 1, lastAttemptedReleaseAction: "upgrade", conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)] });
    },
    setUpgradeSucceeds(ok) {
      upgradeOk = ok;
    },
    setUnlocks(value) {
      unlocks = value;
    },
    runs: () => runs,
    stop() {
      clearInterval(timer);
      clearInterval(poll);
    },
  };
}
