import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import { auditEventSchema, type AuditEvent } from "./kube-audit-event.ts";
import { decisionRecordSchema, watchRecordSchema, type ReadDecisionRecord, type WatchRecord } from "./record-line.ts";

/** What one input line holds. A line that is none of these is malformed, with the reason. */
export type ParsedLine =
  | { readonly type: "blank" }
  | { readonly type: "decision"; readonly record: ReadDecisionRecord }
  | { readonly type: "watch"; readonly record: WatchRecord }
  | { readonly type: "events"; readonly events: readonly AuditEvent[]; readonly errors: readonly string[] }
  | { readonly type: "malformed"; readonly error: string };

/** Longest error text kept per malformed line (the line itself is never echoed: it may hold secrets). */
const MAX_ERROR_CHARS = 160;

function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".");
  return `${path ? `${path}: ` : ""}${issue.message}`.slice(0, MAX_ERROR_CHARS);
}

function parseEvent(value: unknown, where: string): { event?: AuditEvent; error?: string } {
  const result = auditEventSchema.safeParse(value);
  return result.success ? { event: result.data } : { error: `${where}not an audit Event: ${firstIssue(result.error)}` };
}

/** Events of an `EventList` (webhook backend batches) or the AKS envelope `records[].properties.log`. */
function batchEvents(items: readonly unknown[], aks: boolean): ParsedLine {
  const events: AuditEvent[] = [];
  const errors: string[] = [];
  items.forEach((item, i) => {
    let value: unknown = item;
    if (aks) {
      const log = isJsonObject(item) && isJsonObject(item["properties"]) ? item["properties"]["log"] : undefined;
      if (typeof log !== "string") {
        errors.push(`records[${i}]: no properties.log string`);
        return;
      }
      try {
        value = JSON.parse(log);
      } catch {
        errors.push(`records[${i}].properties.log: not JSON`);
        return;
      }
    }
    const { event, error } = parseEvent(value, aks ? `records[${i}].properties.log: ` : `items[${i}]: `);
    if (event) events.push(event);
    if (error) errors.push(error);
  });
  return { type: "events", events, errors };
}

/**
 * Classifies one line of any input: a gitops-guard record (decision, or watch's assessment and
 * replacement records), a Kubernetes audit Event (JSON lines, the log backend's json format), an
 * EventList batch (webhook backend), or an AKS diagnostic envelope. Pure: the caller counts lines.
 */
export function parseAuditLine(line: string): ParsedLine {
  if (line.trim() === "") return { type: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { type: "malformed", error: "not JSON" };
  }
  if (!isJsonObject(value)) return { type: "malformed", error: "not a JSON object" };
  return parseObject(value) ?? { type: "malformed", error: "neither a gitops-guard record nor a Kubernetes audit event" };
}

function parseObject(value: JsonObject): ParsedLine | undefined {
  if (value["kind"] === "EventList" || (Array.isArray(value["items"]) && value["kind"] === undefined)) {
    return Array.isArray(value["items"]) ? batchEvents(value["items"], false) : { type: "malformed", error: "EventList without items" };
  }
  if (Array.isArray(value["records"])) return batchEvents(value["records"], true);
  if ("auditID" in value || value["kind"] === "Event") {
    const { event, error } = parseEvent(value, "");
    return event ? { type: "events", events: [event], errors: [] } : { type: "malformed", error: error ?? "invalid" };
  }
  if ("webhook" in value) {
    const result = decisionRecordSchema.safeParse(value);
    return result.success ? { type: "decision", record: result.data } : { type: "malformed", error: `not a decision record: ${firstIssue(result.error)}` };
  }
  if (value["kind"] === "assessment" || value["kind"] === "replacement") {
    const result = watchRecordSchema.safeParse(value);
    return result.success ? { type: "watch", record: result.data } : { type: "malformed", error: `not a watch record: ${firstIssue(result.error)}` };
  }
  return undefined;
}
