/**
 * The AdmissionReview bodies the webhook benchmark sends. Each is built once, serialised compactly
 * (kube-apiserver sends compact JSON) and sent unchanged on every request of a run.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isJsonObject, type JsonObject, type JsonValue } from "../src/core/k8s/json.ts";

/** What the webhook must answer for a payload (checked once before each load run). */
export type Expectation = "allow" | "deny" | "patch";

export interface Payload {
  /** Scenario key used in results: a, b1, b2, c, secret. */
  readonly id: string;
  readonly title: string;
  readonly path: "/mutate" | "/validate";
  /** The compact JSON body. */
  readonly body: string;
  readonly expect: Expectation;
}

/** The Secret probe: a body whose Secret data values must never appear in a record line. */
export interface SecretProbe {
  readonly payload: Payload;
  /** Every value (base64 and decoded) that must not appear in any record. */
  readonly forbidden: readonly string[];
}

export interface Payloads {
  readonly deploymentUpdate: Payload;
  readonly immutableDeny: Payload;
  readonly restorePatch: Payload;
  readonly configMap1MiB: Payload;
  readonly secret: SecretProbe;
}

/**
 * ConfigMap data size for scenario (c): 64 keys × 16 368 bytes = 1 047 552 bytes, just under the
 * 1 MiB (1 048 576 bytes) kube-apiserver allows for a ConfigMap's data (validation.MaxSecretSize,
 * which ConfigMap validation reuses). The body carries it twice (object and oldObject): ≈ 2 MiB.
 */
const CONFIGMAP_KEYS = 64;
const CONFIGMAP_VALUE_BYTES = 16_368;

function child(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (!isJsonObject(value)) throw new Error(`bench payload: ${key} is not an object`);
  return value;
}

async function readReview(examplesDir: string, name: string): Promise<JsonObject> {
  const parsed: unknown = JSON.parse(await readFile(join(examplesDir, name), "utf8"));
  if (!isJsonObject(parsed) || !isJsonObject(parsed["request"])) throw new Error(`bench payload: ${name} is not an AdmissionReview`);
  return parsed;
}

/**
 * managedFields as kube-apiserver stores them for a Deployment applied server-side by Flux and
 * scaled by an HPA: real AdmissionReviews carry them in object and oldObject, and they are a good
 * share of a typical body's bytes.
 */
function deploymentManagedFields(replicasManager: string): JsonValue {
  const fields = (entries: Record<string, JsonValue>): JsonValue => entries;
  return [
    {
      manager: "kustomize-controller", operation: "Apply", apiVersion: "apps/v1", time: "2026-10-02T09:14:07Z", fieldsType: "FieldsV1",
      fieldsV1: fields({
        "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {}, "f:kustomize.toolkit.fluxcd.io/name": {}, "f:kustomize.toolkit.fluxcd.io/namespace": {} } },
        "f:spec": {
          "f:selector": {}, "f:strategy": { "f:rollingUpdate": { "f:maxSurge": {}, "f:maxUnavailable": {} }, "f:type": {} },
          "f:template": { "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {} } }, "f:spec": { "f:containers": { "k:{\"name\":\"api\"}": { ".": {}, "f:image": {}, "f:name": {}, "f:ports": { "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": { ".": {}, "f:containerPort": {}, "f:protocol": {} } }, "f:resources": { "f:requests": { "f:cpu": {}, "f:memory": {} } } } } } },
        },
      }),
    },
    { manager: replicasManager, operation: "Update", apiVersion: "autoscaling/v2", time: "2026-10-02T10:01:44Z", fieldsType: "FieldsV1", subresource: "scale", fieldsV1: fields({ "f:spec": { "f:replicas": {} } }) },
    {
      manager: "kube-controller-manager", operation: "Update", apiVersion: "apps/v1", time: "2026-10-02T10:02:31Z", fieldsType: "FieldsV1", subresource: "status",
      fieldsV1: fields({ "f:metadata": { "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } }, "f:status": { "f:availableReplicas": {}, "f:conditions": {}, "f:observedGeneration": {}, "f:readyReplicas": {}, "f:replicas": {}, "f:updatedReplicas": {} } }),
    },
  ];
}

/**
 * (a) A typical Deployment UPDATE with no finding: the example image update plus a replicas change
 * (2 → 3), managedFields on both objects, dryRun false. Owned by Flux, nothing immutable changes.
 */
async function deploymentUpdate(examplesDir: string): Promise<Payload> {
  const review = await readReview(examplesDir, "deployment-image-update.json");
  const request = child(review, "request");
  request["uid"] = "bench-a-0000-0000-0000-000000000001";
  for (const key of ["object", "oldObject"] as const) {
    const object = child(request, key);
    child(object, "metadata")["managedFields"] = deploymentManagedFields("horizontal-pod-autoscaler");
  }
  child(child(request, "object"), "spec")["replicas"] = 3;
  return { id: "a", title: "Deployment UPDATE, no finding", path: "/mutate", body: JSON.stringify(review), expect: "allow" };
}

/**
 * (b1) An immutable conflict on an object no GitOps tool owns: the example selector change with the
 * Flux labels removed and applied by kubectl, dryRun false → the default policy denies (unowned: deny).
 */
async function immutableDeny(examplesDir: string): Promise<Payload> {
  const review = await readReview(examplesDir, "deployment-selector-change.json");
  const request = child(review, "request");
  request["uid"] = "bench-b1-000-0000-0000-000000000001";
  request["dryRun"] = false;
  request["userInfo"] = { username: "alice@example.com", groups: ["system:authenticated"] };
  child(request, "options")["fieldManager"] = "kubectl-client-side-apply";
  for (const key of ["object", "oldObject"] as const) {
    const labels = child(child(child(request, key), "metadata"), "labels");
    delete labels["kustomize.toolkit.fluxcd.io/name"];
    delete labels["kustomize.toolkit.fluxcd.io/namespace"];
  }
  return { id: "b1", title: "immutable conflict, unowned → deny", path: "/mutate", body: JSON.stringify(review), expect: "deny" };
}

/**
 * (b2) A Helm-style full replace (`helm upgrade --force` is a PUT) of a bound PVC whose manifest
 * omits the server-assigned volumeName and the defaulted storageClassName → restore patch.
 * Built on examples/admission/pvc-shrink.json with the size left unchanged. (The Service example
 * that drops clusterIP is no longer patched since commit 7c6ad60: the API server re-fills it.)
 */
async function restorePatch(examplesDir: string): Promise<Payload> {
  const review = await readReview(examplesDir, "pvc-shrink.json");
  const request = child(review, "request");
  request["uid"] = "bench-b2-000-0000-0000-000000000001";
  request["dryRun"] = false;
  request["userInfo"] = { username: "system:serviceaccount:flux-system:helm-controller", groups: ["system:serviceaccounts", "system:authenticated"] };
  child(request, "options")["fieldManager"] = "helm-controller";
  for (const key of ["object", "oldObject"] as const) {
    const metadata = child(child(request, key), "metadata");
    metadata["labels"] = { app: "api", "app.kubernetes.io/managed-by": "Helm" };
    metadata["annotations"] = { "meta.helm.sh/release-name": "api", "meta.helm.sh/release-namespace": "web" };
  }
  const spec = child(child(request, "object"), "spec");
  spec["resources"] = child(child(request, "oldObject"), "spec")["resources"] ?? {};
  delete spec["volumeName"];
  delete spec["storageClassName"];
  return { id: "b2", title: "Helm replace drops PVC volumeName → restore patch", path: "/mutate", body: JSON.stringify(review), expect: "patch" };
}

function configMap(data: Record<string, string>, resourceVersion: string): JsonObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "big-config", namespace: "web", uid: "7a1c5e2b-90d4-4c3f-8e61-3b2d4f6a8c10", resourceVersion, creationTimestamp: "2026-10-02T09:14:07Z",
      labels: { app: "api", "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" },
    },
    data,
  };
}

