import type { Assessment } from "../assess/assessment.ts";
import type { Announcement } from "./announcement.ts";

/**
 * The event notification-controller accepts on its events endpoint (`POST /`, port 9292 of the
 * notification-controller Service): fluxcd/pkg apis/event v1beta1 Event — involvedObject,
 * severity info|error, timestamp, message, reason, metadata (string map), reportingController,
 * reportingInstance. Alerts select events by involvedObject kind/name/namespace, so the event is
 * about the Kustomization or HelmRelease itself and reaches the Alerts already set up for it.
 */
export function fluxEventBody(a: Assessment, n: Announcement, time: string, instance: string): Record<string, unknown> {
  return {
    involvedObject: { apiVersion: a.object.apiVersion, kind: a.object.kind, namespace: a.object.namespace, name: a.object.name },
    severity: n.type === "Warning" ? "error" : "info",
    timestamp: time,
    message: n.message,
    reason: n.reason,
    metadata: {
      summary: `gitops-guard: ${a.object.kind} ${a.object.namespace}/${a.object.name} ${a.state}${a.cause ? ` (${a.cause})` : ""}`,
      state: a.state,
      cause: a.cause ?? "",
      immutable: String(a.immutable),
    },
    reportingController: "gitops-guard",
    reportingInstance: instance,
  };
}

/** The plain webhook gets the announcement with the assessment, as JSON (docs/watch.md). */
export function webhookBody(a: Assessment, n: Announcement, time: string, instance: string): Record<string, unknown> {
  return {
    version: 1,
    time,
    instance,
    reason: n.reason,
    type: n.type,
    message: n.message,
    object: a.object,
    state: a.state,
    cause: a.cause,
    immutable: a.immutable,
    objects: a.objects,
    fields: a.fields,
    notReadySeconds: a.notReadySeconds,
    recommendation: a.recommendation,
  };
}
