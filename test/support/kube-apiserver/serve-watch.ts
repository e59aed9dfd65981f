import type { ServerResponse } from "node:http";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { ApiContext } from "./api-context.ts";
import { metadataOf } from "./object-metadata.ts";
import { objectSelector } from "./object-selector.ts";
import type { StoredChange } from "./object-store.ts";
import { apiVersionOf, type ResourceType } from "./resource-type.ts";
import { badRequest, expired } from "./status-error.ts";

type EventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

function parseTimeoutSeconds(text: string | null): number | undefined {
  if (text === null || text === "") return undefined;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0) throw badRequest(`invalid timeoutSeconds: ${text}`);
  return seconds;
}

function parseStart(text: string): number | undefined {
  if (text === "" || text === "0") return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resourceVersion: ${text}`);
  return Number(text);
}

/**
 * A WATCH (`?watch=true` or `?watch=1` on a collection path), answered as kube-apiserver does: HTTP
 * 200, `Content-Type: application/json`, chunked, one `{"type":…,"object":…}` JSON document per
 * line.
 * - resourceVersion unset, "" or "0": a synthetic ADDED for every matching object, then changes.
 * - resourceVersion N: every change after N from the store's history, then live changes; if N is
 *   older than the history, one ERROR event carrying a 410 Expired Status, then the stream ends.
 * - sendInitialEvents=true (streaming list): the synthetic ADDEDs, then a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`.
 * - labelSelector/fieldSelector filter events; an object that stops matching is sent as DELETED
 *   and one that starts matching as ADDED, as the watch cache does.
 * - allowWatchBookmarks=true: a BOOKMARK (kind, apiVersion, metadata.resourceVersion only) every
 *   ctx.bookmarkIntervalMs.
 * - timeoutSeconds: the stream ends cleanly after that many seconds.
 * Query errors are thrown (400) before any byte is written.
 */
export function serveWatch(ctx: ApiContext, resource: ResourceType, namespace: string | undefined, query: URLSearchParams, res: ServerResponse): void {
  const selector = objectSelector(resource, namespace, query);
  const timeoutSeconds = parseTimeoutSeconds(query.get("timeoutSeconds"));
  const start = parseStart(query.get("resourceVersion") ?? "");
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  const initialEventsEnd = query.get("sendInitialEvents") === "true";
  const apiVersion = apiVersionOf(resource);

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  const send = (type: EventType, object: JsonObject): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const bookmark = (annotations?: JsonObject): void => {
    const metadata: JsonObject = { resourceVersion: String(ctx.store.currentResourceVersion()), creationTimestamp: null };
    if (annotations) metadata["annotations"] = annotations;
    send("BOOKMARK", { kind: resource.kind, apiVersion, metadata });
  };
  const deliver = (change: StoredChange): void => {
    if (change.storageKey !== resource.storageKey) return;
    const now = change.type === "DELETED" ? undefined : resource.fromStorage(change.object);
    const before = change.previous === undefined ? undefined : resource.fromStorage(change.previous);
    const nowMatches = now !== undefined && selector.matches(now);
    const beforeMatches = before !== undefined && selector.matches(before);
    if (nowMatches) send(beforeMatches || change.type === "ADDED" ? change.type : "ADDED", now);
    else if (beforeMatches) {
      // Left the selection (or deleted): the previous content at this change's resourceVersion.
      const gone = structuredClone(before);
      metadataOf(gone)["resourceVersion"] = String(change.resourceVersion);
      send("DELETED", gone);
    }
  };

  let replay: StoredChange[] = [];
  if (start !== undefined) {
    const since = ctx.store.changesSince(start);
    if (since === undefined) {
      send("ERROR", expired(`too old resource version: ${start} (${ctx.store.oldestResourceVersion()})`).toStatus());
      res.end();
      return;
    }
    replay = since;
  } else {
    for (const obj of ctx.store.list(resource.storageKey, namespace).map(resource.fromStorage)) {
      if (selector.matches(obj)) send("ADDED", obj);
    }
    if (initialEventsEnd) bookmark({ "k8s.io/initial-events-end": "true" });
  }
  for (const change of replay) deliver(change);
  const unsubscribe = ctx.store.subscribe(deliver);

  const timers: ReturnType<typeof setTimeout>[] = [];
  if (bookmarks) timers.push(setInterval(() => bookmark(), ctx.bookmarkIntervalMs));
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
  const close = (): void => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    ctx.watches.delete(destroy);
  };
  const destroy = (): void => {
    close();
    res.destroy();
  };
  ctx.watches.add(destroy);
  res.on("close", close);
}
