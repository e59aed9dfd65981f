/**
 * The webhook's request path rebuilt stage by stage on a bare fastify TLS server, to measure what
 * each stage costs (bench/serve-stages.ts). Stage N does everything of the stages below it:
 *
 *   0  the ceiling: parse the body, answer a fixed allowed AdmissionReview (= bench/bare-server.ts)
 *   1  + the draining check each handler makes (Connection: close while shutting down)
 *   2  + zod decoding of the AdmissionReview
 *   3  + mutateRequest (compare, find, decide) with the embedded default policy
 *   4  + the real answer (answerReview) instead of the fixed one
 *   5  + metrics (prom-client, as serve counts them)
 *   6  + the decision record, built and written by the records writer (thread-stream worker)
 *
 * The real `serve` is stage 6 plus its error handling, JSON error messages and readiness routes.
 * Run as its own process: `node bench/stage-server.ts --cert-dir DIR --stage N`; prints
 * `{"listening":PORT}` on stdout when ready and closes on SIGTERM.
 */
import Fastify from "fastify";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { admissionReviewSchema, type AdmissionReview } from "../src/core/admission/admission-review.ts";
import { answerReview } from "../src/core/admission/admission-response.ts";
import { mutateRequest, type AdmissionOutcome } from "../src/core/admission/mutate-request.ts";
import { decisionRecord } from "../src/core/records/decision-record.ts";
import { isJsonObject } from "../src/core/k8s/json.ts";
import { readPolicyFile } from "../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../src/adapters/fs/package-root.ts";
import { dynamicPolicyProvider } from "../src/adapters/policy/dynamic-policy-provider.ts";
import { createAdmissionMetrics } from "../src/adapters/metrics/admission-metrics.ts";
import { createRecordWriter } from "../src/adapters/records/record-writer.ts";
import { afterAnswerQueue } from "../src/adapters/decision-thread/after-answer-queue.ts";
import { TLS_FILE_NAMES } from "../src/adapters/tls/tls-file-names.ts";
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_REVIEW_BYTES, REQUEST_TIMEOUT_MS } from "../src/adapters/http/server-limits.ts";

/** Names of the stages, by number (the table of serve-stages.ts). */
export const STAGES = [
  "ceiling: parse + fixed answer",
  "+ draining check",
  "+ zod decode",
  "+ mutateRequest (compare, find, decide)",
  "+ real answer",
  "+ metrics",
  "+ decision record (= serve)",
] as const;

function uidOf(body: unknown): string {
  const request = isJsonObject(body) ? body["request"] : undefined;
  const uid = isJsonObject(request) ? request["uid"] : undefined;
  return typeof uid === "string" ? uid : "";
}

export async function runStageServer(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { "cert-dir": { type: "string" }, stage: { type: "string", default: "0" } } });
  const certDir = values["cert-dir"];
  const stage = Number(values.stage);
  if (!certDir || !Number.isInteger(stage) || stage < 0 || stage >= STAGES.length) throw new Error("stage-server: --cert-dir DIR --stage 0..6");
  const [key, cert] = await Promise.all([readFile(join(certDir, TLS_FILE_NAMES.key)), readFile(join(certDir, TLS_FILE_NAMES.cert))]);
  const app = Fastify({ https: { key, cert, minVersion: "TLSv1.2" }, bodyLimit: MAX_REVIEW_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, return503OnClosing: true, logger: false });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  let draining = false;
  const provider = dynamicPolicyProvider();
  const active = provider.setPolicy(await readPolicyFile(defaultPolicyPath()), "file:embedded-default");
  const metrics = createAdmissionMetrics();
  const recordsDir = stage >= 6 ? await mkdtemp(join(tmpdir(), "stage-records-")) : undefined;
  const records = recordsDir ? await createRecordWriter(join(recordsDir, "records.jsonl")) : undefined;
  const afterAnswer = afterAnswerQueue((err) => process.stderr.write(`stage-server: ${String(err)}\n`));
  app.post("/mutate", async (request, reply) => {
    const started = process.hrtime.bigint();
    const receivedAt = Date.now();
    if (stage >= 1 && draining) reply.header("connection", "close");
    if (stage < 2) return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: uidOf(request.body), allowed: true } };
    const parsed = admissionReviewSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ message: "not an AdmissionReview" });
    const review: AdmissionReview = parsed.data;
    const outcome: AdmissionOutcome | undefined = stage >= 3 ? mutateRequest(review.request, { catalogue: active.catalogue, policy: active.policy, guardNamespace: "gitops-guard" }) : undefined;
    const body = stage >= 4 && outcome
      ? answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })
      : { apiVersion: review.apiVersion, kind: "AdmissionReview", response: { uid: review.request.uid, allowed: true } };
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // As serve does it: metrics and the record after the answer, one batch per event-loop turn.
    if (stage >= 5 && outcome) {
      afterAnswer(() => {
        const admission = review.request;
        metrics.observe({ webhook: "mutate", operation: admission.operation, group: admission.kind.group, kind: admission.kind.kind, dryRun: admission.dryRun === true, decision: outcome.decision, seconds });
        if (!records) return;
        const facts = { webhook: "mutate" as const, time: new Date(receivedAt).toISOString(), latencyMs: Math.round(seconds * 1e6) / 1e3, policyVersion: active.version, valueMaxBytes: active.policy.records.valueMaxBytes };
        records.write(decisionRecord(admission, { ...outcome, allowed: outcome.verdict.allowed }, facts));
      });
    }
    return body;
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === "object" && address ? address.port : 0 })}\n`);
  process.once("SIGTERM", () => {
    draining = true;
    void app.close().then(async () => {
      await records?.close();
      if (recordsDir) await rm(recordsDir, { recursive: true, force: true });
    });
  });
}

if (import.meta.main) await runStageServer(process.argv.slice(2));
