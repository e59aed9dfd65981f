/**
 * Benchmark of the assessment behind `watch` and `diagnose` (issue 13):
 * - a resync of a large cluster: 10,000 objects (6,000 Kustomizations, 3,000 HelmReleases, 1,000
 *   Argo CD Applications; one in five failing with real message forms: immutable dry-run errors,
 *   health checks, dependency chains, Helm upgrade failures and stalls) parsed once with zod and
 *   assessed with dependsOn lookups — time per full resync (median of --runs after a warm-up) and
 *   the heap the parsed objects and assessments hold;
 * - `watch` idle with 5,000 watched objects: a real replica (startWatch) against the simulated API
 *   server, heap and RSS growth once it has listed and assessed them.
 *
 * `node --expose-gc bench/assess-10000.ts [--runs 5]` (pinned Node on PATH). Prints a table.
 */
import { parseArgs } from "node:util";
import { parseReconcilable, type Reconcilable } from "../src/core/assess/reconcilable.ts";
import { createWatchState, keyOfReconcilable } from "../src/core/watch/watch-state.ts";
import { DEFAULT_THRESHOLDS } from "../src/core/assess/thresholds.ts";
import { median } from "./median.ts";
import type { JsonObject } from "../src/core/k8s/json.ts";
import { startKubeApiServer } from "../test/support/kube-apiserver/start-kube-api-server.ts";
import { startReplica, testWatchOptions } from "../test/support/watch-harness.ts";
import { waitFor } from "../test/support/wait-for.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Number(values.runs);
const NOW = Date.parse("2026-12-07T12:00:00Z");
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const IMMUTABLE = (i: number) => `Deployment/team-${i % 50}/app-${i} dry-run failed (Invalid): Deployment.apps "app-${i}" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"app-${i}", "version":"v2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`;
const cond = (type: string, status: string, reason: string, message: string, t = "2026-12-07T11:40:00Z") => ({ type, status, reason, message, lastTransitionTime: t });

function kustomization(i: number): JsonObject {
  const ns = `team-${i % 50}`;
  const failing = i % 5 === 0;
  const kind = i % 15;
  const conditions = !failing
    ? [cond("Ready", "True", "ReconciliationSucceeded", "Applied revision: main@sha1:1111111111111111111111111111111111111111")]
    : kind === 0
      ? [cond("Ready", "False", "DependencyNotReady", `dependency '${ns}/ks-${i - 5}' is not ready`)]
      : kind === 5
        ? [cond("Ready", "False", "HealthCheckFailed", `health check failed after 5m0.01s: timeout waiting for: [Deployment/${ns}/app-${i} status: 'InProgress']`)]
        : [cond("Reconciling", "True", "ProgressingWithRetry", "retrying"), cond("Ready", "False", "ReconciliationFailed", IMMUTABLE(i))];
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization",
    metadata: { name: `ks-${i}`, namespace: ns, generation: 2 },
    spec: { interval: "10m", path: `./apps/${i}`, prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" }, ...(kind === 0 && failing ? { dependsOn: [{ name: `ks-${i - 5}` }] } : {}) },
    status: {
      observedGeneration: 2, lastAppliedRevision: "main@sha1:1111111111111111111111111111111111111111", lastAttemptedRevision: failing ? "main@sha1:2222222222222222222222222222222222222222" : "main@sha1:1111111111111111111111111111111111111111",
      conditions,
      inventory: { entries: Array.from({ length: 8 }, (_, j) => ({ id: `${ns}_app-${i}-${j}_apps_Deployment`, v: "v1" })) },
    },
  };
}

function helmRelease(i: number): JsonObject {
  const failing = i % 5 === 0;
  const stalled = i % 10 === 0;
  const message = `Helm upgrade failed for release team-${i % 50}/hr-${i} with chart app@1.2.${i % 9}: cannot patch "hr-${i}-migrate" with kind Job: Job.batch "hr-${i}-migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable`;
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease",
    metadata: { name: `hr-${i}`, namespace: `team-${i % 50}`, generation: 3 },
    spec: { interval: "10m", chart: { spec: { chart: "app", sourceRef: { kind: "HelmRepository", name: "charts" } } }, upgrade: { remediation: { retries: 3 } } },
    status: {
      observedGeneration: 3, failures: failing ? 4 : 0,
      conditions: !failing ? [cond("Ready", "True", "UpgradeSucceeded", "Helm upgrade succeeded")]
        : [...(stalled ? [cond("Stalled", "True", "RetriesExceeded", "Failed to upgrade after 4 attempt(s)")] : []), cond("Ready", "False", "UpgradeFailed", message), cond("Released", "False", "UpgradeFailed", message)],
    },
  };
}

