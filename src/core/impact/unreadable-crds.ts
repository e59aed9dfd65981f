import type { ReportFinding, ResourceImpact } from "./impact-report.ts";

/** The rule id of the finding on a CustomResourceDefinition whose shape check cannot read. */
export const CRD_NOT_INTERPRETED_RULE_ID = "crd.not-interpreted";

/**
 * A CustomResourceDefinition found among the manifests whose shape is not understood beyond its
 * identity (a legacy apiextensions.k8s.io/v1beta1 CRD with `spec.version`, a malformed schema).
 * It is reported, never a reason to stop the run: the rest is judged as far as it can be.
 */
export interface UnreadableCrd {
  readonly name: string;
  /** `spec.group` / `spec.names.kind` when readable: which custom resources lose their rules. */
  readonly group: string | undefined;
  readonly kind: string | undefined;
  readonly reason: string;
}

/** The finding on the unreadable CRD itself (when it is added, modified or removed). */
export function notInterpretedFinding(crd: UnreadableCrd): ReportFinding {
  return {
    ruleId: CRD_NOT_INTERPRETED_RULE_ID,
    path: "spec",
    class: "risky",
    severity: "warning",
    strategy: "review",
    message:
      `the CustomResourceDefinition's shape is not understood (${crd.reason}): its x-kubernetes-validations ` +
      "transition rules are not evaluated, so the immutability it declares is not checked",
  };
}

/** A note on each changed custom resource whose CRD could not be read (its declared rules were not evaluated). */
export function crdNotes(resources: readonly ResourceImpact[], crds: readonly UnreadableCrd[]): ResourceImpact[] {
  if (crds.length === 0) return [...resources];
  const byKind = new Map(crds.flatMap((c) => (c.group && c.kind ? [[`${c.group}/${c.kind}`, c] as const] : [])));
  return resources.map((r) => {
    const group = r.apiVersion.includes("/") ? r.apiVersion.slice(0, r.apiVersion.indexOf("/")) : "";
    const definer = byKind.get(`${group}/${r.kind}`);
    if (!definer) return r;
    return { ...r, notes: [...r.notes, `CustomResourceDefinition ${definer.name} could not be read (${definer.reason}): its declared immutability rules were not evaluated for this object`] };
  });
}
