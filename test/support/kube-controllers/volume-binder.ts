import { refOf, tolerateRace } from "./cluster-api.ts";
import { isDeleting, meta, objectField, stringField } from "./json-fields.ts";
import { PVC } from "./kinds.ts";
import type { SimController } from "./sim-controller.ts";

/**
 * A simulated PV controller with a dynamic provisioner: every PVC without spec.volumeName gets a
 * volume `pvc-<uid>` (the name external provisioners give) and status Bound with its access modes
 * and requested capacity, so kstatus calls it Current. No PersistentVolume objects, no storage
 * classes, no WaitForFirstConsumer.
 */
export function createVolumeBinder(): SimController {
  return {
    name: "persistentvolume-binder-controller",
    async sync(ctx) {
      for (const claim of ctx.api.list(PVC)) {
        if (isDeleting(claim)) continue;
        const spec = objectField(claim, "spec");
        const ref = refOf(PVC, claim);
        if (stringField(spec, "volumeName") === "") {
          await tolerateRace(ctx.api.update(ref, (c) => ({ ...c, spec: { ...objectField(c, "spec"), volumeName: `pvc-${meta(c, "uid")}` } })), (e) => ctx.report(e));
        }
        if (stringField(objectField(claim, "status"), "phase") === "Bound") continue;
        const requests = objectField(objectField(spec, "resources"), "requests");
        await tolerateRace(ctx.api.update(ref, (c) => ({
          ...c,
          status: { phase: "Bound", ...(Array.isArray(spec["accessModes"]) ? { accessModes: spec["accessModes"] } : {}), ...(requests["storage"] !== undefined ? { capacity: { storage: requests["storage"] } } : {}) },
        }), "status"), (e) => ctx.report(e));
      }
    },
  };
}
