import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { meta, objectField, objectsField, stringField } from "./json-fields.ts";
import { CONTROLLER_REVISION_HASH_LABEL } from "./controller-revisions.ts";
import { podFromTemplate } from "./pod-from-template.ts";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

/** stateful_set_utils.go getParentNameAndOrdinal: `<parent>-<ordinal>`; the ordinal when the parent is `set`. */
export function ordinalOf(set: JsonObject, pod: JsonObject): number | undefined {
  const match = /^(.*)-(\d+)$/.exec(meta(pod, "name"));
  return match && match[1] === meta(set, "name") ? Number(match[2]) : undefined;
}

/** `<claim template>-<set>-<ordinal>` (getPersistentVolumeClaimName). */
export function claimName(template: JsonObject, set: JsonObject, ordinal: number): string {
  return `${meta(template, "name")}-${meta(set, "name")}-${ordinal}`;
}

/** spec.volumeClaimTemplates. */
export function claimTemplates(set: JsonObject): JsonObject[] {
  return objectsField(objectField(set, "spec"), "volumeClaimTemplates");
}

/** The PVC of one claim template for one ordinal: the template with the selector's matchLabels added (getPersistentVolumeClaims). */
export function claimFor(set: JsonObject, template: JsonObject, ordinal: number): JsonObject {
  const matchLabels = objectField(objectField(objectField(set, "spec"), "selector"), "matchLabels");
  const templateMeta = objectField(template, "metadata");
  return {
    apiVersion: "v1", kind: "PersistentVolumeClaim",
    metadata: { ...structuredClone(templateMeta), name: claimName(template, set, ordinal), namespace: meta(set, "namespace"), labels: { ...objectField(templateMeta, "labels"), ...matchLabels } },
    spec: structuredClone(objectField(template, "spec")),
  };
}

/** True when the pod mounts the PVC of every claim template (storageMatches). */
export function storageMatches(set: JsonObject, pod: JsonObject, ordinal: number): boolean {
  const volumes = objectsField(objectField(pod, "spec"), "volumes");
  return claimTemplates(set).every((t) => volumes.some((v) => v["name"] === meta(t, "name")
    && stringField(objectField(v, "persistentVolumeClaim"), "claimName") === claimName(t, set, ordinal)));
}

/** Pod volumes with one persistentVolumeClaim volume per claim template (updateStorage: same-name volumes replaced). */
export function withClaimVolumes(set: JsonObject, podSpec: JsonObject, ordinal: number): JsonObject[] {
  const templates = claimTemplates(set);
  const names = new Set(templates.map((t) => meta(t, "name")));
  return [
    ...objectsField(podSpec, "volumes").filter((v) => !names.has(stringField(v, "name"))),
    ...templates.map((t) => ({ name: meta(t, "name"), persistentVolumeClaim: { claimName: claimName(t, set, ordinal) } })),
  ];
}

/**
 * newVersionedStatefulSetPod: pod `<set>-<ordinal>` from the revision's template, with
 * hostname and subdomain (spec.serviceName), the claim volumes, and the labels the controller
 * adds: controller-revision-hash (the revision's name), statefulset.kubernetes.io/pod-name,
 * apps.kubernetes.io/pod-index.
 */
export function statefulPod(set: JsonObject, template: JsonObject, ordinal: number, revisionName: string): JsonObject {
  const name = `${meta(set, "name")}-${ordinal}`;
  const pod = podFromTemplate(template, set, { name });
  const metadata = objectField(pod, "metadata");
  pod["metadata"] = { ...metadata, labels: { ...objectField(metadata, "labels"), [CONTROLLER_REVISION_HASH_LABEL]: revisionName, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) } };
  const spec = objectField(pod, "spec");
  const serviceName = stringField(objectField(set, "spec"), "serviceName");
  const volumes = withClaimVolumes(set, spec, ordinal);
  pod["spec"] = { ...spec, hostname: name, ...(serviceName ? { subdomain: serviceName } : {}), ...(volumes.length > 0 ? { volumes } : {}) };
  return pod;
}

/** The revision a pod runs (its controller-revision-hash label). */
export function podRevision(pod: JsonObject): string {
  return String(objectField(objectField(pod, "metadata"), "labels")[CONTROLLER_REVISION_HASH_LABEL] ?? "");
}
