import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assess } from "../../../src/core/assess/assess.ts";
import { parseReconcilable, type Reconcilable } from "../../../src/core/assess/reconcilable.ts";
import { subjectKey } from "../../../src/core/assess/object-ref.ts";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";
import { decideRecovery, settleValidation, type RecoveryDecision, type RecoveryInput } from "../../../src/core/recovery/decide-recovery.ts";
import { JOURNAL_ANNOTATION, readJournal, writeJournal, type Journal } from "../../../src/core/recovery/journal.ts";
import { recoveryPolicy, type RecoveryPolicy } from "../../../src/core/recovery/recovery-policy.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

const NOW = Date.parse("2026-12-07T10:10:00Z");
const THRESHOLDS = { stuckAfterSeconds: 300, escalateAfterSeconds: 1800 };

const OWNERS = new Map<string, Reconcilable>(loadDocuments("recovery/owners.yaml").map((doc) => {
  const parsed = parseReconcilable(doc);
  if (!parsed.ok) throw new Error(parsed.error);
  return [`${parsed.value.kind}/${parsed.value.object.metadata.namespace}/${parsed.value.object.metadata.name}`, parsed.value];
}));

function owner(key: string, annotations?: Record<string, string>): Reconcilable {
  const o = OWNERS.get(key);
  if (o === undefined) throw new Error(key);
  if (annotations === undefined) return o;
  const copy = structuredClone(o);
  copy.object.metadata.annotations = annotations;
  return copy;
}

