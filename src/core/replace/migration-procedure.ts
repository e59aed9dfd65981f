/**
 * What a person does instead when a data-bearing object must change (issue 14 item 1; the same
 * procedure as the webhook's denial): data first, then the object.
 */
export function migrationProcedure(kind: string, namespace: string, name: string): string[] {
  const at = namespace === "" ? name : `${namespace}/${name}`;
  switch (kind) {
    case "PersistentVolumeClaim":
      return [
        `Back up the data of PersistentVolumeClaim ${at} first (a VolumeSnapshot, or a copy job).`,
        `Create a new claim under a new name with the new spec (from the snapshot: spec.dataSource), or copy the data into it with a Job that mounts both.`,
        "Point the workload at the new claim (a StatefulSet: a new volumeClaimTemplate name, replaced with `gitops-guard replace`).",
        "Verify the application reads its data from the new claim; only then delete the old claim (its PersistentVolume's reclaimPolicy decides whether the volume goes too).",
        "To grow a claim, patch only spec.resources.requests.storage (allowed when its StorageClass has allowVolumeExpansion).",
      ];
    case "PersistentVolume":
      return [
        `Set persistentVolumeReclaimPolicy: Retain on PersistentVolume ${at} so the volume survives.`,
        "Create a new PersistentVolume with the new spec that points at the same storage (same volumeHandle or path), bound to a new claim (claimRef).",
        "Move the workload to the new claim, verify, then delete the old PersistentVolume object (the storage stays with Retain).",
      ];
    case "Namespace":
      return [
        `Deleting Namespace ${at} deletes everything in it. Create the new namespace beside it.`,
        "Move the workloads (and their data: claims are namespaced, copy them) into it through Git, verify, then delete the old namespace.",
      ];
    case "CustomResourceDefinition":
      return [
        `Deleting CustomResourceDefinition ${at} deletes every custom resource of its kinds.`,
        "Export every custom resource first (kubectl get <kind> -A -o yaml).",
        "Prefer a new served version with a conversion (spec.versions, a conversion webhook) over a re-creation; if the CRD must be re-created, re-apply the exported resources right after, and verify their controllers.",
      ];
    default:
      return [`${kind} ${at} holds data that a re-creation would lose: migrate it under a new name, verify, then remove the old object.`];
  }
}
