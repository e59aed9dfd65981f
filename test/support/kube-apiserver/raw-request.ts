import { request } from "node:https";

/** A raw HTTPS answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** What to send; the bearer token is added unless `token` is null. */
export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Bearer token; null sends no Authorization header. */
  readonly token: string | null;
}

/**
 * One HTTPS request to a simulated API server (trusting only its CA, as a kubeconfig would), for
 * checking wire details that client-node hides (401 bodies, headers, raw watch framing).
 * Resolves with the whole answer; `timeoutMs` (default 5000) aborts a request that never ends.
 */
export function rawRequest(server: { readonly url: string; readonly caPem: string }, req: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token !== null) headers["Authorization"] = `Bearer ${req.token}`;
    const outgoing = request(new URL(req.path, server.url), { method: req.method ?? "GET", ca: server.caPem, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}
