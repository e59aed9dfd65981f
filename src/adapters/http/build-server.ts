import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { tlsServerOptions } from "../tls/tls-server-options.ts";
import type { TlsMaterial } from "../tls/load-tls-material.ts";
import type { Logger } from "pino";
import type { AdmissionMetrics } from "../metrics/admission-metrics.ts";
import { registerAdmissionRoutes, type AdmissionRouteDeps } from "./admission-routes.ts";
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_REVIEW_BYTES, REQUEST_TIMEOUT_MS } from "./server-limits.ts";
import { jsonBodyError } from "./json-body-error.ts";
import { JsonText } from "./json-text.ts";

/** The webhook's fastify instance (HTTPS, our pino logger). */
export type WebhookServer = FastifyInstance<HttpsServer, IncomingMessage, ServerResponse, FastifyBaseLogger>;

/** Why the server is not ready, or undefined when it is. */
export type ReadinessCheck = () => string | undefined;

export interface ServerDeps extends AdmissionRouteDeps {
  /** TLS material; the server speaks HTTPS only, TLS 1.2 minimum. */
  readonly tls: Pick<TlsMaterial, "cert" | "key">;
  readonly readiness: ReadinessCheck;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
}

/** Maps fastify's body errors to our codes: the body is the problem (400/413/415), never the server. */
function bodyErrorReply(error: FastifyError): { status: number; code: string; message: string } | undefined {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, code: "ERR_REVIEW_TOO_LARGE", message: `request body is larger than ${MAX_REVIEW_BYTES} bytes (7 MiB)` };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, code: "ERR_REVIEW_INVALID", message: error.message };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, code: "ERR_REVIEW_INVALID", message: "Content-Type must be application/json" };
    default:
      return error.statusCode === 400 ? { status: 400, code: "ERR_REVIEW_INVALID", message: error.message } : undefined;
  }
}

/**
 * Builds the webhook server (routes, limits, error mapping) without listening. HTTPS only.
 * `app.server.setSecureContext` swaps certificates without a restart.
 */
export function buildServer(deps: ServerDeps): WebhookServer {
  const app = Fastify<HttpsServer, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    https: tlsServerOptions(deps.tls),
    bodyLimit: MAX_REVIEW_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
    // No fastify logger: it would build a child logger per request (measurable at thousands of
    // requests/s). Decisions are recorded; errors are logged by the handlers below with deps.log.
    logger: false,
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  // While draining for shutdown every answer asks the client to close its connection, so no
  // keep-alive connection carries a request the closing server would never read. Set by each
  // handler rather than an onSend hook: a hook runs fastify's hook chain on every answer (about
  // 1 µs at 10,000 answers/s), for a flag that is false until SIGTERM.
  const closeWhenDraining = (reply: FastifyReply): void => {
    if (deps.draining?.() === true) reply.header("connection", "close");
  };

  // fastify's own JSON parser (secure-json-parse: refuses prototype poisoning), with an error that
  // says what is wrong instead of its single "Body is not valid JSON" (see jsonBodyError). With a
  // decision thread the body stays text: the thread parses it (parseReviewText, the same rules).
  const fastifyJson = app.getDefaultJsonParser("error", "error");
  const parseHere = deps.decisionThread === undefined;
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (!parseHere) {
      if (text === "") done(Object.assign(new Error("body is empty: expected an AdmissionReview"), { code: "FST_ERR_CTP_EMPTY_JSON_BODY", statusCode: 400 }), undefined);
      else done(null, new JsonText(text));
      return;
    }
    void fastifyJson(request, text, (err: Error | null, value?: unknown) => {
      const code = err && "code" in err ? err.code : undefined;
      if (err && code === "FST_ERR_CTP_INVALID_JSON_BODY") err.message = jsonBodyError(text);
      else if (err && code === "FST_ERR_CTP_EMPTY_JSON_BODY") err.message = "body is empty: expected an AdmissionReview";
      done(err, value);
    });
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

  registerAdmissionRoutes(app, deps);
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
