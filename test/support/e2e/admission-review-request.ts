import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { WriteRequest } from "../kube-apiserver/write-hooks.ts";

/** authentication.k8s.io/v1 UserInfo of the client behind the request. */
export interface AdmissionUserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/** What the API server knows about the request beyond the write itself. */
export interface AdmissionRequestFacts {
  /** Fresh for every webhook call (admissionreview.go: `uid := types.UID(uuid.NewUUID())`). */
  readonly uid: string;
  readonly userInfo: AdmissionUserInfo;
  /** The request's ?fieldManager=, if any. */
  readonly fieldManager?: string;
  /** DELETE only: the DeleteOptions propagationPolicy, if any. */
  readonly propagationPolicy?: string;
}

const OPTIONS_KIND = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions" } as const;

/**
 * The AdmissionReview admission.k8s.io/v1 kube-apiserver POSTs for one write
 * (webhook/request/admissionreview.go, CreateV1AdmissionReview): kind/resource and the
 * request* copies (no matchPolicy conversion happens here: one version per kind), name, namespace
 * (absent for cluster-scoped), operation, userInfo, object (null on DELETE), oldObject (null on
 * CREATE), dryRun (always set) and the options the handler converted: CreateOptions or
 * UpdateOptions (a PATCH's PatchOptions become UpdateOptions, patch.go patchToUpdateOptions) or
 * DeleteOptions, each carrying dryRun ["All"] and fieldManager / propagationPolicy as sent.
 */
export function admissionReviewRequest(write: WriteRequest, facts: AdmissionRequestFacts): JsonObject {
  const { resource } = write;
  const kind = { group: resource.group, version: resource.version, kind: resource.kind };
  const gvr = { group: resource.group, version: resource.version, resource: resource.plural };
  const options: JsonObject = { kind: OPTIONS_KIND[write.operation], apiVersion: "meta.k8s.io/v1" };
  if (write.dryRun) options["dryRun"] = ["All"];
  if (facts.fieldManager !== undefined && write.operation !== "DELETE") options["fieldManager"] = facts.fieldManager;
  if (facts.propagationPolicy !== undefined && write.operation === "DELETE") options["propagationPolicy"] = facts.propagationPolicy;
  const userInfo: JsonObject = { username: facts.userInfo.username, groups: [...facts.userInfo.groups] };
  if (facts.userInfo.uid !== undefined) userInfo["uid"] = facts.userInfo.uid;
  const request: JsonObject = {
    uid: facts.uid,
    kind,
    resource: gvr,
    ...(write.subresource !== "" ? { subResource: write.subresource, requestSubResource: write.subresource } : {}),
    requestKind: kind,
    requestResource: gvr,
    name: write.name,
    ...(write.namespace !== "" ? { namespace: write.namespace } : {}),
    operation: write.operation,
    userInfo,
    object: write.object ?? null,
    oldObject: write.oldObject ?? null,
    dryRun: write.dryRun,
    options,
  };
  return { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request };
}
