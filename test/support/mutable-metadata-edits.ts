import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { existingList, existingObject, objectAt, setDifferent, type MutableEdit } from "./mutable-edit.ts";

/**
 * ObjectMeta edits every kind accepts (reference/k8s-immutable-fields.md §2.1: labels, annotations
 * and ownerReferences are validated for syntax only, ValidateObjectMetaAccessorUpdate in
 * apimachinery objectmeta.go; finalizers may be removed always and added while the object is not
 * being deleted, ValidateNoNewFinalizers). The few annotations the API server guards are never
 * touched: Pod mirror and beta AppArmor annotations (ValidatePodSpecificAnnotationUpdates) and the
 * PVC beta storage-class annotation (ValidateImmutableAnnotation).
 */

const META = "apimachinery pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessorUpdate); reference §2.1";

const LABEL_KEYS = ["team", "app.kubernetes.io/version", "example.com/tier", "env"];
const VALUES = ["a", "b", "v2", "prod", "x-1"];
const ANNOTATION_KEYS = ["example.com/note", "kubectl.kubernetes.io/restartedAt", "description"];

/** Keys an update may not add, change or remove (kind-specific), or that the server rewrites. */
function guardedKey(object: JsonObject, field: "labels" | "annotations", key: string): boolean {
  const kind = object["kind"];
  if (field === "labels") return kind === "Namespace" && key === "kubernetes.io/metadata.name";
  if (kind === "Pod") return key === "kubernetes.io/config.mirror" || key.startsWith("container.apparmor.security.beta.kubernetes.io/");
  return kind === "PersistentVolumeClaim" && key === "volume.beta.kubernetes.io/storage-class";
}

function setEntry(field: "labels" | "annotations", keys: readonly string[]): MutableEdit {
  return {
    field: `metadata.${field}`,
    source: META,
    apply: (incoming, _live, rand) => {
      const map = objectAt(incoming, ["metadata", field]);
      return map !== undefined && setDifferent(map, rand.pick(keys), VALUES, rand);
    },
  };
}

function removeEntry(field: "labels" | "annotations"): MutableEdit {
  return {
    field: `metadata.${field}`,
    source: META,
    apply: (incoming, _live, rand) => {
      const map = existingObject(incoming, ["metadata", field]);
      const keys = Object.keys(map ?? {}).filter((key) => !guardedKey(incoming, field, key));
      if (!map || keys.length === 0) return false;
      delete map[rand.pick(keys)];
      return true;
    },
  };
}

export const METADATA_EDITS: readonly MutableEdit[] = [
  setEntry("labels", LABEL_KEYS),
  removeEntry("labels"),
  setEntry("annotations", ANNOTATION_KEYS),
  removeEntry("annotations"),
  {
    field: "metadata.finalizers",
    source: "apimachinery objectmeta.go (ValidateNoNewFinalizers: only while being deleted); reference §2.1",
    apply: (incoming, live) => {
      const deleting = isJsonObject(live["metadata"]) && live["metadata"]["deletionTimestamp"];
      if (deleting) return false;
      const metadata = objectAt(incoming, ["metadata"]);
      const finalizers = existingList(incoming, ["metadata", "finalizers"]) ?? [];
      if (!metadata || finalizers.includes("example.com/cleanup")) return false;
      metadata["finalizers"] = [...finalizers, "example.com/cleanup"];
      return true;
    },
  },
  {
    field: "metadata.finalizers",
    source: "apimachinery objectmeta.go (removing finalizers is always allowed); reference §2.1",
    apply: (incoming, _live, rand) => {
      const finalizers = existingList(incoming, ["metadata", "finalizers"]);
      if (!finalizers || finalizers.length === 0) return false;
      finalizers.splice(rand.int(finalizers.length), 1);
      return true;
    },
  },
  {
    field: "metadata.ownerReferences",
    source: META,
    apply: (incoming, _live, rand) => {
      const metadata = objectAt(incoming, ["metadata"]);
      if (!metadata) return false;
      const refs = existingList(incoming, ["metadata", "ownerReferences"]) ?? [];
      if (refs.length > 0 && rand.bool()) {
        refs.splice(rand.int(refs.length), 1);
        return true;
      }
      const uid = `0b6c1a4e-7d2f-4c1b-9a5e-${String(rand.int(1e12)).padStart(12, "0")}`;
      metadata["ownerReferences"] = [...refs, { apiVersion: "v1", kind: "ConfigMap", name: `owner-${rand.int(100)}`, uid }];
      return true;
    },
  },
];
