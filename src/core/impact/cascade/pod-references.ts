import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";

export type ReferencedKind = "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "ServiceAccount";

/**
 * One object a pod spec needs, same namespace (pods cannot reference across namespaces).
 * `keys` lists the keys read one by one (env `key`, volume `items`); undefined means every key.
 * `optional` references do not stop the pod when missing.
 */
export interface PodReference {
  readonly kind: ReferencedKind;
  readonly name: string;
  readonly keys: readonly string[] | undefined;
  readonly optional: boolean;
  /** How it is read: env (read once at container start) or a volume (updated in place, except subPath). */
  readonly via: "env" | "volume" | "imagePullSecrets" | "serviceAccount" | "substituteFrom" | "tls";
  /** Field path, for messages. */
  readonly path: string;
}

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

function arrayAt(root: JsonValue | undefined, key: string): JsonValue[] {
  const value = isJsonObject(root) ? root[key] : undefined;
  return Array.isArray(value) ? value : [];
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function keyRef(ref: JsonValue | undefined, kind: ReferencedKind, path: string): PodReference | undefined {
  if (!isJsonObject(ref)) return undefined;
  const name = str(ref["name"]);
  const key = str(ref["key"]);
  if (!name) return undefined;
  return { kind, name, keys: key ? [key] : undefined, optional: ref["optional"] === true, via: "env", path };
}

function containerReferences(container: JsonObject, path: string, out: PodReference[]): void {
  arrayAt(container, "env").forEach((env, i) => {
    const from = isJsonObject(env) ? env["valueFrom"] : undefined;
    if (!isJsonObject(from)) return;
    const at = `${path}.env[${i}].valueFrom`;
    const ref = keyRef(from["configMapKeyRef"], "ConfigMap", `${at}.configMapKeyRef`) ?? keyRef(from["secretKeyRef"], "Secret", `${at}.secretKeyRef`);
    if (ref) out.push(ref);
  });
  arrayAt(container, "envFrom").forEach((source, i) => {
    if (!isJsonObject(source)) return;
    const at = `${path}.envFrom[${i}]`;
    const ref = keyRef(source["configMapRef"], "ConfigMap", `${at}.configMapRef`) ?? keyRef(source["secretRef"], "Secret", `${at}.secretRef`);
    if (ref) out.push({ ...ref, keys: undefined });
  });
}

function itemKeys(source: JsonObject): string[] | undefined {
  const items = arrayAt(source, "items");
  if (items.length === 0) return undefined;
  return items.flatMap((item) => {
    const key = isJsonObject(item) ? str(item["key"]) : undefined;
    return key ? [key] : [];
  });
}

function volumeSource(source: JsonValue | undefined, kind: ReferencedKind, nameKey: string, path: string): PodReference | undefined {
  if (!isJsonObject(source)) return undefined;
  const name = str(source[nameKey]);
  if (!name) return undefined;
  return { kind, name, keys: itemKeys(source), optional: source["optional"] === true, via: "volume", path };
}

function volumeReferences(volume: JsonObject, path: string, out: PodReference[]): void {
  const direct = [
    volumeSource(volume["configMap"], "ConfigMap", "name", `${path}.configMap`),
    volumeSource(volume["secret"], "Secret", "secretName", `${path}.secret`),
    volumeSource(volume["persistentVolumeClaim"], "PersistentVolumeClaim", "claimName", `${path}.persistentVolumeClaim`),
  ];
  for (const ref of direct) if (ref) out.push(ref);
  arrayAt(volume["projected"], "sources").forEach((source, i) => {
    if (!isJsonObject(source)) return;
    const at = `${path}.projected.sources[${i}]`;
    const ref = volumeSource(source["configMap"], "ConfigMap", "name", `${at}.configMap`) ?? volumeSource(source["secret"], "Secret", "name", `${at}.secret`);
    if (ref) out.push(ref);
  });
}

/**
 * Everything a pod spec references by name (Popeye's PodRefs walk, plus projected volumes, PVCs and
 * the service account): env `valueFrom` key refs, `envFrom`, configMap/secret/projected/PVC
 * volumes (key-level with `items`), `imagePullSecrets`, `serviceAccountName` (or the deprecated
 * `serviceAccount`). The `default` ServiceAccount exists in every namespace and is not listed.
 */
export function podReferences(spec: JsonObject | undefined, specPath: string): PodReference[] {
  const out: PodReference[] = [];
  if (!spec) return out;
  for (const list of CONTAINER_LISTS) {
    arrayAt(spec, list).forEach((c, i) => {
      if (isJsonObject(c)) containerReferences(c, `${specPath}.${list}[${i}]`, out);
    });
  }
  arrayAt(spec, "volumes").forEach((v, i) => {
    if (isJsonObject(v)) volumeReferences(v, `${specPath}.volumes[${i}]`, out);
  });
  arrayAt(spec, "imagePullSecrets").forEach((s, i) => {
    const name = isJsonObject(s) ? str(s["name"]) : undefined;
    if (name) out.push({ kind: "Secret", name, keys: undefined, optional: false, via: "imagePullSecrets", path: `${specPath}.imagePullSecrets[${i}]` });
  });
  const account = str(spec["serviceAccountName"]) ?? str(spec["serviceAccount"]);
  if (account && account !== "default") {
    out.push({ kind: "ServiceAccount", name: account, keys: undefined, optional: false, via: "serviceAccount", path: `${specPath}.serviceAccountName` });
  }
  return out;
}

/** Flux Kustomization `spec.postBuild.substituteFrom[]`: ConfigMaps and Secrets in its own namespace. */
export function substituteFromReferences(object: JsonObject): PodReference[] {
  return arrayAt(getAt(object, ["spec", "postBuild"]), "substituteFrom").flatMap((ref, i) => {
    if (!isJsonObject(ref)) return [];
    const kind = ref["kind"] === "Secret" ? "Secret" : ref["kind"] === "ConfigMap" ? "ConfigMap" : undefined;
    const name = str(ref["name"]);
    if (!kind || !name) return [];
    return [{ kind, name, keys: undefined, optional: ref["optional"] === true, via: "substituteFrom" as const, path: `spec.postBuild.substituteFrom[${i}]` }];
  });
}

/** Ingress `spec.tls[].secretName`. */
export function ingressTlsReferences(object: JsonObject): PodReference[] {
  return arrayAt(getAt(object, ["spec"]), "tls").flatMap((tls, i) => {
    const name = isJsonObject(tls) ? str(tls["secretName"]) : undefined;
    return name ? [{ kind: "Secret" as const, name, keys: undefined, optional: false, via: "tls" as const, path: `spec.tls[${i}].secretName` }] : [];
  });
}
