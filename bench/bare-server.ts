/**
 * The ceiling of the webhook benchmark: a bare fastify HTTPS server with the webhook's TLS
 * certificate, body limit and timeouts, that parses the JSON body and answers a fixed allowed
 * AdmissionReview echoing the uid. Nothing else: no validation, no policy, no records, no metrics.
 *
 * Run as its own process: `node bench/bare-server.ts --cert-dir DIR [--port P]`. It prints one JSON
 * line `{"listening":PORT}` on stdout when ready and closes gracefully on SIGTERM.
 */
import Fastify from "fastify";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isJsonObject } from "../src/core/k8s/json.ts";
import { TLS_FILE_NAMES } from "../src/adapters/tls/tls-file-names.ts";
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_REVIEW_BYTES, REQUEST_TIMEOUT_MS } from "../src/adapters/http/server-limits.ts";

/** The uid of an AdmissionReview body, or "" when there is none (the answer stays allowed). */
function uidOf(body: unknown): string {
  if (!isJsonObject(body)) return "";
  const request = body["request"];
  if (!isJsonObject(request)) return "";
  const uid = request["uid"];
  return typeof uid === "string" ? uid : "";
}

export async function runBareServer(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { "cert-dir": { type: "string" }, host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "0" } } });
  const certDir = values["cert-dir"];
  if (!certDir) throw new Error("bare-server: --cert-dir is required");
  const [key, cert] = await Promise.all([readFile(join(certDir, TLS_FILE_NAMES.key)), readFile(join(certDir, TLS_FILE_NAMES.cert))]);
  // Same server options as src/adapters/http/build-server.ts, so only the work per request differs.
  const app = Fastify({
    https: { key, cert, minVersion: "TLSv1.2" },
    bodyLimit: MAX_REVIEW_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
    logger: false,
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  const answer = (request: { body: unknown }): unknown => ({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: { uid: uidOf(request.body), allowed: true },
  });
  app.post("/mutate", async (request) => answer(request));
  app.post("/validate", async (request) => answer(request));
  app.get("/healthz", async () => ({ status: "ok" }));
  await app.listen({ host: values.host, port: Number(values.port) });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === "object" && address ? address.port : 0 })}\n`);
  process.once("SIGTERM", () => {
    void app.close();
  });
}

if (import.meta.main) await runBareServer(process.argv.slice(2));
