import { request as httpsRequest, type RequestOptions } from "node:https";
import { request as httpRequest } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import { AppError, toError } from "../../errors.ts";

/** One answer of the API server, body as raw JSON text parsed (never through client-node's ObjectSerializer). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Plain JSON requests to the API server with the KubeConfig's TLS and credentials. */
export interface KubeHttp {
  request(method: string, path: string, options?: { readonly body?: unknown; readonly contentType?: string; readonly timeoutMs?: number }): Promise<KubeResponse>;
}

/** Default per-request timeout: the webhook must never wait long on the API server. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Raw JSON access: lists and reads keep every field exactly as the API server sent it (CRD schemas
 * with `x-kubernetes-validations`, unknown fields), which client-node's typed APIs would drop.
 */
export function createKubeHttp(kc: KubeConfig): KubeHttp {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new AppError("ERR_KUBE_UNAVAILABLE", "the Kubernetes configuration names no cluster");
  const server = new URL(cluster.server);
  // `http://` servers exist too (kubectl proxy, local test clusters with insecure-skip-tls-verify).
  const request = server.protocol === "http:" ? httpRequest : httpsRequest;
  const defaultPort = server.protocol === "http:" ? 80 : 443;
  return {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { accept: "application/json" };
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      if (payload !== undefined) {
        headers["content-type"] = options.contentType ?? "application/json";
        // Node sends a DELETE body neither chunked nor with a length unless told: without this the
        // API server sees no DeleteOptions (propagationPolicy, preconditions) at all.
        headers["content-length"] = String(Buffer.byteLength(payload, "utf8"));
      }
      const opts: RequestOptions = { method, hostname: server.hostname, port: server.port || defaultPort, path, headers, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
      await kc.applyToHTTPSOptions(opts);
      return new Promise<KubeResponse>((resolve, reject) => {
        const fail = (cause: Error): void => reject(new AppError("ERR_KUBE_UNAVAILABLE", `${method} ${path}: ${cause.message}`, { cause }));
        let req: ReturnType<typeof httpsRequest>;
        try {
          req = request(opts, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = text === "" ? undefined : JSON.parse(text);
            } catch {
              // Not JSON (a proxy's error page): keep the text for the error message.
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on("error", fail);
          });
        } catch (cause) {
          fail(toError(cause));
          return;
        }
        req.on("timeout", () => req.destroy(new Error(`timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
        req.on("error", fail);
        req.end(payload);
      });
    },
  };
}

/** The message of a Status body, or the status code. */
export function statusMessage(response: KubeResponse): string {
  const body = response.body;
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") return `${response.status}: ${body.message}`;
  return `HTTP ${response.status}`;
}
