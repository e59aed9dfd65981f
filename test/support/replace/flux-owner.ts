import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaString, metaValue } from "../../../src/core/k8s/kube-object.ts";
import type { SimController } from "../kube-controllers/sim-controller.ts";

const KUSTOMIZATION = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" };

/**
 * kustomize-controller reduced to what a replacement by the owner needs: when a Kustomization's
 * `reconcile.fluxcd.io/requestedAt` differs from its `status.lastHandledReconcileAt`, it applies
 * its manifests — creating those that are missing (an orphan-deleted object comes back from
 * Git) and skipping objects marked `kustomize.toolkit.fluxcd.io/reconcile: disabled` — then
 * records the request as handled (watch-recovery.md §2). Existing objects are not updated here:
 * the scenario is about re-creation.
 */
export function createFluxOwner(manifests: ReadonlyMap<string, readonly JsonObject[]>): SimController & { readonly applies: () => number } {
  let applies = 0;
  return {
    name: "kustomize-controller",
    applies: () => applies,
    async sync(ctx) {
      for (const ks of ctx.api.list(KUSTOMIZATION)) {
        const requested = metaValue(ks, "annotations", "reconcile.fluxcd.io/requestedAt");
        const status = isJsonObject(ks["status"]) ? ks["status"] : {};
        if (requested === undefined || status["lastHandledReconcileAt"] === requested) continue;
        const key = `${metaString(ks, "namespace") ?? ""}/${metaString(ks, "name") ?? ""}`;
        for (const obj of manifests.get(key) ?? []) {
          const ref = { apiVersion: String(obj["apiVersion"]), kind: String(obj["kind"]), namespace: metaString(obj, "namespace") ?? "", name: metaString(obj, "name") ?? "" };
          const live = ctx.api.get(ref);
          if (live !== undefined) continue;
          await ctx.api.create(structuredClone(obj));
        }
        applies++;
        await ctx.api.update({ ...KUSTOMIZATION, namespace: metaString(ks, "namespace") ?? "", name: metaString(ks, "name") ?? "" }, (current) => ({ ...current, status: { ...(isJsonObject(current["status"]) ? current["status"] : {}), lastHandledReconcileAt: requested } }), "status");
      }
    },
  };
}
