import { getAt } from "../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../src/core/k8s/json.ts";
import { groupOf, versionOf } from "../../src/core/k8s/kube-object.ts";

export interface RawCreateReview {
  apiVersion: string;
  kind: string;
  request: Record<string, unknown> & { uid: string; object: JsonObject };
}

function stringAt(object: JsonObject, ...segments: string[]): string {
  const value = getAt(object, segments);
  return typeof value === "string" ? value : "";
}

/**
 * A CREATE AdmissionReview v1 as kube-apiserver sends it for a namespaced custom resource applied
 * by Flux's kustomize-controller (its service account and field manager): `object` only, no
 * `oldObject`, the resource named by `resource` (the CRD's plural).
 */
export function createReview(object: JsonObject, resource: string, index = 0): RawCreateReview {
  const apiVersion = stringAt(object, "apiVersion");
  const gvk = { group: groupOf(apiVersion), version: versionOf(apiVersion), kind: stringAt(object, "kind") };
  const gvr = { group: gvk.group, version: gvk.version, resource };
  const namespace = stringAt(object, "metadata", "namespace");
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `00000000-0000-4000-9000-${String(index + 1).padStart(12, "0")}`,
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: stringAt(object, "metadata", "name"),
      ...(namespace !== "" ? { namespace } : {}),
      operation: "CREATE",
      userInfo: {
        username: "system:serviceaccount:flux-system:kustomize-controller",
        groups: ["system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"],
      },
      object: structuredClone(object),
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions", fieldManager: "kustomize-controller" },
    },
  };
}
