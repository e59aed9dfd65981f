/**
 * The worker thread of bench/offload-server.ts: parse, zod, mutateRequest and answer for a batch
 * of raw bodies, answers returned as JSON strings. A benchmark prototype, not part of serve.
 */
import { parentPort } from "node:worker_threads";
import { admissionReviewSchema } from "../src/core/admission/admission-review.ts";
import { answerReview } from "../src/core/admission/admission-response.ts";
import { mutateRequest } from "../src/core/admission/mutate-request.ts";
import { readPolicyFile } from "../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../src/adapters/fs/package-root.ts";
import { dynamicPolicyProvider } from "../src/adapters/http/dynamic-policy-provider.ts";

/** One request: its id and raw body; one answer: its id and JSON text. */
export type OffloadItem = readonly [number, string];

const port = parentPort;
if (port) {
  const active = dynamicPolicyProvider().setPolicy(await readPolicyFile(defaultPolicyPath()), "file:embedded-default");
  const context = { catalogue: active.catalogue, policy: active.policy, guardNamespace: "gitops-guard" };
  port.on("message", (batch: readonly OffloadItem[]) => {
    const answers: OffloadItem[] = batch.map(([id, text]) => {
      const parsed = admissionReviewSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return [id, JSON.stringify({ message: "not an AdmissionReview" })];
      const { verdict } = mutateRequest(parsed.data.request, context);
      return [id, JSON.stringify(answerReview({ apiVersion: parsed.data.apiVersion, uid: parsed.data.request.uid }, verdict, { mayPatch: true }))];
    });
    port.postMessage(answers);
  });
  port.postMessage("ready");
}
