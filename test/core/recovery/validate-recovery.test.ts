import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseReconcilable, type Reconcilable } from "../../../src/core/assess/reconcilable.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Journal } from "../../../src/core/recovery/journal.ts";
import { validateRecovery } from "../../../src/core/recovery/validate-recovery.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

const NOW = Date.parse("2026-12-07T10:10:00Z");
const TOKEN = "2026-12-07T10:05:00.000Z";
const JOURNAL: Journal = {
  v: 1, cause: "immutable", action: "flux-recreate", attempt: 1, phase: "validating", at: TOKEN, token: TOKEN, revision: "main@sha1:bbbb",
  steps: [{ op: "mark-force", target: { kind: "Job", namespace: "web", name: "migrate" }, done: true }, { op: "request-reconcile", reset: false, force: false, done: true }], tried: [],
};

function kustomization(status: object): Reconcilable {
  const r = parseReconcilable({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "jobs", namespace: "web", generation: 1 }, spec: {}, status });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const READY = { observedGeneration: 1, lastAppliedRevision: "main@sha1:bbbb", lastAttemptedRevision: "main@sha1:bbbb", lastHandledReconcileAt: TOKEN, conditions: [{ type: "Ready", status: "True", reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:bbbb" }] };
const RUNNING_JOB: JsonObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "web" }, spec: {}, status: { startTime: "2026-12-07T10:06:00Z", active: 1 } };
const job = { kind: "Job", namespace: "web", name: "migrate" };

describe("health validation after a recovery (kstatus rules)", () => {
  it("healthy: the owner Ready at the expected revision, the request handled, every touched object Current", () => {
    assert.deepEqual(validateRecovery(kustomization(READY), JOURNAL, [{ target: job, object: RUNNING_JOB }], NOW), { type: "healthy", message: "Kustomization Ready at main@sha1:bbbb; Job/web/migrate Current" });
  });

  it("pending: the request not handled yet, another revision, or a touched object missing or in progress", () => {
    assert.equal(validateRecovery(kustomization({ ...READY, lastHandledReconcileAt: "older" }), JOURNAL, [], NOW).type, "pending");
    assert.match(validateRecovery(kustomization({ ...READY, lastAppliedRevision: "main@sha1:cccc" }), JOURNAL, [], NOW).message, /expected main@sha1:bbbb/);
    assert.match(validateRecovery(kustomization(READY), JOURNAL, [{ target: job, object: undefined }], NOW).message, /Job\/web\/migrate NotFound/);
    const notStarted: JsonObject = { ...RUNNING_JOB, status: {} };
    assert.equal(validateRecovery(kustomization(READY), JOURNAL, [{ target: job, object: notStarted }], NOW).type, "pending");
  });

  it("unhealthy: the owner Stalled, or a touched object Failed (a Deployment past its progress deadline, a failed Job)", () => {
    const stalled = { ...READY, conditions: [{ type: "Stalled", status: "True", reason: "RetriesExceeded", message: "Failed to upgrade after 3 attempt(s)" }] };
    assert.equal(validateRecovery(kustomization(stalled), JOURNAL, [], NOW).type, "unhealthy");
    const failedJob: JsonObject = { ...RUNNING_JOB, status: { startTime: "2026-12-07T10:06:00Z", failed: 6, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] } };
    assert.match(validateRecovery(kustomization(READY), JOURNAL, [{ target: job, object: failedJob }], NOW).message, /Job\/web\/migrate Failed/);
    const [web] = loadDocuments("kube-controllers/web.yaml") as JsonObject[];
    const deadline: JsonObject = { ...web!, metadata: { ...(web!["metadata"] as JsonObject), generation: 1 }, status: { observedGeneration: 1, replicas: 3, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] } };
    assert.equal(validateRecovery(kustomization(READY), JOURNAL, [{ target: { kind: "Deployment", namespace: "shop", name: "web" }, object: deadline }], NOW).type, "unhealthy");
  });
});
