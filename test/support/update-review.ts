import { getAt } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { groupOf, versionOf } from "../../src/core/k8s/kube-object.ts";

/** The owner labels kustomize-controller puts on every object it applies (fluxcd/pkg ssa GetOwnerLabels). */
export const FLUX_LABELS: Readonly<Record<string, string>> = {
  "kustomize.toolkit.fluxcd.io/name": "apps",
  "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
};

/** A copy of `object` carrying Flux's owner labels. */
export function withFluxLabels(object: JsonObject): JsonObject {
  const copy = structuredClone(object);
  const metadata = isJsonObject(copy["metadata"]) ? copy["metadata"] : {};
  const labels = isJsonObject(metadata["labels"]) ? metadata["labels"] : {};
  copy["metadata"] = { ...metadata, labels: { ...labels, ...FLUX_LABELS } };
  return copy;
}

function stringAt(object: JsonObject, ...segments: string[]): string {
  const value = getAt(object, segments);
  return typeof value === "string" ? value : "";
}

/** The REST resource of a kind: lower-case plural (Endpoints stays, -ss → -sses, -y → -ies). */
function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === "endpoints") return lower;
  if (lower.endsWith("s")) return `${lower}es`;
  if (lower.endsWith("y")) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export interface RawUpdateReview {
  apiVersion: string;
  kind: string;
  request: Record<string, unknown> & { uid: string; object: JsonObject; oldObject: JsonObject };
}

/** Who applies: kubectl as a cluster admin, or Flux's kustomize-controller. */
export type Applier = "kubectl" | "flux";

const APPLIERS: Record<Applier, { readonly userInfo: JsonObject; readonly fieldManager: string }> = {
  kubectl: { userInfo: { username: "kubernetes-admin", groups: ["kubeadm:cluster-admins", "system:authenticated"] }, fieldManager: "kubectl-client-side-apply" },
  flux: {
    userInfo: { username: "system:serviceaccount:flux-system:kustomize-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"] },
    fieldManager: "kustomize-controller",
  },
};

/**
 * An UPDATE AdmissionReview v1 as kube-apiserver sends it: for `kubectl apply` by a cluster admin,
 * or for a Flux apply (kustomize-controller's service account and fieldManager, Flux's owner
 * labels on both objects). `index` makes the request uid unique.
 */
export function updateReview(live: JsonObject, incoming: JsonObject, index: number, by: Applier): RawUpdateReview {
  const old = by === "flux" ? withFluxLabels(live) : structuredClone(live);
  const object = by === "flux" ? withFluxLabels(incoming) : structuredClone(incoming);
  const apiVersion = stringAt(object, "apiVersion");
  const gvk = { group: groupOf(apiVersion), version: versionOf(apiVersion), kind: stringAt(object, "kind") };
  const gvr = { group: gvk.group, version: gvk.version, resource: resourceOf(gvk.kind) };
  const namespace = stringAt(old, "metadata", "namespace");
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `00000000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`,
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: stringAt(old, "metadata", "name"),
      ...(namespace !== "" ? { namespace } : {}),
      operation: "UPDATE",
      userInfo: APPLIERS[by].userInfo,
      object,
      oldObject: old,
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: APPLIERS[by].fieldManager },
    },
  };
}

/** What kube-apiserver stores for a Secret: stringData folded into data (base64), then dropped. */
export function asStored(object: JsonObject): JsonObject {
  if (object["kind"] !== "Secret" || !isJsonObject(object["stringData"])) return object;
  const { stringData, ...rest } = object;
  const data = { ...(isJsonObject(rest["data"]) ? rest["data"] : {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), "utf8").toString("base64");
  return { ...rest, data };
}