function policy(recovery: object = {}): RecoveryPolicy {
  return recoveryPolicy(policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", recovery: { mode: "enforce", ...recovery } }));
}

function input(key: string, over: Partial<RecoveryInput> & { annotations?: Record<string, string> } = {}): RecoveryInput {
  const o = owner(key, over.annotations);
  const lookup = (kind: string, namespace: string, name: string) => OWNERS.get(subjectKey(kind, namespace, name));
  const assessment = assess(o, over.now ?? NOW, THRESHOLDS, { lookup });
  return { owner: o, assessment, journal: readJournal(o.object.metadata.annotations), policy: policy(), now: NOW, replacementAvailable: true, ...over };
}

function act(d: RecoveryDecision): Extract<RecoveryDecision, { type: "act" }> {
  assert.equal(d.type, "act", JSON.stringify(d));
  return d as Extract<RecoveryDecision, { type: "act" }>;
}

function journal(over: Partial<Journal>): Journal {
  return { v: 1, cause: "helm-locked", action: "unlock", attempt: 1, phase: "validating", at: "2026-12-07T10:05:00.000Z", token: "2026-12-07T10:05:00.000Z", steps: [{ op: "request-reconcile", reset: false, force: false, done: true }], tried: [], ...over };
}

describe("decideRecovery: per-cause actions under the default rules", () => {
  it("an immutable Job under a Kustomization: Flux's force marker on the live Job, then requestedAt; journal written first", () => {
    const d = act(decideRecovery(input("Kustomization/web/jobs")));
    assert.equal(d.journal.action, "flux-recreate");
    assert.deepEqual(d.journal.steps, [
      { op: "mark-force", target: { kind: "Job", namespace: "web", name: "migrate" }, done: false },
      { op: "request-reconcile", reset: false, force: false, done: false },
    ]);
    assert.equal(d.journal.phase, "acting");
    assert.equal(d.journal.attempt, 1);
    assert.equal(d.journal.token, new Date(NOW).toISOString());
    assert.equal(d.journal.revision, "main@sha1:bbbb", "the revision Ready must be reached at");
    assert.equal(d.dryRun, false);
    assert.equal(d.rule, "default");
  });

  it("a Deployment selector change: orphan-recreate with the refused selector, or a recommendation without an engine", () => {
    const d = act(decideRecovery(input("Kustomization/flux-system/shop")));
    assert.equal(d.journal.action, "orphan-recreate");
    assert.deepEqual(d.journal.steps[0], { op: "orphan-recreate", target: { kind: "Deployment", namespace: "shop", name: "web" }, done: false, selector: { app: "web", team: "shop" } });
    const none = decideRecovery(input("Kustomization/flux-system/shop", { replacementAvailable: false }));
    assert.equal(none.type, "recommend");
    assert.match(none.type === "recommend" ? none.reason : "", /gitops-guard replace deployment\/web -n shop/);
  });

  it("a PVC is never recreated: escalated at once with the migration runbook, whatever the rules say", () => {
    const d = decideRecovery({ ...input("Kustomization/data/db"), policy: policy({ rules: [{ causes: ["immutable"], action: "recover" }] }) });
    assert.equal(d.type, "escalate");
    if (d.type !== "escalate") return;
    assert.match(d.message, /PersistentVolumeClaim holds data and is never recreated automatically/);
    assert.match(d.message, /docs\/runbooks\/data-bearing-change\.md/);
    assert.equal(d.journal.phase, "escalated");
    assert.deepEqual(d.journal.steps, []);
  });

  it("a waiting dependent: nothing, the root cause gets its own decision", () => {
    const d = decideRecovery(input("Kustomization/flux-system/apps"));
    assert.deepEqual(d, { type: "report", reason: "waits on Kustomization/web/jobs: recovery acts on the root cause only" });
  });

  it("health-check failures: recommend only", () => {
    const d = decideRecovery(input("Kustomization/web/frontend"));
    assert.equal(d.type, "recommend");
  });

  it("a Helm lock: requestedAt (helm-controller ≥ v0.37 unlocks); with older controllers, recommend", () => {
    const d = act(decideRecovery(input("HelmRelease/web/cache")));
    assert.equal(d.journal.action, "unlock");
    assert.deepEqual(d.journal.steps, [{ op: "request-reconcile", reset: false, force: false, done: false }]);
    const old = decideRecovery({ ...input("HelmRelease/web/cache"), policy: policy({ helmControllerUnlocks: false }) });
    assert.equal(old.type, "recommend");
    assert.match(old.type === "recommend" ? old.reason : "", /never edit Helm's storage Secrets/);
  });

  it("an immutable object under a HelmRelease: orphan-delete, then requestedAt", () => {
    const d = act(decideRecovery(input("HelmRelease/web/seeder")));
    assert.equal(d.journal.action, "helm-recreate");
    assert.deepEqual(d.journal.steps.map((s) => s.op), ["orphan-delete", "request-reconcile"]);
  });

  it("a HelmRelease that failed and was rolled back: recommended, saying helm-controller rolled back", () => {
    const d = decideRecovery(input("HelmRelease/web/flaky"));
    assert.equal(d.type, "recommend");
    assert.match(d.type === "recommend" ? d.reason : "", /rolled back to the previous release \(Remediated=True RollbackSucceeded\)/);
  });
});

describe("decideRecovery: Argo CD", () => {
  const app = (): RecoveryInput => {
    const parsed = parseReconcilable(loadDocuments("assess/objects/app-sync-failed.yaml")[0]);
    if (!parsed.ok) throw new Error(parsed.error);
    const a = assess(parsed.value, NOW, THRESHOLDS);
    return { owner: parsed.value, assessment: a, journal: { state: "absent" }, policy: policy({ argocdLiveSyncOptions: true }), now: NOW, replacementAvailable: true };
  };

  it("a workload is never force-replaced through Argo CD (its pods would go first); before 3.3, nothing on the live object", () => {
    const d = decideRecovery(app());
    assert.equal(d.type, "recommend");
    assert.match(d.type === "recommend" ? d.reason : "", /gitops-guard replace/);
    assert.equal(decideRecovery({ ...app(), policy: policy() }).type, "recommend");
  });

  it("another kind under Argo CD ≥ 3.3: the sync option on the live object, then a sync", () => {
    const base = app();
    const objects = [{ kind: "Job", namespace: "db", name: "migrate" }];
    const d = act(decideRecovery({ ...base, assessment: { ...base.assessment, objects } }));
    assert.equal(d.journal.action, "argo-replace");
    assert.deepEqual(d.journal.steps.map((s) => s.op), ["argo-replace", "argo-sync"]);
  });
});

describe("decideRecovery: switches, rules and the journal", () => {
  it("disabled by annotation or by the policy: report only; dry-run: the plan, marked dry", () => {
    assert.equal(decideRecovery(input("Kustomization/web/jobs", { annotations: { "gitops-guard.io/recovery": "disabled" } })).type, "report");
    assert.equal(decideRecovery({ ...input("Kustomization/web/jobs"), policy: policy({ mode: "off" }) }).type, "report");
    assert.equal(act(decideRecovery({ ...input("Kustomization/web/jobs"), policy: policy({ mode: "dry-run" }) })).dryRun, true);
  });

  it("never-namespaces and rules: the first matching rule wins, `none` reports", () => {
    assert.equal(decideRecovery({ ...input("Kustomization/web/jobs"), policy: policy({ neverNamespaces: ["web"] }) }).type, "report");
    const byKind = decideRecovery({ ...input("Kustomization/web/jobs"), policy: policy({ rules: [{ kinds: ["Job"], action: "none", name: "no-jobs" }, { action: "recover" }] }) });
    assert.deepEqual(byKind, { type: "report", reason: "policy no-jobs: none (report only)" });
    const recommend = decideRecovery({ ...input("HelmRelease/web/cache"), policy: policy({ rules: [{ owners: ["helm"], causes: ["helm-locked"], action: "recommend" }] }) });
    assert.equal(recommend.type, "recommend");
  });

  it("a journal that is not JSON or not the schema stops recovery on the object", () => {
    const d = decideRecovery(input("Kustomization/web/jobs", { annotations: { [JOURNAL_ANNOTATION]: '{"v":1,"cause":"immutable","__proto__":{"x":1}}' } }));
    assert.equal(d.type, "report");
    assert.match(d.type === "report" ? d.reason : "", /recovery stopped on this object/);
  });

  it("a new leader resumes an attempt in progress, validates one that is done, waits out a backoff, then tries again, then escalates", () => {
    const acting = journal({ phase: "acting", steps: [{ op: "request-reconcile", reset: false, force: false, done: false }] });
    const resumed = act(decideRecovery(input("HelmRelease/web/cache", { annotations: { [JOURNAL_ANNOTATION]: writeJournal(acting) } })));
    assert.equal(resumed.resume, true);
    assert.equal(resumed.journal.token, acting.token, "the same token: the request is not made twice");
    assert.equal(decideRecovery(input("HelmRelease/web/cache", { annotations: { [JOURNAL_ANNOTATION]: writeJournal(journal({})) } })).type, "validate");
    const backoff = journal({ phase: "backoff", retryAfter: "2026-12-07T10:11:00.000Z", tried: ["attempt 1: unlock → not healthy"] });
    assert.equal(decideRecovery(input("HelmRelease/web/cache", { annotations: { [JOURNAL_ANNOTATION]: writeJournal(backoff) } })).type, "wait");
    const later = Date.parse("2026-12-07T10:12:00Z");
    const second = act(decideRecovery(input("HelmRelease/web/cache", { now: later, annotations: { [JOURNAL_ANNOTATION]: writeJournal(backoff) } })));
    assert.equal(second.journal.attempt, 2);
    assert.deepEqual(second.journal.tried, ["attempt 1: unlock → not healthy"]);
    const spent = journal({ phase: "backoff", attempt: 3, retryAfter: "2026-12-07T10:00:00.000Z" });
    const escalated = decideRecovery(input("HelmRelease/web/cache", { annotations: { [JOURNAL_ANNOTATION]: writeJournal(spent) } }));
    assert.equal(escalated.type, "escalate");
    assert.match(escalated.type === "escalate" ? escalated.message : "", /3 attempt\(s\) did not recover it.*helm-locked-or-exhausted\.md/);
  });

  it("exhausted retries under a recover rule: waits for a new source revision, then resetAt + requestedAt", () => {
    const rule = policy({ rules: [{ causes: ["retries-exhausted"], action: "recover" }] });
    const first = decideRecovery({ ...input("HelmRelease/web/api"), policy: rule, sourceRevision: "main@sha1:5" });
    assert.equal(first.type, "await-fix");
    if (first.type !== "await-fix") return;
    const seen = { [JOURNAL_ANNOTATION]: writeJournal(first.journal) };
    assert.equal(decideRecovery({ ...input("HelmRelease/web/api", { annotations: seen }), policy: rule, sourceRevision: "main@sha1:5" }).type, "wait");
    const reset = act(decideRecovery({ ...input("HelmRelease/web/api", { annotations: seen }), policy: rule, sourceRevision: "main@sha1:6" }));
    assert.deepEqual(reset.journal.steps, [{ op: "request-reconcile", reset: true, force: false, done: false }]);
    assert.equal(decideRecovery(input("HelmRelease/web/api")).type, "recommend", "default: recommend");
  });
});

describe("settleValidation", () => {
  const base = input("HelmRelease/web/cache");
  it("healthy: closed as recovered; pending inside the window: wait", () => {
    const closed = settleValidation(base, journal({}), { type: "healthy", message: "HelmRelease Ready" });
    assert.equal(closed.type, "close");
    assert.ok(closed.type === "close" && closed.validated && closed.announce);
    assert.equal(settleValidation(base, journal({ at: "2026-12-07T10:08:00.000Z" }), { type: "pending", message: "Ready=False" }).type, "wait", "2 of 300 s used");
  });

  it("pending past the window: backoff with the next try's time; unhealthy at the limit: escalated", () => {
    const late = { ...base, now: Date.parse("2026-12-07T10:11:00Z") };
    const b = settleValidation(late, journal({}), { type: "pending", message: "Ready=False" });
    assert.equal(b.type, "backoff");
    if (b.type === "backoff") {
      assert.equal(b.journal.retryAfter, "2026-12-07T10:12:00.000Z", "60 s after the failure");
      assert.match(b.journal.tried[0] ?? "", /not healthy within 300 s/);
    }
    const e = settleValidation(base, journal({ attempt: 3 }), { type: "unhealthy", message: "Stalled" });
    assert.equal(e.type, "escalate");
  });

  it("a failed orphan-recreate is escalated at once with a rollback", () => {
    const j = journal({ cause: "immutable", action: "orphan-recreate", steps: [{ op: "orphan-recreate", target: { kind: "Deployment", namespace: "shop", name: "web" }, done: true }] });
    const e = settleValidation(base, j, { type: "unhealthy", message: "Deployment/shop/web Failed" });
    assert.ok(e.type === "escalate" && e.rollback);
    assert.match(e.type === "escalate" ? e.message : "", /replacement-rolled-back\.md/);
  });
});
