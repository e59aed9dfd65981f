import { isDataBearing } from "../rules/find-findings.ts";
import type { ObjectIdentity } from "../k8s/kube-object.ts";
import type { ReportFinding } from "./impact-report.ts";

/** The rule id of the finding raised when a data-bearing object leaves the manifests. */
export const DATA_BEARING_DELETION_RULE_ID = "deletion.data-bearing";

/** What is lost, per data-bearing kind (find-findings DATA_BEARING_KINDS). */
const WHAT_IS_LOST: Record<string, string> = {
  "/PersistentVolumeClaim":
    "deleting the claim deletes its volume and the data on it when the volume's reclaim policy is Delete " +
    "(the default for dynamically provisioned volumes)",
  "/PersistentVolume": "deleting the PersistentVolume deletes the disk and its data when its reclaim policy is Delete",
  "/Namespace": "deleting the Namespace deletes every object in it, claims and their data included",
  "apiextensions.k8s.io/CustomResourceDefinition":
    "deleting the CustomResourceDefinition deletes every custom resource of its kind, in every namespace",
};

/**
 * A removed object of a data-bearing kind: allowed by the API server, but the data goes with it
 * when the GitOps tool prunes (Flux `spec.prune`, Argo CD automated prune, `kubectl apply --prune`).
 * Both tools read their opt-out from the live object only (reference/gitops-tools.md §1.5, §2).
 */
export function deletionFindings(identity: ObjectIdentity): ReportFinding[] {
  if (!isDataBearing(identity.group, identity.kind)) return [];
  const lost = WHAT_IS_LOST[`${identity.group}/${identity.kind}`] ?? "deleting it deletes its data";
  return [
    {
      ruleId: DATA_BEARING_DELETION_RULE_ID,
      path: "",
      class: "risky",
      severity: "warning",
      strategy: "review",
      message:
        `${identity.kind} ${identity.name} is no longer in the manifests: ${lost}; ` +
        "to keep it, annotate the live object before merging (Flux: kustomize.toolkit.fluxcd.io/prune: disabled; " +
        "Argo CD: argocd.argoproj.io/sync-options: Prune=false), or back the data up first",
    },
  ];
}
