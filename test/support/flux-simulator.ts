import type { JsonObject } from "../../src/core/k8s/json.ts";
import type { SimulatedApiServer } from "./kube-apiserver/start-kube-api-server.ts";

/**
 * A simulated kustomize-controller and helm-controller: they write status the way the real ones do
 * (watch-recovery.md §1.2–1.3; conditions, reasons, messages and revisions as in
 * kustomization_controller.go and helm-controller internal/reconcile), driven by scripted calls.
 * A failing object is retried every `retryIntervalMs`: each attempt flips Ready to Unknown
 * (Progressing) and back to False with a fresh lastTransitionTime, as the real controllers do.
 */
export interface FluxSimulator {
  createKustomization(namespace: string, name: string, spec?: JsonObject): void;
  createHelmRelease(namespace: string, name: string, spec?: JsonObject): void;
  ready(kind: FluxKind, namespace: string, name: string, revision?: string): void;
  /** Apply failure retried forever (ReconciliationFailed / UpgradeFailed, Reconciling=True ProgressingWithRetry). */
  failing(kind: FluxKind, namespace: string, name: string, reason: string, message: string): void;
  /** DependencyNotReady, rewritten every dependency requeue (30 s in Flux; dependencyRequeueMs here). */
  waitingOn(namespace: string, name: string, dependency: string): void;
  /** helm-controller gave up: Stalled=True RetriesExceeded. */
  retriesExceeded(namespace: string, name: string, attempts: number, message: string): void;
  stop(): void;
}

export type FluxKind = "Kustomization" | "HelmRelease";

const API = { Kustomization: "kustomize.toolkit.fluxcd.io/v1", HelmRelease: "helm.toolkit.fluxcd.io/v2" } as const;

export function startFluxSimulator(server: SimulatedApiServer, options: { readonly retryIntervalMs: number; readonly dependencyRequeueMs: number }): FluxSimulator {
  const loops = new Map<string, NodeJS.Timeout>();
  const iso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

  const get = (kind: FluxKind, namespace: string, name: string): JsonObject => {
    const obj = server.store.get({ apiVersion: API[kind], kind, namespace, name });
    if (obj === undefined) throw new Error(`${kind} ${namespace}/${name} not created`);
    return obj;
  };
  const writeStatus = (kind: FluxKind, namespace: string, name: string, status: JsonObject): void => {
    server.store.put({ ...get(kind, namespace, name), status });
  };
  const loop = (key: string, everyMs: number, attempt: () => void): void => {
    clearInterval(loops.get(key));
    attempt();
    loops.set(key, setInterval(attempt, everyMs));
  };
  const cond = (type: string, status: string, reason: string, message: string): JsonObject => ({ type, status, reason, message, lastTransitionTime: iso() });

  return {
    createKustomization(namespace, name, spec = {}) {
      server.store.put({ apiVersion: API.Kustomization, kind: "Kustomization", metadata: { namespace, name }, spec: { interval: "10m", path: `./${name}`, prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" }, ...spec } });
    },
    createHelmRelease(namespace, name, spec = {}) {
      server.store.put({ apiVersion: API.HelmRelease, kind: "HelmRelease", metadata: { namespace, name }, spec: { interval: "10m", chart: { spec: { chart: name, sourceRef: { kind: "HelmRepository", name: "charts" } } }, ...spec } });
    },
    ready(kind, namespace, name, revision = "main@sha1:1111111111111111111111111111111111111111") {
      clearInterval(loops.get(`${kind}/${namespace}/${name}`));
      const message = kind === "Kustomization" ? `Applied revision: ${revision}` : `Helm upgrade succeeded for release ${namespace}/${name}.v2 with chart ${name}@1.0.0`;
      writeStatus(kind, namespace, name, {
        observedGeneration: 1,
        ...(kind === "Kustomization" ? { lastAppliedRevision: revision, lastAttemptedRevision: revision } : { failures: 0 }),
        conditions: [cond("Ready", "True", kind === "Kustomization" ? "ReconciliationSucceeded" : "UpgradeSucceeded", message)],
      });
    },
    failing(kind, namespace, name, reason, message) {
      loop(`${kind}/${namespace}/${name}`, options.retryIntervalMs, () => {
        // Start of the attempt: Ready=Unknown Progressing (the transition time resets) …
        writeStatus(kind, namespace, name, { observedGeneration: 1, conditions: [cond("Reconciling", "True", "Progressing", "Reconciliation in progress"), cond("Ready", "Unknown", "Progressing", "Reconciliation in progress")] });
        // … and its failure: Ready=False with the error, Reconciling=True ProgressingWithRetry.
        writeStatus(kind, namespace, name, {
          observedGeneration: 1,
          ...(kind === "Kustomization" ? { lastAppliedRevision: "main@sha1:1111111111111111111111111111111111111111", lastAttemptedRevision: "main@sha1:2222222222222222222222222222222222222222" } : {}),
          conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message), cond("Ready", "False", reason, message)],
        });
      });
    },
    waitingOn(namespace, name, dependency) {
      loop(`Kustomization/${namespace}/${name}`, options.dependencyRequeueMs, () => {
        writeStatus("Kustomization", namespace, name, { conditions: [cond("Ready", "False", "DependencyNotReady", `dependency '${namespace}/${dependency}' is not ready`)] });
      });
    },
    retriesExceeded(namespace, name, attempts, message) {
      clearInterval(loops.get(`HelmRelease/${namespace}/${name}`));
      writeStatus("HelmRelease", namespace, name, {
        observedGeneration: 1,
        failures: attempts,
        lastAttemptedReleaseAction: "upgrade",
        conditions: [cond("Stalled", "True", "RetriesExceeded", `Failed to upgrade after ${attempts} attempt(s)`), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)],
      });
    },
    stop() {
      for (const t of loops.values()) clearInterval(t);
      loops.clear();
    },
  };
}
