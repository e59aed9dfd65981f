import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assess } from "../../../src/core/assess/assess.ts";
import { parseReconcilable, type Reconcilable } from "../../../src/core/assess/reconcilable.ts";
import { DEFAULT_THRESHOLDS, type Thresholds } from "../../../src/core/assess/thresholds.ts";
import { formatRef } from "../../../src/core/assess/object-ref.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

/** Every fixture's times are relative to this instant. */
const NOW = Date.parse("2026-12-07T12:00:00Z");

function objects(file: string): Reconcilable[] {
  return loadDocuments(`assess/objects/${file}`).map((doc) => {
    const parsed = parseReconcilable(doc);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
    return parsed.value;
  });
}

function one(file: string): Reconcilable {
  const [first] = objects(file);
  return first!;
}

function lookupIn(all: readonly Reconcilable[]) {
  return (kind: string, namespace: string, name: string) =>
    all.find((o) => o.kind === kind && (o.object.metadata.namespace ?? "") === namespace && o.object.metadata.name === name);
}

describe("assess: Kustomization", () => {
  it("an immutable selector change retried for 10 minutes is stuck, immutable, with the object, field and Git advice", () => {
    const a = assess(one("ks-immutable.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "stuck");
    assert.equal(a.cause, "immutable");
    assert.equal(a.immutable, true);
    assert.deepEqual(a.objects.map(formatRef), ["Deployment/gatekeeper-system/gatekeeper-controller-manager"]);
    assert.deepEqual(a.fields, ["spec.selector"]);
    // Ready flipped at 11:58 on the last retry; history[0] says the failing manifest first ran at 11:50.
    assert.equal(a.since, "2026-12-07T11:50:00.000Z");
    assert.equal(a.notReadySeconds, 600);
    assert.match(a.message, /revision main@sha1:2222.* attempted, main@sha1:1111.* applied/);
    assert.match(a.recommendation, /includeSelectors: false/);
    assert.match(a.recommendation, /kustomize\.toolkit\.fluxcd\.io\/force: enabled/);
    assert.match(a.recommendation, /from this Kustomization's source under \.\/infrastructure\/gatekeeper/);
    assert.equal(a.escalate, false);
  });

  it("the same object 4 minutes into the failure is still progressing, with the cause already known (early warning)", () => {
    const a = assess(one("ks-immutable.yaml"), Date.parse("2026-12-07T11:54:00Z"), DEFAULT_THRESHOLDS);
    assert.equal(a.state, "progressing");
    assert.equal(a.cause, "immutable");
  });

  it("escalates once stuck for the second threshold (30 minutes by default)", () => {
    assert.equal(assess(one("ks-immutable.yaml"), Date.parse("2026-12-07T12:19:59Z"), DEFAULT_THRESHOLDS).escalate, false);
    assert.equal(assess(one("ks-immutable.yaml"), Date.parse("2026-12-07T12:20:00Z"), DEFAULT_THRESHOLDS).escalate, true);
  });

  it("honours per-kind thresholds given as a function", () => {
    const loose: Thresholds = { stuckAfterSeconds: 900, escalateAfterSeconds: 3600 };
    const a = assess(one("ks-immutable.yaml"), NOW, (kind) => (kind === "Kustomization" ? loose : DEFAULT_THRESHOLDS));
    assert.equal(a.state, "progressing");
  });

  it("uses what the caller saw first when that is earlier than the status", () => {
    const a = assess(one("ks-immutable.yaml"), NOW, DEFAULT_THRESHOLDS, { notReadySince: () => Date.parse("2026-12-07T11:20:00Z") });
    assert.equal(a.notReadySeconds, 2400);
    assert.equal(a.escalate, true);
  });

  it("a ready Kustomization is ready with nothing to do", () => {
    const a = assess(one("ks-ready.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.deepEqual([a.state, a.cause, a.since, a.notReadySeconds, a.recommendation], ["ready", null, null, null, "Nothing to do."]);
  });

  it("a suspended one is suspended, never stuck, however long it has failed", () => {
    const a = assess(one("ks-suspended.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "suspended");
    assert.equal(a.escalate, false);
  });

  it("health checks under way: progressing, then slow past spec.timeout, then stuck a stuck threshold later", () => {
    const ks = one("ks-health-in-progress.yaml"); // started 11:56, timeout 2m
    assert.equal(assess(ks, Date.parse("2026-12-07T11:57:00Z"), DEFAULT_THRESHOLDS).state, "progressing");
    const slow = assess(ks, Date.parse("2026-12-07T11:58:30Z"), DEFAULT_THRESHOLDS);
    assert.equal(slow.state, "slow");
    assert.equal(slow.cause, "health-check");
    assert.equal(assess(ks, Date.parse("2026-12-07T12:02:59Z"), DEFAULT_THRESHOLDS).state, "slow");
    assert.equal(assess(ks, Date.parse("2026-12-07T12:03:00Z"), DEFAULT_THRESHOLDS).state, "stuck");
    assert.match(slow.message, /generation 4 not yet reconciled \(observed 3\)/);
  });

  it("names the first dependency that is stuck for its own reason, with the chain", () => {
    const all = objects("ks-dependency-chain.yaml");
    const a = assess(all[0]!, NOW, DEFAULT_THRESHOLDS, { lookup: lookupIn(all) });
    assert.equal(a.state, "stuck");
    assert.equal(a.cause, "dependency");
    assert.ok(a.rootCause);
    assert.deepEqual(a.rootCause.chain.map((r) => r.name), ["infra-configs", "infra-controllers"]);
    assert.equal(a.rootCause.object.name, "infra-controllers");
    assert.equal(a.rootCause.cause, "health-check");
    assert.equal(a.rootCause.state, "stuck");
    assert.match(a.recommendation, /infra-configs → .*infra-controllers/);
  });

  it("reports a dependency that is not among the objects as the root, state unknown", () => {
    const all = objects("ks-dependency-chain.yaml");
    const a = assess(all[0]!, NOW, DEFAULT_THRESHOLDS, { lookup: lookupIn([all[0]!]) });
    assert.equal(a.rootCause?.object.name, "infra-configs");
    assert.equal(a.rootCause?.state, "unknown");
  });

  it("stops at a dependsOn cycle", () => {
    const all = objects("ks-dependency-chain.yaml");
    const [apps, configs] = all;
    const cyclic = { ...configs!, object: { ...configs!.object, status: { conditions: [{ type: "Ready", status: "False", reason: "DependencyNotReady", message: "dependency 'flux-system/apps' is not ready", lastTransitionTime: "2026-12-07T11:40:00Z" }] } } } as Reconcilable;
    const a = assess(apps!, NOW, DEFAULT_THRESHOLDS, { lookup: lookupIn([apps!, cyclic]) });
    assert.equal(a.rootCause?.message, "dependsOn cycle");
  });

  it("an object nobody reconciles (no status an hour after creation) is stuck", () => {
    const a = assess(one("ks-no-status.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "stuck");
    assert.match(a.message, /is kustomize-controller running/);
  });
});

describe("assess: HelmRelease", () => {
  it("Stalled RetriesExceeded is failed at once", () => {
    const a = assess(one("hr-retries-exceeded.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "failed");
    assert.equal(a.cause, "retries-exhausted");
    assert.equal(a.reason, "RetriesExceeded");
    assert.match(a.recommendation, /--reset/);
  });

  it("reads the upgrade's error from Released when Ready only says the rollback succeeded", () => {
    const a = assess(one("hr-rollback-immutable.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.cause, "immutable");
    assert.deepEqual(a.objects.map(formatRef), ["Job/gitlab-web-migrations-5"]);
    assert.deepEqual(a.fields, ["spec.template"]);
    assert.match(a.recommendation, /Job's template never changes/);
  });

  it("reads MissingRollbackTarget from Stalled (it is nowhere else)", () => {
    const a = assess(one("hr-missing-rollback-target.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "failed");
    assert.equal(a.reason, "MissingRollbackTarget");
    assert.match(a.message, /missing target release for rollback/);
  });

  it("reads v2beta2 and calls the Helm lock helm-locked", () => {
    const a = assess(one("hr-v2beta2-locked.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.object.apiVersion, "helm.toolkit.fluxcd.io/v2beta2");
    assert.equal(a.state, "stuck");
    assert.equal(a.cause, "helm-locked");
  });

  it("RetryOnFailure never stalls: stuck by time, failures counted", () => {
    const a = assess(one("hr-retry-on-failure.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "stuck");
    assert.equal(a.cause, "immutable");
    assert.match(a.message, /7 failed attempt\(s\) \(RetryOnFailure: never stalls\)/);
    assert.equal(a.escalate, true); // failing since 11:25
  });
});

describe("assess: Argo CD Application", () => {
  it("a failed sync operation is failed, with the object from syncResult and its namespace", () => {
    const a = assess(one("app-sync-failed.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "failed");
    assert.equal(a.cause, "immutable");
    assert.deepEqual(a.objects.map(formatRef), ["StatefulSet/db/postgresql"]);
    assert.deepEqual(a.fields, ["spec"]);
    assert.match(a.recommendation, /Replace=true,Force=true/);
    assert.match(a.recommendation, /--cascade=orphan/);
  });

  it("Synced and Healthy is ready", () => {
    assert.equal(assess(one("app-healthy.yaml"), NOW, DEFAULT_THRESHOLDS).state, "ready");
  });

  it("an operation waiting for health is slow after 5 minutes and stuck after 10, naming what it waits for", () => {
    const app = one("app-running-health-wait.yaml");
    const a = assess(app, Date.parse("2026-12-07T11:54:00Z"), DEFAULT_THRESHOLDS);
    assert.equal(a.state, "slow");
    assert.equal(a.cause, "health-check");
    assert.deepEqual(a.objects.map(formatRef), ["Deployment/guestbook-ui"]);
    assert.equal(assess(app, NOW, DEFAULT_THRESHOLDS).state, "stuck");
  });

  it("Degraded health names the degraded resources", () => {
    const a = assess(one("app-degraded.yaml"), NOW, DEFAULT_THRESHOLDS);
    assert.equal(a.state, "stuck");
    assert.equal(a.cause, "health-check");
    assert.deepEqual(a.objects.map(formatRef), ["Deployment/api/api"]);
  });
});

describe("parseReconcilable", () => {
  it("refuses other kinds and malformed objects with a clear error", () => {
    const deployment = parseReconcilable({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } });
    assert.deepEqual(deployment, { ok: false, error: "apps/v1 Deployment is not a kind diagnose reads (Kustomization, HelmRelease, Application)" });
    const bad = parseReconcilable({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: {} });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.error, /metadata\.name/);
    assert.equal(parseReconcilable("text").ok, false);
  });
});
