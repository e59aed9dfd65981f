import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { tlsServerOptions } from "../tls/tls-server-options.ts";
import type { TlsMaterial } from "../tls/load-tls-material.ts";
import type { Logger } from "pino";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import { registerAdmissionRoutes, type AdmissionRouteDeps } from "./admission-routes.ts";
import { CONNECTIONS_CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS, MAX_REVIEW_BYTES, REQUEST_TIMEOUT_MS } from "./server-limits.ts";
import { ERROR_CODES, type ErrorCode } from "../../errors.ts";
import { JsonText } from "./json-text.ts";

/** The webhook's fastify instance (HTTPS, our pino logger). */
export type WebhookServer = FastifyInstance<HttpsServer, IncomingMessage, ServerResponse, FastifyBaseLogger>;

/** Why the server is not ready, or undefined when it is. */
export type ReadinessCheck = () => string | undefined;

export interface ServerDeps extends AdmissionRouteDeps {
  /** TLS material; the server speaks HTTPS only, TLS 1.2 minimum. */
  readonly tls: Pick<TlsMaterial, "cert" | "key">;
  /**
   * CA bundle (PEM) that signs kube-apiserver's client certificate (`--client-ca`): when set, the
   * admission routes answer 401 to a client without such a certificate. Default: absent (no
   * client authentication; restrict who reaches the port with the NetworkPolicy).
   */
  readonly clientCa?: string | undefined;
  /** Most open connections (MAX_CONNECTIONS by default). */
  readonly maxConnections?: number;
  readonly readiness: ReadinessCheck;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
}

/** Charsets a review body may declare: JSON is UTF-8 (RFC 8259 §8.1) and kube-apiserver sends no other. */
const UTF8 = /^"?utf-?8"?$/i;

/** The charset parameter of a Content-Type header, when there is one. */
function charsetOf(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : /;\s*charset\s*=\s*([^;\s]+)/i.exec(contentType)?.[1];
}

/** Maps fastify's body errors to our codes: the body is the problem (400/413/415), never the server. */
function bodyErrorReply(error: FastifyError): { status: number; code: ErrorCode; message: string } | undefined {
  const reply = (code: ErrorCode, message: string): { status: number; code: ErrorCode; message: string } => ({ status: ERROR_CODES[code].httpStatus, code, message });
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return reply("ERR_REVIEW_TOO_LARGE", `request body is larger than ${MAX_REVIEW_BYTES} bytes (7 MiB)`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return reply("ERR_REVIEW_MEDIA_TYPE", "Content-Type must be application/json (UTF-8)");
    case "ERR_REVIEW_MEDIA_TYPE":
      return reply("ERR_REVIEW_MEDIA_TYPE", error.message);
    default:
      return error.statusCode === 400 ? reply("ERR_REVIEW_INVALID", error.message) : undefined;
  }
}

/**
 * Builds the webhook server (routes, limits, error mapping) without listening. HTTPS only.
 * `app.server.setSecureContext` swaps certificates without a restart.
 */
export function buildServer(deps: ServerDeps): WebhookServer {
  const app = Fastify<HttpsServer, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    https: { ...tlsServerOptions(deps.tls, deps.clientCa), connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS },
    bodyLimit: MAX_REVIEW_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Socket inactivity before the first request (and within one): Node's http server otherwise
    // keeps a TLS connection that never sends a byte forever (an outside probe held 8,000). Between
    // requests the keep-alive timeout applies instead.
    connectionTimeout: HEADERS_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
    // No fastify logger: it would build a child logger per request (measurable at thousands of
    // requests/s). Decisions are recorded; errors are logged by the handlers below with deps.log.
    logger: false,
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.server.maxConnections = deps.maxConnections ?? MAX_CONNECTIONS;
  // While draining for shutdown every answer asks the client to close its connection, so no
  // keep-alive connection carries a request the closing server would never read. Set by each
  // handler rather than an onSend hook: a hook runs fastify's hook chain on every answer (about
  // 1 µs at 10,000 answers/s), for a flag that is false until SIGTERM.
  const closeWhenDraining = (reply: FastifyReply): void => {
    if (deps.draining?.() === true) reply.header("connection", "close");
  };

  // Only application/json is a review: fastify's text/plain parser goes, so any other type gets
  // 415. The body is kept as text; it is parsed once, where it is decided (core reviewDecision, on
  // the decision thread or on this one), so there is one JSON parse path and one 400 (admission-routes).
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const charset = charsetOf(request.headers["content-type"]);
    if (charset !== undefined && !UTF8.test(charset)) {
      done(Object.assign(new Error(`charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: a review is JSON in UTF-8`), { code: "ERR_REVIEW_MEDIA_TYPE", statusCode: 415 }), undefined);
      return;
    }
    done(null, new JsonText(typeof body === "string" ? body : body.toString("utf8")));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    closeWhenDraining(reply);
    const mapped = bodyErrorReply(error);
    const webhook = request.url.startsWith("/validate") ? "validate" : "mutate";
    if (mapped) {
      deps.metrics.error(webhook, mapped.code);
      deps.log.warn({ webhook, code: mapped.code, reason: mapped.message }, "request rejected");
      return reply.code(mapped.status).send({ code: mapped.code, message: mapped.message });
    }
    deps.metrics.error(webhook, "ERR_INTERNAL");
    deps.log.error({ err: error }, "unexpected error");
    return reply.code(500).send({ code: "ERR_INTERNAL", message: "internal error" });
  });

  registerAdmissionRoutes(app, { ...deps, requireClientCert: deps.clientCa !== undefined });
  app.get("/healthz", (_request, reply) => {
    closeWhenDraining(reply);
    return { status: "ok" };
  });
  app.get("/readyz", (_request, reply) => {
    closeWhenDraining(reply);
    const notReady = deps.readiness();
    return notReady === undefined ? { status: "ready" } : reply.code(503).send({ status: "not ready", reason: notReady });
  });
  app.get("/metrics", async (_request, reply) => {
    closeWhenDraining(reply);
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
  return app;
}
