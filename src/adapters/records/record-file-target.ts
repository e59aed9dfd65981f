import pino from "pino";
import { once } from "node:events";

/**
 * The pino transport target the record writer's worker thread runs: pino's own destination
 * (SonicBoom) in synchronous mode. Synchronous here costs the request thread nothing (this is
 * the worker), and it is what makes `flush()` on the main thread mean "on disk": thread-stream
 * acknowledges a chunk only after this write returned. (pino/file forces sync: false.)
 */
export default async function recordFileTarget(options: { readonly destination: string | number }): Promise<pino.DestinationStream> {
  const destination = pino.destination({ dest: options.destination, sync: true, append: true, mkdir: true });
  await once(destination, "ready");
  return destination;
}
