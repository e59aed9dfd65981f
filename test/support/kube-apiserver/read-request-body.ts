import type { IncomingMessage } from "node:http";
import { requestTooLarge } from "./status-error.ts";

/** kube-apiserver's MaxRequestBodyBytes default: 3 MiB. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** The request body as UTF-8 text; 413 RequestEntityTooLarge past `limitBytes` (default 3 MiB). */
export async function readRequestBody(req: IncomingMessage, limitBytes = MAX_REQUEST_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw requestTooLarge(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
