import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKubeApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { installBuiltinStrategies } from "../support/e2e/install-builtin-strategies.ts";
import { startHelmLoop, startKustomizeLoop } from "../support/flux-controllers.ts";
import { startFluxSimulator } from "../support/flux-simulator.ts";
import { guardEvents, recoveryWatchOptions, startReplica, tempRecords } from "../support/watch-harness.ts";
import { waitFor } from "../support/wait-for.ts";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { JOURNAL_ANNOTATION, readJournal, type Journal } from "../../src/core/recovery/journal.ts";

/**
 * Recovery scenarios (issue 15 "Done when"): real watch replicas (leader election, Events,
 * records, metrics) against the simulated API server, with simulated kustomize-controller and
 * helm-controller that react to the levers recovery pulls. Times are scaled: stuck after 2 s,
 * resync 0.2 s, validation window 3 s.
 */

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function policyFile(recovery: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gg-recovery-"));
  const path = join(dir, "policy.yaml");
  await writeFile(path, `apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nrecovery:\n${recovery}`);
  return path;
}

const ENFORCE = "  mode: enforce\n  healthTimeoutSeconds: 3\n  backoffSeconds: 0\n";

function job(namespace: string, name: string, image: string): JsonObject {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { namespace, name }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image }] } } } };
}

function metaOf(obj: JsonObject | undefined): JsonObject {
  return obj !== undefined && isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
}

function journalOf(obj: JsonObject | undefined): Journal | undefined {
  const annotations = metaOf(obj)["annotations"];
  const map: Record<string, string> = {};
  if (isJsonObject(annotations)) for (const [k, v] of Object.entries(annotations)) if (typeof v === "string") map[k] = v;
  const read = readJournal(map);
  return read.state === "ok" ? read.journal : undefined;
}

