import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { createFluxApplier } from "./e2e/flux-applier.ts";
import type { SimulatedApiServer } from "./kube-apiserver/start-kube-api-server.ts";
import type { SimController } from "./kube-controllers/sim-controller.ts";

const KS_API = "kustomize.toolkit.fluxcd.io/v1";
const REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";
/** kustomize-controller skips (neither applies nor prunes) live objects carrying this (watch-recovery.md §6.3). */
const RECONCILE_DISABLED = "kustomize.toolkit.fluxcd.io/reconcile";

export interface FluxOwner extends SimController {
  /** A commit merged: what `kustomize build` now gives, and its revision. */
  setSource(revision: string, objects: readonly JsonObject[]): void;
  runs(): number;
}

function annotationOf(obj: JsonObject | undefined, key: string): string | undefined {
  const meta = obj?.["metadata"];
  const annotations = isJsonObject(meta) ? meta["annotations"] : undefined;
  const value = isJsonObject(annotations) && Object.hasOwn(annotations, key) ? annotations[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

function refOf(obj: JsonObject): { apiVersion: string; kind: string; namespace: string; name: string } {
  const meta = isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
  return { apiVersion: String(obj["apiVersion"]), kind: String(obj["kind"]), namespace: String(meta["namespace"] ?? ""), name: String(meta["name"]) };
}

/**
 * kustomize-controller for one Kustomization as a controller of the simulated cluster (it runs in
 * the driver's rounds, on simulated time): it reconciles when a new revision arrives, when
 * requestedAt changes, and every `retryMs` while failing; it applies with the Flux applier
 * (dry-run all, then apply; immutable errors fail the whole Kustomization), skips live objects
 * marked `kustomize.toolkit.fluxcd.io/reconcile: disabled`, and writes status as the real
 * controller does (Ready, Reconciling, lastAttempted/AppliedRevision, lastHandledReconcileAt).
 */
export function createFluxOwner(server: SimulatedApiServer, options: { readonly namespace: string; readonly name: string; readonly revision: string; readonly objects: readonly JsonObject[]; readonly retryMs: number }): FluxOwner {
  const { namespace, name } = options;
  const ref = { apiVersion: KS_API, kind: "Kustomization", namespace, name };
  const applier = createFluxApplier({ server, kustomization: { name, namespace }, waitIntervalMs: 10, waitTimeoutMs: 5000 });
  let revision = options.revision;
  let objects = options.objects;
  let appliedRevision: string | undefined;
  let handled: string | undefined;
  let failingSince: number | undefined;
  let lastRun = Number.NEGATIVE_INFINITY;
  let runs = 0;
  const cond = (type: string, status: string, reason: string, message: string, at: string): JsonObject => ({ type, status, reason, message, lastTransitionTime: at });
  return {
    name: "kustomize-controller",
    setSource(rev, list) {
      revision = rev;
      objects = list;
    },
    runs: () => runs,
    async sync(ctx) {
      const ks = ctx.api.get(ref);
      if (ks === undefined) return;
      const now = ctx.api.now().getTime();
      const requested = annotationOf(ks, REQUESTED_AT);
      const due = appliedRevision !== revision && (failingSince === undefined || now - lastRun >= options.retryMs);
      if (!due && (requested === undefined || requested === handled)) return;
      runs++;
      lastRun = now;
      handled = requested;
      const applicable = objects.filter((o) => annotationOf(ctx.api.get(refOf(o)), RECONCILE_DISABLED) !== "disabled");
      const result = await applier.reconcile(applicable);
      const at = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
      const live = server.store.get(ref);
      if (live === undefined) return;
      const meta = isJsonObject(live["metadata"]) ? live["metadata"] : {};
      const generation = typeof meta["generation"] === "number" ? meta["generation"] : 1;
      const handledField: JsonObject = requested === undefined ? {} : { lastHandledReconcileAt: requested };
      if (result.ready) {
        appliedRevision = revision;
        failingSince = undefined;
        server.store.put({ ...live, status: { observedGeneration: generation, lastAppliedRevision: revision, lastAttemptedRevision: revision, ...handledField, conditions: [cond("Ready", "True", "ReconciliationSucceeded", `Applied revision: ${revision}`, at)] } });
        return;
      }
      failingSince ??= now;
      const message = result.error ?? "apply failed";
      server.store.put({
        ...live,
        status: {
          observedGeneration: generation, ...(appliedRevision === undefined ? {} : { lastAppliedRevision: appliedRevision }), lastAttemptedRevision: revision, ...handledField,
          conditions: [cond("Reconciling", "True", "ProgressingWithRetry", message, at), cond("Ready", "False", "ReconciliationFailed", message, at)],
        },
      });
    },
  };
}