function application(i: number): JsonObject {
  const failing = i % 5 === 0;
  return {
    apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: `app-${i}`, namespace: "argocd" },
    spec: { project: "default", syncPolicy: { automated: {} } },
    status: failing
      ? { sync: { status: "OutOfSync" }, health: { status: "Healthy" }, operationState: { phase: "Failed", message: `one or more objects failed to apply, reason: StatefulSet.apps "db-${i}" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden (retried 5 times).`, startedAt: "2026-12-07T11:30:00Z", finishedAt: "2026-12-07T11:35:00Z" } }
      : { sync: { status: "Synced" }, health: { status: "Healthy" } },
  };
}

function rawObjects(): JsonObject[] {
  return [
    ...Array.from({ length: 6000 }, (_, i) => kustomization(i)),
    ...Array.from({ length: 3000 }, (_, i) => helmRelease(i)),
    ...Array.from({ length: 1000 }, (_, i) => application(i)),
  ];
}

function parseAll(raw: readonly JsonObject[]): Map<string, Reconcilable> {
  const map = new Map<string, Reconcilable>();
  for (const r of raw) {
    const p = parseReconcilable(r);
    if (!p.ok) throw new Error(p.error);
    map.set(keyOfReconcilable(p.value), p.value);
  }
  return map;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function resyncBench(): Promise<void> {
  const raw = rawObjects();
  const parseMs: number[] = [];
  const assessMs: number[] = [];
  let objects = parseAll(raw);
  let state = createWatchState({ thresholds: () => DEFAULT_THRESHOLDS, runbook: "r" });
  state.assessAll(objects, NOW); // warm-up
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    objects = parseAll(raw);
    parseMs.push(performance.now() - t);
    state = createWatchState({ thresholds: () => DEFAULT_THRESHOLDS, runbook: "r" });
    t = performance.now();
    const changes = state.assessAll(objects, NOW + run * 30_000);
    assessMs.push(performance.now() - t);
    if (changes.length !== objects.size) throw new Error("every object is new to a fresh state");
  }
  // Steady state: the same objects re-assessed (a resync with no change).
  const resyncMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    state.assessAll(objects, NOW + 3_600_000 + run * 30_000);
    resyncMs.push(performance.now() - t);
  }
  const troubled = [...state.current()].filter((a) => a.state === "stuck" || a.state === "failed").length;
  // Heap held by 10,000 parsed objects and their assessments.
  objects = new Map();
  state = createWatchState({ thresholds: () => DEFAULT_THRESHOLDS, runbook: "r" });
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = parseAll(raw);
  const heldState = createWatchState({ thresholds: () => DEFAULT_THRESHOLDS, runbook: "r" });
  heldState.assessAll(held, NOW);
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`10,000 objects (${troubled} stuck or failed), ${RUNS} runs, medians:`);
  console.log(`  parse (zod, once per object)         ${median(parseMs).toFixed(0)} ms`);
  console.log(`  first assessment (all new)          ${median(assessMs).toFixed(0)} ms`);
  console.log(`  resync (re-assess, no change)       ${median(resyncMs).toFixed(0)} ms  (${(median(resyncMs) * 1000 / 10_000).toFixed(1)} µs/object)`);
  console.log(`  heap held: objects + assessments    ${mb(after - before)} MiB  (${held.size} objects, ${heldState.size()} assessments)`);
}

async function idleWatchBench(): Promise<void> {
  const server = await startKubeApiServer({ namespaces: ["gitops-guard", ...Array.from({ length: 50 }, (_, i) => `team-${i}`)], historyLimit: 100 });
  for (let i = 0; i < 5000; i++) server.store.put(kustomization(i));
  gc();
  const before = process.memoryUsage();
  const replica = await startReplica(testWatchOptions(server, { resync: 30, logLevel: "error" }));
  await waitFor("5,000 objects listed", () => replica.watch.controller.size() === 5000, { timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 1500)); // assessed, leader elected, idle
  gc();
  const after = process.memoryUsage();
  console.log("watch idle with 5,000 Kustomizations (in-process replica; the simulated API server's own store excluded):");
  console.log(`  heap growth ${mb(after.heapUsed - before.heapUsed)} MiB, RSS growth ${mb(after.rss - before.rss)} MiB`);
  await replica.watch.close();
  await server.stop();
}

await resyncBench();
await idleWatchBench();
