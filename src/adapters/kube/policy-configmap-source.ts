import type { KubeConfig } from "@kubernetes/client-node";
import type { JsonObject } from "../../core/k8s/json.ts";
import { metaString } from "../../core/k8s/kube-object.ts";
import type { LoadedPolicy, PolicyIssue } from "../../core/policy/parse-policy.ts";
import { policyFromConfigMap } from "../fs/read-policy-file.ts";
import type { KubeHttp } from "./kube-http.ts";
import { listWatch, type ListWatch, type ListWatchOptions } from "./list-watch.ts";

/** What the ConfigMap watch reports; the caller keeps the last good policy and logs. */
export interface PolicyConfigMapHandlers {
  /** A new valid policy, with the version records will name. */
  readonly onPolicy: (loaded: LoadedPolicy, version: string) => void;
  /** A new version that is not valid: the last good policy stays in force. */
  readonly onInvalid: (issues: readonly PolicyIssue[], configMap: JsonObject) => void;
  /** The ConfigMap is missing or was deleted: the last good policy stays in force. */
  readonly onMissing: () => void;
  readonly onError: ListWatchOptions["onError"];
}

function metadataOf(object: JsonObject): { name: string; resourceVersion: string } {
  return { name: metaString(object, "name") ?? "", resourceVersion: metaString(object, "resourceVersion") ?? "" };
}

/**
 * Lists and watches one ConfigMap (fieldSelector metadata.name) and reports each new version's
 * policy. The same resourceVersion is judged once (relists deliver it again).
 */
export function watchPolicyConfigMap(options: {
  readonly kc: KubeConfig;
  readonly http: KubeHttp;
  readonly namespace: string;
  readonly name: string;
  readonly handlers: PolicyConfigMapHandlers;
  readonly backoff?: ListWatchOptions["backoff"];
}): ListWatch {
  const { handlers, namespace, name } = options;
  let lastSeen = "";
  const judge = (configMap: JsonObject): void => {
    const meta = metadataOf(configMap);
    if (meta.name !== name || meta.resourceVersion === lastSeen) return;
    lastSeen = meta.resourceVersion;
    const result = policyFromConfigMap(configMap);
    if (result.ok) handlers.onPolicy(result.value, `configmap/${namespace}/${name}#${meta.resourceVersion}`);
    else handlers.onInvalid(result.issues, configMap);
  };
  return listWatch({
    kc: options.kc,
    http: options.http,
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
    query: { fieldSelector: `metadata.name=${name}` },
    ...(options.backoff ? { backoff: options.backoff } : {}),
    onList: (items) => {
      const found = items.find((item) => metadataOf(item).name === name);
      if (found) judge(found);
      else handlers.onMissing();
    },
    onEvent: (type, object) => {
      if (type === "DELETED") {
        lastSeen = "";
        handlers.onMissing();
      } else {
        judge(object);
      }
    },
    onError: handlers.onError,
  });
}