describe("watch recovery over HTTPS against the simulated API server and simulated Flux controllers", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard", "web", "flux-system", "data", "kube-system"], bookmarkIntervalMs: 50, controllerDelayMs: 5 });
  installBuiltinStrategies(server);
  after(() => server.stop());
  const ks = (namespace: string, name: string) => server.store.get({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace, name });
  const hr = (namespace: string, name: string) => server.store.get({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", namespace, name });
  const eventsOf = (object: string) => guardEvents(server).filter((e) => e.object === object).map((e) => e.reason);

  it("immutable Job under a Kustomization: marked, reconciled, recreated by Flux, health validated, Recovered (within threshold + one resync + the apply)", async () => {
    const records = await tempRecords();
    const loop = startKustomizeLoop(server, { namespace: "web", name: "jobs", intervalMs: 150, revision: "main@sha1:aaaa", objects: [job("web", "migrate", "migrate:v1")] });
    await loop.reconcileNow();
    const oldUid = metaOf(server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "migrate" }))["uid"];
    const replica = await startReplica(recoveryWatchOptions(server, { records: records.path, policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("leader", () => replica.watch.elector.isLeader(), { timeoutMs: 5000 });
      const changedAt = Date.now();
      loop.setSource("main@sha1:bbbb", [job("web", "migrate", "migrate:v2")]);
      await waitFor("Recovering", () => eventsOf("Kustomization/web/jobs").includes("Recovering"), { timeoutMs: 6000 });
      const actedAfter = Date.now() - changedAt;
      // Threshold 2 s + one resync 0.2 s + settle 0.2 s + one Flux retry 0.15 s (+ whole-second status times).
      assert.ok(actedAfter < 2000 + 200 + 200 + 150 + 1000, `acted after ${actedAfter} ms`);
      await waitFor("Recovered", () => eventsOf("Kustomization/web/jobs").includes("Recovered"), { timeoutMs: 6000 });
      const live = server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "migrate" });
      assert.notEqual(metaOf(live)["uid"], oldUid, "Flux deleted and re-created the Job");
      assert.match(JSON.stringify(live), /migrate:v2/);
      const journal = journalOf(ks("web", "jobs"));
      assert.equal(journal?.phase, "recovered");
      assert.equal(journal?.action, "flux-recreate");
      assert.equal(journal?.attempt, 1);
      assert.deepEqual(journal?.steps.map((s) => s.op), ["mark-force", "request-reconcile"]);
      const events = guardEvents(server).filter((e) => e.object === "Kustomization/web/jobs");
      assert.deepEqual(events.map((e) => e.reason), ["ImmutableConflict", "ReconciliationStuck", "Recovering", "Recovered"]);
      assert.match(events[3]!.message, /recovered by flux-recreate \(attempt 1\); health validated: Kustomization Ready at main@sha1:bbbb; Job\/web\/migrate Current/);
      const metrics = await (await fetch(`http://127.0.0.1:${replica.watch.port}/metrics`)).text();
      assert.match(metrics, /gitops_guard_recovery_total\{action="flux-recreate",outcome="recovered"\} 1/);
      await pause(600); // more resyncs: nothing new
      assert.deepEqual(eventsOf("Kustomization/web/jobs"), ["ImmutableConflict", "ReconciliationStuck", "Recovering", "Recovered"]);
    } finally {
      loop.stop();
      await replica.watch.close();
    }
    const recovery = (await records.lines()).filter((l) => l["kind"] === "recovery" && (l["object"] as JsonObject)["name"] === "jobs");
    assert.deepEqual(recovery.map((l) => l["outcome"]), ["noted", "done", "recovered"]);
    assert.ok(recovery.every((l) => l["v"] === 1 && l["dryRun"] === false));
  });

  it("a Helm release locked in pending-upgrade: requestedAt, helm-controller unlocks and upgrades, Recovered", async () => {
    const loop = startHelmLoop(server, { namespace: "web", name: "cache", intervalMs: 60_000, retries: 3, objects: [] });
    loop.lockRelease("pending-upgrade");
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("Recovered", () => eventsOf("HelmRelease/web/cache").includes("Recovered"), { timeoutMs: 8000 });
      const live = hr("web", "cache");
      const journal = journalOf(live);
      assert.equal(journal?.action, "unlock");
      assert.equal(metaOf(live)["annotations"] && (metaOf(live)["annotations"] as JsonObject)["reconcile.fluxcd.io/requestedAt"], journal?.token);
      assert.equal(loop.runs(), 1, "one reconcile, the one requested");
      assert.deepEqual(eventsOf("HelmRelease/web/cache"), ["ReconciliationStuck", "Recovering", "Recovered"]);
    } finally {
      loop.stop();
      await replica.watch.close();
    }
  });

  it("an immutable Job under a HelmRelease: deleted with propagationPolicy Orphan, helm's upgrade re-creates it", async () => {
    server.store.put(job("web", "seed", "seed:v1"));
    const loop = startHelmLoop(server, { namespace: "web", name: "seeder", intervalMs: 150, retries: 100, objects: [job("web", "seed", "seed:v2")] });
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("Recovered", () => eventsOf("HelmRelease/web/seeder").includes("Recovered"), { timeoutMs: 8000 });
      const deletes = server.requests.filter((r) => r.method === "DELETE" && r.path.endsWith("/jobs/seed"));
      assert.equal(deletes.length, 1, "deleted once");
      assert.match(JSON.stringify(server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "seed" })), /seed:v2/);
      const journal = journalOf(hr("web", "seeder"));
      assert.equal(journal?.action, "helm-recreate");
      assert.deepEqual(journal?.steps.map((s) => [s.op, s.done]), [["orphan-delete", true], ["request-reconcile", true]]);
      assert.ok(journal?.steps[0]?.op === "orphan-delete" && journal.steps[0].uid !== undefined, "the uid it deleted is journaled");
    } finally {
      loop.stop();
      await replica.watch.close();
    }
  });

  it("a recovery that fails: retried after the backoff, then escalated with everything that was tried", async () => {
    const loop = startHelmLoop(server, { namespace: "web", name: "broken", intervalMs: 60_000, retries: 100, objects: [] });
    // An old helm-controller that never unlocks, under a policy that says it does: every attempt fails.
    loop.setUnlocks(false);
    loop.lockRelease("pending-upgrade");
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile("  mode: enforce\n  healthTimeoutSeconds: 1\n  backoffSeconds: 0\n  maxAttempts: 2\n") }));
    try {
      await waitFor("Escalated", () => eventsOf("HelmRelease/web/broken").includes("Escalated"), { timeoutMs: 10_000 });
      const journal = journalOf(hr("web", "broken"));
      assert.equal(journal?.phase, "escalated");
      assert.equal(journal?.attempt, 2);
      assert.equal(journal?.tried.length, 2);
      const escalated = guardEvents(server).find((e) => e.object === "HelmRelease/web/broken" && e.reason === "Escalated")!;
      assert.match(escalated.message, /automatic recovery gave up: health not validated after attempt 2/);
      assert.match(escalated.message, /attempt 1: unlock .*attempt 2: unlock/);
      assert.match(escalated.message, /docs\/runbooks\/helm-locked-or-exhausted\.md/);
      assert.deepEqual(eventsOf("HelmRelease/web/broken").filter((r) => r === "Recovering"), ["Recovering", "Recovering"]);
      await pause(600);
      assert.equal(eventsOf("HelmRelease/web/broken").filter((r) => r === "Escalated").length, 1, "escalated once");
    } finally {
      loop.stop();
      await replica.watch.close();
    }
  });

  it("an attempt that changes the cause (unlocked, then the upgrade itself fails): escalated, not retried", async () => {
    const loop = startHelmLoop(server, { namespace: "web", name: "revealed", intervalMs: 60_000, retries: 100, objects: [] });
    loop.setUpgradeSucceeds(false);
    loop.lockRelease("pending-upgrade");
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile("  mode: enforce\n  healthTimeoutSeconds: 1\n  backoffSeconds: 0\n") }));
    try {
      await waitFor("Escalated", () => eventsOf("HelmRelease/web/revealed").includes("Escalated"), { timeoutMs: 10_000 });
      const escalated = guardEvents(server).find((e) => e.object === "HelmRelease/web/revealed" && e.reason === "Escalated")!;
      assert.match(escalated.message, /after attempt 1 the cause is helm-upgrade \(policy default: recommend\)/);
      assert.equal(eventsOf("HelmRelease/web/revealed").filter((r) => r === "Recovering").length, 1);
      assert.equal(journalOf(hr("web", "revealed"))?.phase, "escalated");
    } finally {
      loop.stop();
      await replica.watch.close();
    }
  });

  it("causes the default policy only recommends (health check): no change, escalated after the window", async () => {
    const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
    flux.createKustomization("web", "frontend");
    flux.failing("Kustomization", "web", "frontend", "HealthCheckFailed", "health check failed after 1.5s: timeout waiting for: [Deployment/web/frontend status: 'InProgress']");
    const writesBefore = server.requests.filter((r) => r.method !== "GET").length;
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("Escalated", () => eventsOf("Kustomization/web/frontend").includes("Escalated"), { timeoutMs: 8000 });
      assert.equal(journalOf(ks("web", "frontend")), undefined, "no journal: nothing was done");
      const writes = server.requests.slice(0).filter((r) => r.method !== "GET" && !r.path.includes("/events") && !r.path.includes("/leases"));
      assert.ok(writes.length - writesBefore <= 0 || writes.every((r) => !r.path.includes("frontend")), "no write to the Kustomization or its objects");
      assert.match(guardEvents(server).find((e) => e.object === "Kustomization/web/frontend" && e.reason === "Escalated")!.message, /only recommends/);
    } finally {
      flux.stop();
      await replica.watch.close();
    }
  });

  it("a data-bearing object (PVC) is never recreated: escalated at once with the migration runbook", async () => {
    const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
    flux.createKustomization("data", "db");
    flux.failing("Kustomization", "data", "db", "ReconciliationFailed", 'PersistentVolumeClaim/data/pg dry-run failed (Invalid): PersistentVolumeClaim "pg" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("Escalated", () => eventsOf("Kustomization/data/db").includes("Escalated"), { timeoutMs: 8000 });
      const event = guardEvents(server).find((e) => e.object === "Kustomization/data/db" && e.reason === "Escalated")!;
      assert.match(event.message, /PersistentVolumeClaim holds data and is never recreated automatically/);
      assert.match(event.message, /docs\/runbooks\/data-bearing-change\.md/);
      assert.equal(journalOf(ks("data", "db"))?.phase, "escalated");
      assert.ok(!eventsOf("Kustomization/data/db").includes("Recovering"));
      assert.equal(server.requests.filter((r) => r.method === "DELETE" || (r.method === "PATCH" && r.path.includes("persistentvolumeclaims"))).filter((r) => r.path.includes("/pg")).length, 0);
    } finally {
      flux.stop();
      await replica.watch.close();
    }
  });

  it("a dependency chain: the root cause is recovered, the waiting dependent is never touched", async () => {
    const loop = startKustomizeLoop(server, { namespace: "flux-system", name: "infra", intervalMs: 150, revision: "main@sha1:1", objects: [job("web", "infra-job", "infra:v1")] });
    await loop.reconcileNow();
    const flux = startFluxSimulator(server, { retryIntervalMs: 150, dependencyRequeueMs: 300 });
    flux.createKustomization("flux-system", "apps", { dependsOn: [{ name: "infra" }] });
    flux.waitingOn("flux-system", "apps", "infra");
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("leader", () => replica.watch.elector.isLeader(), { timeoutMs: 5000 });
      loop.setSource("main@sha1:2", [job("web", "infra-job", "infra:v2")]);
      await waitFor("root Recovered", () => eventsOf("Kustomization/flux-system/infra").includes("Recovered"), { timeoutMs: 8000 });
      assert.equal(journalOf(ks("flux-system", "apps")), undefined, "the dependent has no journal");
      assert.ok(!eventsOf("Kustomization/flux-system/apps").includes("Recovering"));
      const patches = server.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/kustomizations/apps"));
      assert.equal(patches.length, 0);
    } finally {
      flux.stop();
      loop.stop();
      await replica.watch.close();
    }
  });

  it("disabled by annotation on the object, or by the policy: reports only", async () => {
    const a = startKustomizeLoop(server, { namespace: "web", name: "held", intervalMs: 150, revision: "r1", objects: [job("web", "held-job", "x:v1")] });
    const b = startKustomizeLoop(server, { namespace: "web", name: "off", intervalMs: 150, revision: "r1", objects: [job("web", "off-job", "x:v1")] });
    await a.reconcileNow();
    await b.reconcileNow();
    const held = ks("web", "held")!;
    server.store.put({ ...held, metadata: { ...metaOf(held), annotations: { "gitops-guard.io/recovery": "disabled" } } });
    a.setSource("r2", [job("web", "held-job", "x:v2")]);
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    // A second policy: recovery off (the older watch.recover: false means the same).
    const offPolicy = await policyFile("  mode: off\n");
    try {
      await waitFor("held escalated", () => eventsOf("Kustomization/web/held").includes("Escalated"), { timeoutMs: 8000 });
      assert.equal(journalOf(ks("web", "held")), undefined);
      assert.ok(!eventsOf("Kustomization/web/held").includes("Recovering"));
      assert.equal(server.requests.filter((r) => r.method === "PATCH" && r.query["fieldManager"] === undefined && r.path.endsWith("/jobs/held-job")).length, 0);
    } finally {
      a.stop();
      await replica.watch.close();
    }
    const off = await startReplica(recoveryWatchOptions(server, { policyFile: offPolicy }));
    try {
      b.setSource("r2", [job("web", "off-job", "x:v2")]);
      await waitFor("off escalated", () => eventsOf("Kustomization/web/off").includes("Escalated"), { timeoutMs: 8000 });
      assert.equal(journalOf(ks("web", "off")), undefined);
      assert.equal(server.requests.filter((r) => r.method === "PATCH" && r.query["fieldManager"] === undefined && r.path.endsWith("/jobs/off-job")).length, 0);
    } finally {
      b.stop();
      await off.watch.close();
    }
  });

  it("dry-run records what it would do and changes nothing", async () => {
    const records = await tempRecords();
    const loop = startKustomizeLoop(server, { namespace: "web", name: "dry", intervalMs: 150, revision: "r1", objects: [job("web", "dry-job", "x:v1")] });
    await loop.reconcileNow();
    const replica = await startReplica(recoveryWatchOptions(server, { records: records.path, policyFile: await policyFile("  mode: dry-run\n") }));
    try {
      loop.setSource("r2", [job("web", "dry-job", "x:v2")]);
      await waitFor("RecoveryPlanned", () => eventsOf("Kustomization/web/dry").includes("RecoveryPlanned"), { timeoutMs: 8000 });
      await pause(600);
      assert.equal(journalOf(ks("web", "dry")), undefined);
      assert.equal(server.requests.filter((r) => r.method === "PATCH" && r.query["fieldManager"] === undefined && (r.path.endsWith("/jobs/dry-job") || r.path.endsWith("/kustomizations/dry"))).length, 0);
      assert.equal(eventsOf("Kustomization/web/dry").filter((r) => r === "RecoveryPlanned").length, 1);
    } finally {
      loop.stop();
      await replica.watch.close();
    }
    const planned = (await records.lines()).filter((l) => l["kind"] === "recovery" && (l["object"] as JsonObject)["name"] === "dry");
    assert.equal(planned.length, 1);
    assert.equal(planned[0]!["outcome"], "planned");
    assert.equal(planned[0]!["dryRun"], true);
    assert.match(String(planned[0]!["message"]), /would: flux-recreate \(attempt 1\).*mark-force Job\/web\/dry-job/);
  });

  it("exhausted retries: waits for a new source revision, then resetAt + requestedAt with one token (policy: recover)", async () => {
    const source = startKustomizeLoop(server, { namespace: "flux-system", name: "releases", intervalMs: 60_000, revision: "main@sha1:5", objects: [] });
    await source.reconcileNow();
    const loop = startHelmLoop(server, { namespace: "web", name: "api", intervalMs: 100, retries: 1, objects: [] });
    const live = hr("web", "api")!;
    server.store.put({ ...live, metadata: { ...metaOf(live), labels: { "kustomize.toolkit.fluxcd.io/name": "releases", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" } } });
    loop.setUpgradeSucceeds(false);
    await waitFor("Stalled", () => JSON.stringify(hr("web", "api")).includes("RetriesExceeded"), { timeoutMs: 3000 });
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(`${ENFORCE}  rules:\n    - causes: [retries-exhausted]\n      action: recover\n`) }));
    try {
      await waitFor("awaiting-fix", () => journalOf(hr("web", "api"))?.phase === "awaiting-fix", { timeoutMs: 8000 });
      assert.equal(journalOf(hr("web", "api"))?.revision, "main@sha1:5");
      await pause(500);
      assert.ok(!eventsOf("HelmRelease/web/api").includes("Recovering"), "no reset on the revision that failed");
      // The Git side is fixed: a new revision applied by the Kustomization.
      loop.setUpgradeSucceeds(true);
      source.setSource("main@sha1:6", []);
      await source.reconcileNow();
      await waitFor("Recovered", () => eventsOf("HelmRelease/web/api").includes("Recovered"), { timeoutMs: 8000 });
      const annotations = metaOf(hr("web", "api"))["annotations"] as JsonObject;
      assert.equal(annotations["reconcile.fluxcd.io/resetAt"], annotations["reconcile.fluxcd.io/requestedAt"]);
      assert.equal(journalOf(hr("web", "api"))?.action, "reset");
    } finally {
      loop.stop();
      source.stop();
      await replica.watch.close();
    }
  });

  it("a leader change mid-recovery: the new leader resumes from the journal and never deletes the re-created object", async () => {
    // The old leader deleted Job/web/resumed (uid journaled) and died before requesting the upgrade;
    // meanwhile something re-created the Job (new uid).
    server.store.put(job("web", "resumed", "r:v1"));
    const loop = startHelmLoop(server, { namespace: "web", name: "resumed", intervalMs: 60_000, retries: 100, objects: [job("web", "resumed", "r:v1")] });
    const live = hr("web", "resumed")!;
    const token = new Date(Date.now() - 1000).toISOString();
    const journal: Journal = { v: 1, cause: "immutable", action: "helm-recreate", attempt: 1, phase: "acting", at: token, token, steps: [{ op: "orphan-delete", target: { kind: "Job", namespace: "web", name: "resumed" }, done: false, uid: "uid-of-the-deleted-job" }, { op: "request-reconcile", reset: false, force: false, done: false }], tried: [] };
    const failing = 'Helm upgrade failed for release web/resumed with chart resumed@1.0.0: cannot patch "resumed" with kind Job: Job.batch "resumed" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable';
    server.store.put({ ...live, metadata: { ...metaOf(live), annotations: { [JOURNAL_ANNOTATION]: JSON.stringify(journal) } }, status: { observedGeneration: 1, conditions: [{ type: "Ready", status: "False", reason: "UpgradeFailed", message: failing, lastTransitionTime: new Date(Date.now() - 600_000).toISOString() }] } });
    const uidBefore = metaOf(server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "resumed" }))["uid"];
    const replica = await startReplica(recoveryWatchOptions(server, { policyFile: await policyFile(ENFORCE) }));
    try {
      await waitFor("Recovered", () => eventsOf("HelmRelease/web/resumed").includes("Recovered"), { timeoutMs: 8000 });
      assert.equal(metaOf(server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "resumed" }))["uid"], uidBefore, "the re-created Job was not deleted (uid precondition)");
      const deletes = server.requests.filter((r) => r.method === "DELETE" && r.path.endsWith("/jobs/resumed"));
      assert.ok(deletes.every((r) => r.status === 409), "a delete with the journaled uid fails its precondition");
      const after = journalOf(hr("web", "resumed"));
      assert.equal(after?.attempt, 1, "the same attempt, resumed");
      assert.equal(after?.token, token, "the same token");
      assert.ok(!eventsOf("HelmRelease/web/resumed").includes("Recovering"), "a resumed attempt is not announced again");
    } finally {
      loop.stop();
      await replica.watch.close();
    }
  });

  it("a live failover: the first leader stops after starting; the second finishes; one Recovering, one Recovered, one delete", async () => {
    server.store.put(job("web", "fail-over", "f:v1"));
    const loop = startHelmLoop(server, { namespace: "web", name: "fail-over", intervalMs: 150, retries: 100, objects: [job("web", "fail-over", "f:v2")] });
    const options = { policyFile: await policyFile(ENFORCE) };
    const first = await startReplica(recoveryWatchOptions(server, { ...options, identity: "first" }));
    await waitFor("first leads", () => first.watch.elector.isLeader(), { timeoutMs: 5000 });
    const second = await startReplica(recoveryWatchOptions(server, { ...options, identity: "second" }));
    try {
      await waitFor("Recovering", () => eventsOf("HelmRelease/web/fail-over").includes("Recovering"), { timeoutMs: 8000 });
      await first.watch.close();
      await waitFor("Recovered", () => eventsOf("HelmRelease/web/fail-over").includes("Recovered"), { timeoutMs: 10_000 });
      assert.deepEqual(eventsOf("HelmRelease/web/fail-over").filter((r) => r === "Recovering" || r === "Recovered"), ["Recovering", "Recovered"]);
      const deletes = server.requests.filter((r) => r.method === "DELETE" && r.path.endsWith("/jobs/fail-over") && (r.status ?? 500) < 300);
      assert.equal(deletes.length, 1, "deleted exactly once");
    } finally {
      loop.stop();
      await second.watch.close();
    }
  });
});
