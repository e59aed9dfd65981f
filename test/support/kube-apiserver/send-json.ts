import type { ServerResponse } from "node:http";
import type { JsonObject } from "../../../src/core/k8s/json.ts";

/** Writes one JSON answer with Content-Type application/json and a Content-Length. */
export function sendJson(res: ServerResponse, status: number, body: JsonObject): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