/** (c) A ConfigMap UPDATE carrying ~1 MiB of data in object and in oldObject; one key changed. */
function configMap1MiB(): Payload {
  const oldData: Record<string, string> = {};
  for (let i = 0; i < CONFIGMAP_KEYS; i++) {
    const line = `key-${i} = value line for the benchmark; `;
    oldData[`file-${String(i).padStart(2, "0")}.conf`] = line.repeat(Math.ceil(CONFIGMAP_VALUE_BYTES / line.length)).slice(0, CONFIGMAP_VALUE_BYTES);
  }
  const newData = { ...oldData, "file-31.conf": `changed ${oldData["file-31.conf"]!.slice(8)}` };
  const review = {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "bench-c-0000-0000-0000-000000000001",
      kind: { group: "", version: "v1", kind: "ConfigMap" },
      resource: { group: "", version: "v1", resource: "configmaps" },
      name: "big-config",
      namespace: "web",
      operation: "UPDATE",
      userInfo: { username: "system:serviceaccount:flux-system:kustomize-controller", groups: ["system:serviceaccounts", "system:authenticated"] },
      object: configMap(newData, "48213"),
      oldObject: configMap(oldData, "48213"),
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: "kustomize-controller" },
    },
  };
  return { id: "c", title: "1 MiB ConfigMap UPDATE, one key changed", path: "/mutate", body: JSON.stringify(review), expect: "allow" };
}

/**
 * The Secret probe: an immutable Secret (`immutable: true`) whose data and type change, applied with
 * kubectl (so the last-applied annotation carries the data too). Kubernetes refuses both changes,
 * so a finding names `data.*`: its values must be recorded as redacted, never as sent.
 */
function secretProbe(): SecretProbe {
  const oldPlain = "bench-old-secret-value-6f1d2c";
  const newPlain = "bench-new-secret-value-93ab7e";
  const oldB64 = Buffer.from(oldPlain).toString("base64");
  const newB64 = Buffer.from(newPlain).toString("base64");
  const secret = (value: string, type: string): JsonObject => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "db-credentials", namespace: "web", uid: "5b7e0c3a-2d19-4f8e-a6c4-1e9d0b3f7a25", resourceVersion: "48213",
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "db-credentials", namespace: "web" }, type, immutable: true, data: { password: value } }) },
    },
    type,
    immutable: true,
    data: { password: value },
  });
  const review = {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "bench-secret-0000-0000-000000000001",
      kind: { group: "", version: "v1", kind: "Secret" },
      resource: { group: "", version: "v1", resource: "secrets" },
      name: "db-credentials",
      namespace: "web",
      operation: "UPDATE",
      userInfo: { username: "alice@example.com", groups: ["system:authenticated"] },
      object: secret(newB64, "example.com/db"),
      oldObject: secret(oldB64, "Opaque"),
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: "kubectl-client-side-apply" },
    },
  };
  const payload: Payload = { id: "secret", title: "immutable Secret data change (records safety)", path: "/mutate", body: JSON.stringify(review), expect: "deny" };
  return { payload, forbidden: [oldPlain, newPlain, oldB64, newB64] };
}

/** Builds every payload; `examplesDir` is examples/admission. */
export async function buildPayloads(examplesDir: string): Promise<Payloads> {
  return {
    deploymentUpdate: await deploymentUpdate(examplesDir),
    immutableDeny: await immutableDeny(examplesDir),
    restorePatch: await restorePatch(examplesDir),
    configMap1MiB: configMap1MiB(),
    secret: secretProbe(),
  };
}
