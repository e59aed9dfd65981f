import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import type { ClusterApi } from "./cluster-api.ts";
import { meta } from "./json-fields.ts";

/**
 * A core/v1 Event about `object` from `component` (the EventRecorder of kube-controller-manager's
 * controllers: "deployment-controller", "replicaset-controller"…), named `<object>.<hex>` as
 * client-go names them. Not aggregated (count 1 each).
 */
export async function emitEvent(api: ClusterApi, component: string, object: JsonObject, event: { type: string; reason: string; message: string; serial: number }): Promise<void> {
  const stamp = kubeTimestamp(api.now());
  const namespace = meta(object, "namespace") || "default";
  await api.create({
    apiVersion: "v1", kind: "Event",
    metadata: { name: `${meta(object, "name")}.${(api.now().getTime() * 1000 + event.serial).toString(16)}`, namespace },
    involvedObject: { apiVersion: String(object["apiVersion"]), kind: String(object["kind"]), namespace, name: meta(object, "name"), uid: meta(object, "uid"), resourceVersion: meta(object, "resourceVersion") },
    reason: event.reason, message: event.message, type: event.type, source: { component },
    firstTimestamp: stamp, lastTimestamp: stamp, count: 1, reportingComponent: component, reportingInstance: `${component}-simulated`,
  });
}
