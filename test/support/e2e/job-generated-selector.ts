import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";

// The labels the Job strategy writes (batch/v1 since v1.27 sets both the prefixed and the legacy keys).
const UID_LABELS = ["batch.kubernetes.io/controller-uid", "controller-uid"] as const;
const NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"] as const;

function objectAt(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/**
 * The Job strategy's PrepareForCreate (pkg/registry/batch/job/strategy.go, generateSelector):
 * unless `spec.manualSelector` is true, the server writes `spec.selector` =
 * `{matchLabels: {batch.kubernetes.io/controller-uid: <uid>}}` and adds the controller-uid and
 * job-name labels to the pod template. Manifests never carry them; a merge of the manifest onto the
 * live object keeps them (they are the server-assigned values gitops-guard's restore rule is about).
 * Changes `job` in place; it already has its uid (the simulator fills server metadata first).
 */
export function jobGeneratedSelector(job: JsonObject): void {
  const spec = objectAt(job, "spec");
  if (spec["manualSelector"] === true) return;
  const metadata = objectAt(job, "metadata");
  const uid = typeof metadata["uid"] === "string" ? metadata["uid"] : "";
  const name = typeof metadata["name"] === "string" ? metadata["name"] : "";
  spec["selector"] = { matchLabels: { [UID_LABELS[0]]: uid } };
  const labels = objectAt(objectAt(objectAt(spec, "template"), "metadata"), "labels");
  for (const key of UID_LABELS) labels[key] = uid;
  for (const key of NAME_LABELS) labels[key] = name;
}
