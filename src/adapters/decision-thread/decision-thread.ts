/**
 * The decision thread's entry point (a worker_threads script): it only wires the thread's port
 * to serveDecisions. Started by decision-worker-client.ts; importing it on the main thread does
 * nothing.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { serveDecisions } from "./serve-decisions.ts";

const dataSchema = z.object({ guardNamespace: z.string().min(1), recording: z.boolean(), busySince: z.instanceof(SharedArrayBuffer) });

if (!isMainThread && parentPort) serveDecisions(parentPort, dataSchema.parse(workerData));
