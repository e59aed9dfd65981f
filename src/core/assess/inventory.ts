import type { ObjectRef } from "./object-ref.ts";

/**
 * Kustomization inventory ids are `<namespace>_<name>_<group>_<kind>` (kustomize-controller
 * api/v1/inventory_types.go; namespace empty for cluster-scoped objects). The named objects that
 * appear in it, matched by kind and name (and namespace when the message gave one).
 */
export function objectsInInventory(entries: readonly { readonly id: string }[] | undefined, objects: readonly ObjectRef[]): ObjectRef[] {
  if (entries === undefined || entries.length === 0 || objects.length === 0) return [];
  const ids = new Map<string, string[]>();
  for (const { id } of entries) {
    const parts = id.split("_");
    if (parts.length !== 4) continue;
    const [namespace, name, , kind] = parts as [string, string, string, string];
    const key = `${kind}/${name}`;
    const list = ids.get(key);
    if (list) list.push(namespace);
    else ids.set(key, [namespace]);
  }
  const found: ObjectRef[] = [];
  for (const o of objects) {
    const namespaces = ids.get(`${o.kind}/${o.name}`);
    if (namespaces === undefined) continue;
    if (o.namespace !== null && !namespaces.includes(o.namespace)) continue;
    found.push(o.namespace !== null || namespaces.length !== 1 ? o : { ...o, namespace: namespaces[0] === "" ? null : namespaces[0]! });
  }
  return found;
}
