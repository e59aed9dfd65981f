import type { JsonObject } from "../k8s/json.ts";
import { groupOf } from "../k8s/kube-object.ts";
import type { ManifestObject } from "./manifest-object.ts";

/**
 * StorageClasses by name, for rules that need them (PVC expansion reads `allowVolumeExpansion`):
 * the after set's definition of a class, else the before set's. Classes defined in neither set stay
 * unknown, and unknown facts never make a change blocking (rule.ts ClusterFacts).
 */
export function storageClassesOf(before: readonly ManifestObject[], after: readonly ManifestObject[]): Map<string, JsonObject> {
  const classes = new Map<string, JsonObject>();
  for (const set of [before, after]) {
    for (const m of set) {
      if (m.kind === "StorageClass" && groupOf(m.apiVersion) === "storage.k8s.io") classes.set(m.name, m.object);
    }
  }
  return classes;
}
