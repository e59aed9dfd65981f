import { Server as NetServer } from "node:net";
import type { WebhookServer } from "./build-server.ts";

/** How long to wait for open connections to finish after the listener stopped (then idle ones are closed). */
export const CONNECTION_DRAIN_MAX_MS = 2_000;

/** Polling step while waiting for connections to finish. */
const POLL_MS = 25;

function openConnections(app: WebhookServer): Promise<number> {
  return new Promise((resolve) => app.server.getConnections((err, count) => resolve(err ? 0 : count)));
}

/**
 * Closes the webhook without dropping a request it has accepted. The caller has already been
 * answering with `Connection: close` (draining). Then:
 * 1. stop accepting connections — at the net.Server level, which (unlike http.Server#close) does
 *    not also destroy "idle" connections: a connection whose request is still in flight through
 *    TLS counts as idle to Node, and destroying it would reset a request the client has sent;
 * 2. wait until every connection has finished (each gets its answer, then closes), at most
 *    `maxWaitMs`;
 * 3. app.close(): closes what is left (truly idle keep-alive connections) and runs onClose hooks.
 */
export async function gracefulClose(app: WebhookServer, options: { readonly maxWaitMs?: number; readonly now: () => number }): Promise<void> {
  if (app.server.listening) NetServer.prototype.close.call(app.server);
  const deadline = options.now() + (options.maxWaitMs ?? CONNECTION_DRAIN_MAX_MS);
  while ((await openConnections(app)) > 0 && options.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await app.close();
}
