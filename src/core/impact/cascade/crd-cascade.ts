import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject } from "../../k8s/json.ts";
import { describeObject, versionOf } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import type { SideObject } from "./side-index.ts";
import type { CascadeSides } from "./workload-cascade.ts";

/** How many custom resources one CRD change lists; the message of the last says how many more. */
export const MAX_INSTANCES = 100;

function definedKind(node: SideObject | undefined): string | undefined {
  const group = getAt(node?.object, ["spec", "group"]);
  const kind = getAt(node?.object, ["spec", "names", "kind"]);
  return typeof group === "string" && typeof kind === "string" ? `${group}/${kind}` : undefined;
}

/** Served versions: v1 `spec.versions[].served`, or the legacy v1beta1 `spec.version`. */
function servedVersions(node: SideObject | undefined): Set<string> {
  const out = new Set<string>();
  const versions = getAt(node?.object, ["spec", "versions"]);
  for (const v of Array.isArray(versions) ? versions : []) {
    if (isJsonObject(v) && typeof v["name"] === "string" && v["served"] !== false) out.add(v["name"]);
  }
  const legacy = getAt(node?.object, ["spec", "version"]);
  if (typeof legacy === "string") out.add(legacy);
  return out;
}

function instanceEntry(changed: ChangedObject, cr: SideObject, crd: string, served: ReadonlySet<string>): CascadeEntry | undefined {
  const what = describeObject(cr.identity.kind, cr.identity.namespace, cr.identity.name);
  if (changed.change === "removed" || changed.replaced) {
    const how = changed.change === "removed" ? "is removed" : "is deleted and created again";
    return entryFor(cr, "instance-of", "deleted", `${crd} ${how}: ${what} is deleted with it, with every other ${cr.identity.kind}`);
  }
  if (changed.change === "modified" && !served.has(versionOf(cr.apiVersion))) {
    return entryFor(cr, "instance-of", "missing-reference", `${what} is written in ${cr.apiVersion}, which ${crd} no longer serves`, "apiVersion");
  }
  return undefined;
}

/**
 * A changed CustomResourceDefinition: its custom resources in the manifests. Removing or
 * replacing a CRD deletes every resource of its kind (in every namespace); a version that stops
 * being served leaves the manifests that use it unappliable.
 */
export function crdCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind, name } = changed.identity;
  if (group !== "apiextensions.k8s.io" || kind !== "CustomResourceDefinition") return [];
  const defined = definedKind(changed.before) ?? definedKind(changed.after);
  if (!defined) return [];
  const crd = describeObject(kind, "", name);
  const side = changed.change === "removed" ? sides.before : sides.after;
  const instances = side.instances.get(defined) ?? [];
  const served = servedVersions(changed.after);
  const entries: CascadeEntry[] = [];
  for (const cr of instances) {
    if (entries.length >= MAX_INSTANCES) break;
    const entry = instanceEntry(changed, cr, crd, served);
    if (entry) entries.push(entry);
  }
  const more = instances.length - entries.length;
  if (more > 0 && entries.length >= MAX_INSTANCES) {
    const last = entries.pop();
    if (last) entries.push({ ...last, message: `${last.message} (and ${more + 1} more resources of this kind in the manifests, not listed)` });
  }
  return entries;
}
