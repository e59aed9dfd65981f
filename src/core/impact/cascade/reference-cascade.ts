import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonValue } from "../../k8s/json.ts";
import { describeObject, identityKey } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import { nodeName, refKey, type Ref, type SideObject } from "./side-index.ts";
import type { CascadeSides } from "./workload-cascade.ts";

const REFERENCED: ReadonlySet<string> = new Set(["ConfigMap", "Secret", "PersistentVolumeClaim", "ServiceAccount"]);

/** The keys a ConfigMap or Secret holds (data, stringData, binaryData). */
function keysOf(node: SideObject | undefined): Set<string> {
  const keys = new Set<string>();
  for (const field of ["data", "stringData", "binaryData"]) {
    const map = node ? getAt(node.object, [field]) : undefined;
    if (!isJsonObject(map)) continue;
    for (const key in map) if (Object.hasOwn(map, key)) keys.add(key);
  }
  return keys;
}

function dataOf(node: SideObject | undefined): JsonValue[] {
  return ["data", "stringData", "binaryData"].map((f) => (node ? (getAt(node.object, [f]) ?? null) : null));
}

function removedEntry(ref: Ref, target: string): CascadeEntry | undefined {
  const optional = ref.reference?.optional === true;
  if (optional) return undefined;
  if (ref.holder.identity.kind === "RoleBinding" || ref.holder.identity.kind === "ClusterRoleBinding") {
    return entryFor(ref.holder, "references", "missing-reference", `${nodeName(ref.holder)} binds ${target}, which is removed (the binding grants nothing to it)`, ref.path);
  }
  const consequence =
    ref.reference?.via === "serviceAccount"
      ? "new pods are refused (the service account does not exist)"
      : ref.reference?.via === "substituteFrom"
        ? "its reconciliation fails"
        : "its pods fail to start (CreateContainerConfigError or a volume that cannot mount)";
  return entryFor(ref.holder, "references", "missing-reference", `${target} is removed but still referenced by ${nodeName(ref.holder)} at ${ref.path}: ${consequence}`, ref.path);
}

function modifiedEntry(ref: Ref, changed: ChangedObject, target: string): CascadeEntry | undefined {
  const reference = ref.reference;
  if (!reference) return undefined;
  const keys = keysOf(changed.after);
  const before = keysOf(changed.before);
  const lost = (reference.keys ?? []).filter((k) => before.has(k) && !keys.has(k));
  if (lost.length > 0 && !reference.optional) {
    return entryFor(ref.holder, "references", "missing-key", `${nodeName(ref.holder)} reads key ${lost.join(", ")} of ${target} at ${ref.path}, which the change removes`, ref.path);
  }
  if (reference.via === "env" && !dataOf(changed.before).every((v, i) => semanticEqual(v, dataOf(changed.after)[i]))) {
    return entryFor(ref.holder, "references", "stale-until-restart", `${nodeName(ref.holder)} reads ${target} through env, which pods read only at start: running pods keep the old values until they restart`, ref.path);
  }
  return undefined;
}

/**
 * A changed ConfigMap, Secret, PersistentVolumeClaim or ServiceAccount: what still references it
 * (workloads, Flux substituteFrom/valuesFrom, Ingress TLS, RBAC subjects) after the change.
 */
export function referenceCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind, namespace, name: n } = changed.identity;
  if (group !== "" || !REFERENCED.has(kind)) return [];
  const target = describeObject(kind, namespace, n);
  const refs = sides.after.refs.get(refKey(group, kind, namespace, n)) ?? [];
  return refs.flatMap((ref) => {
    if (identityKey(ref.holder.identity) === identityKey(changed.identity)) return [];
    let entry: CascadeEntry | undefined;
    if (changed.change === "removed") entry = removedEntry(ref, target);
    else if (changed.replaced && ref.reference) {
      entry = entryFor(ref.holder, "references", "recreated-target", `${nodeName(ref.holder)} uses ${target}, which is deleted and created again`, ref.path);
    } else if (changed.change === "modified") entry = modifiedEntry(ref, changed, target);
    return entry ? [entry] : [];
  });
}
