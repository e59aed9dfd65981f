import type { Agent } from "node:https";
import { request } from "node:https";

/** A response as the client received it. */
export interface HttpsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): unknown;
}

/**
 * Sends one HTTPS request the way kube-apiserver's webhook client does: POST, application/json,
 * verifying the server against the given CA (no `rejectUnauthorized: false`).
 */
export function httpsRequest(options: {
  readonly url: string;
  readonly ca: string;
  readonly method?: string;
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly agent?: Agent;
  readonly timeoutMs?: number;
}): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.url);
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? (options.body !== undefined ? "POST" : "GET"),
        ca: options.ca,
        servername: "localhost",
        agent: options.agent,
        headers: options.body !== undefined ? { "content-type": options.contentType ?? "application/json" } : {},
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
