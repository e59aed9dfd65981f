import type { ApiContext } from "./api-context.ts";
import { metaString } from "./object-metadata.ts";
import type { ResourceType } from "./resource-type.ts";
import { forbidden, notFound } from "./status-error.ts";

/**
 * The NamespaceLifecycle admission plugin (first in kube-apiserver's admission chain): creating a
 * namespaced object needs its namespace to exist (404 `namespaces "x" not found`) and not to be
 * terminating (403 with cause NamespaceTerminating). Objects put through the test store skip this.
 */
export function checkNamespaceLifecycle(ctx: ApiContext, resource: ResourceType, namespace: string): void {
  if (!resource.namespaced) return;
  const ns = ctx.store.get("namespaces", "", namespace);
  if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
  if (metaString(ns, "deletionTimestamp") !== "") {
    throw forbidden(`${resource.plural}${resource.group ? `.${resource.group}` : ""} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      name: namespace,
      kind: "namespaces",
      causes: [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }],
    });
  }
}
