import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKubeAuditSummarizer } from "../../../src/core/audit/kube-audit-summary.ts";
import { AUDIT_LIMITS } from "../../../src/core/audit/audit-limits.ts";
import type { AuditEvent } from "../../../src/core/audit/kube-audit-event.ts";

const WEBHOOKS = ["mutate.gitops-guard.io"];
const event = (auditID: string, stage: string, over: Partial<AuditEvent> = {}): AuditEvent => ({
  auditID, stage, verb: "update", requestReceivedTimestamp: "2026-12-01T10:00:00Z", objectRef: { resource: "deployments", apiGroup: "apps", namespace: "a", name: "b" },
  ...over,
});

describe("createKubeAuditSummarizer", () => {
  it("counts a request once whatever its stages, and its outcome from the final stage only", () => {
    const s = createKubeAuditSummarizer({}, "auto", WEBHOOKS);
    s.add(event("r1", "RequestReceived"));
    s.add(event("r1", "ResponseComplete", { responseStatus: { code: 409 } }));
    s.add(event("r1", "ResponseComplete", { responseStatus: { code: 409 } })); // a duplicated line
    s.add(event("r2", "ResponseStarted", { verb: "watch" }));
    const summary = s.summary(10);
    assert.deepEqual([summary.events, summary.requests, summary.incomplete, summary.conflicts], [4, 2, 1, 1]);
    assert.deepEqual(summary.byVerb, { update: 1, watch: 1 });
  });

  it("remembers a bounded number of open auditIDs: memory stays flat, and requests whose stages are near each other count once", () => {
    const s = createKubeAuditSummarizer({}, "auto", WEBHOOKS);
    const n = AUDIT_LIMITS.openRequests + 50_000;
    for (let i = 0; i < n; i++) {
      s.add(event(`id-${i}`, "RequestReceived"));
      // The final stage arrives a few requests later, as in a real log.
      if (i >= 3) s.add(event(`id-${i - 3}`, "ResponseComplete", { responseStatus: { code: 200 } }));
    }
    const summary = s.summary(10);
    assert.equal(summary.requests, n);
    assert.equal(summary.incomplete, 3, "the last three never completed");
  });

  it("reads our decision id and our mutation annotation; an immutable refusal without them was not seen", () => {
    const s = createKubeAuditSummarizer({}, "auto", WEBHOOKS);
    const immutable = { responseStatus: { code: 422, message: 'Deployment.apps "b" is invalid: spec.selector: field is immutable' } };
    s.add(event("seen", "ResponseComplete", { ...immutable, annotations: { "mutation.webhook.admission.k8s.io/round_1_index_0": '{"configuration":"c","webhook":"mutate.gitops-guard.io","mutated":false}' } }));
    s.add(event("unseen", "ResponseComplete", { ...immutable, annotations: { "mutation.webhook.admission.k8s.io/round_0_index_0": '{"configuration":"c","webhook":"other.example.com","mutated":true}' } }));
    s.add(event("joined", "ResponseComplete", { annotations: { "gitops-guard.io/decision-id": "d-1", "mutate.gitops-guard.io/decision-id": "d-2", "elsewhere.io/decision-id": "d-3" } }));
    const summary = s.summary(10);
    assert.equal(summary.immutableRefusals, 2);
    assert.equal(summary.unseenImmutable.total, 1);
    assert.equal(summary.guardSeen, 2);
    assert.deepEqual([...s.decisionIds].sort(), ["d-1", "d-2"]);
  });
});
