import { messageOf } from "../../errors.ts";
import type { JsonObject } from "../../core/k8s/json.ts";
import { statusMessage, type KubeHttp } from "./kube-http.ts";

/** The object an Event is about. */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** Kubernetes caps an Event message at 1 KiB in practice (events.k8s.io note field limit). */
const MAX_EVENT_MESSAGE = 1024;

/**
 * Records a core/v1 Event about an object (what `kubectl describe` shows). Failures are returned,
 * not thrown: an Event is a courtesy and must never break the caller.
 */
export async function postEvent(
  http: KubeHttp,
  subject: EventSubject,
  event: { readonly type: "Normal" | "Warning"; readonly reason: string; readonly message: string; readonly now: Date },
): Promise<string | undefined> {
  const time = event.now.toISOString();
  const body: JsonObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${subject.name}.${event.now.getTime().toString(16)}`, namespace: subject.namespace },
    involvedObject: {
      apiVersion: subject.apiVersion,
      kind: subject.kind,
      namespace: subject.namespace,
      name: subject.name,
      ...(subject.uid ? { uid: subject.uid } : {}),
      ...(subject.resourceVersion ? { resourceVersion: subject.resourceVersion } : {}),
    },
    type: event.type,
    reason: event.reason,
    message: event.message.slice(0, MAX_EVENT_MESSAGE),
    source: { component: "gitops-guard" },
    reportingComponent: "gitops-guard",
    reportingInstance: "gitops-guard",
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
  try {
    const response = await http.request("POST", `/api/v1/namespaces/${encodeURIComponent(subject.namespace)}/events`, { body });
    return response.status === 201 || response.status === 200 ? undefined : statusMessage(response);
  } catch (err) {
    return messageOf(err);
  }
}
