import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue, type JsonObject } from "../../k8s/json.ts";
import { detectOwner, type OwningTool } from "../../owner/detect-owner.ts";
import type { DryRunOperation } from "./live-report.ts";

/** The field manager a dry run applies as when no GitOps tool owns the object. */
export const CHECK_FIELD_MANAGER = "gitops-guard-check";

/** The field manager each server-side-applying tool uses (gitops-tools.md §1; kubectl's default). */
const SSA_MANAGERS: Partial<Record<OwningTool, string>> = {
  flux: "kustomize-controller",
  kubectl: "kubectl",
  other: CHECK_FIELD_MANAGER,
};

/** The write a dry run sends: the owner's own (what the real reconcile will send). */
export type DryRunWrite =
  | { readonly operation: "apply"; readonly fieldManager: string; readonly owner: OwningTool }
  | { readonly operation: Exclude<DryRunOperation, "apply">; readonly owner: OwningTool };

function appliedServerSide(live: JsonObject): boolean {
  const managed = getAt(live, ["metadata", "managedFields"]);
  return Array.isArray(managed) && managed.some((m) => isJsonObject(m) && ownValue(m, "operation") === "Apply");
}

/**
 * The write the object's owner does: Flux's kustomize-controller applies server-side (force); a
 * kubectl-owned object applied server-side is applied as `kubectl`, one applied client-side (the
 * last-applied annotation) and Argo CD's default sync, Helm and kapp send the merged object (an
 * update of the live object; a create when it is new); an object no tool owns is applied as
 * CHECK_FIELD_MANAGER.
 */
export function dryRunWrite(desired: JsonObject, live: JsonObject | undefined): DryRunWrite {
  const owner = detectOwner([desired, live]);
  const ssa = owner === "flux" || owner === "other" || (owner === "kubectl" && live !== undefined && appliedServerSide(live));
  const manager = SSA_MANAGERS[owner];
  if (ssa && manager) return { operation: "apply", fieldManager: manager, owner };
  return { operation: live ? "update" : "create", owner };
}
