import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject } from "../../k8s/json.ts";
import { describeObject } from "../../k8s/kube-object.ts";
import { entryFor, type CascadeEntry, type ChangedObject } from "./cascade-entry.ts";
import { refKey, type SideObject } from "./side-index.ts";
import type { CascadeSides } from "./workload-cascade.ts";

/** `namespace/name` of every ServiceAccount subject (a RoleBinding's subject namespace defaults to its own). */
function accounts(node: SideObject | undefined): Set<string> {
  const out = new Set<string>();
  const subjects = getAt(node?.object, ["subjects"]);
  for (const s of Array.isArray(subjects) ? subjects : []) {
    if (!isJsonObject(s) || s["kind"] !== "ServiceAccount" || typeof s["name"] !== "string") continue;
    const ns = typeof s["namespace"] === "string" && s["namespace"] !== "" ? s["namespace"] : node?.identity.kind === "RoleBinding" ? node.identity.namespace : undefined;
    if (ns) out.add(`${ns}/${s["name"]}`);
  }
  return out;
}

function split(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/**
 * A changed RoleBinding or ClusterRoleBinding: the ServiceAccounts it stops binding (removed
 * subjects, the binding removed, or replaced because its roleRef changed — roleRef is immutable),
 * and the workloads running as them.
 */
export function rbacCascade(sides: CascadeSides, changed: ChangedObject): CascadeEntry[] {
  const { group, kind, namespace, name } = changed.identity;
  if (group !== "rbac.authorization.k8s.io" || (kind !== "RoleBinding" && kind !== "ClusterRoleBinding")) return [];
  const binding = describeObject(kind, namespace, name);
  const now = changed.replaced ? new Set<string>() : accounts(changed.after);
  const effect = changed.replaced ? "recreated-target" : "permissions-removed";
  const why = changed.replaced ? `is deleted and created again (roleRef is immutable): its permissions are missing meanwhile` : "no longer grants it anything";
  const entries: CascadeEntry[] = [];
  for (const key of accounts(changed.before)) {
    if (now.has(key)) continue;
    const [ns, sa] = split(key);
    const saKey = refKey("", "ServiceAccount", ns, sa);
    const account = sides.after.objects.get(saKey);
    if (account) entries.push(entryFor(account, "bound-by", effect, `${binding} ${why} (ServiceAccount ${key})`));
    for (const ref of sides.after.refs.get(saKey) ?? []) {
      if (ref.reference?.via !== "serviceAccount") continue;
      const user = describeObject(ref.holder.identity.kind, ref.holder.identity.namespace, ref.holder.identity.name);
      entries.push(entryFor(ref.holder, "references", effect, `${user} runs as ServiceAccount ${key}, and ${binding} ${why}`, ref.path));
    }
  }
  return entries;
}
