import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { meta, objectField } from "./json-fields.ts";
import { controllerRefTo } from "./owner-references.ts";

/**
 * Pod defaults the real API server applies (pkg/apis/core/v1/defaults.go SetDefaults_PodSpec)
 * and the simulated one does not: the kubelet and graceful deletion read them.
 * terminationGracePeriodSeconds 30 (DefaultTerminationGracePeriodSeconds), restartPolicy Always.
 */
export const POD_SPEC_DEFAULTS = { terminationGracePeriodSeconds: 30, restartPolicy: "Always" } as const;

/** How a controller names the pod it creates. */
export type PodName = { readonly generateName: string } | { readonly name: string };

/**
 * controller.GetPodFromTemplate: the template's labels, annotations, finalizers and spec, a
 * controller reference to `owner`, and a name (generateName `<owner>-` for ReplicaSets, DaemonSets
 * and Jobs; `<set>-<ordinal>` for StatefulSets), with the pod defaults applied.
 */
export function podFromTemplate(template: JsonObject, owner: JsonObject, name: PodName): JsonObject {
  const templateMeta = objectField(template, "metadata");
  const metadata: JsonObject = { ...name, namespace: meta(owner, "namespace"), ownerReferences: [controllerRefTo(owner)] };
  for (const key of ["labels", "annotations", "finalizers"]) if (Object.hasOwn(templateMeta, key)) metadata[key] = structuredClone(templateMeta[key]!);
  return {
    apiVersion: "v1", kind: "Pod", metadata,
    spec: { ...POD_SPEC_DEFAULTS, ...structuredClone(objectField(template, "spec")) },
  };
}
