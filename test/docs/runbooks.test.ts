import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { JOURNAL_ANNOTATION } from "../../src/core/recovery/journal.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { startHelmLoop, startKustomizeLoop, settleWorkloads } from "../support/flux-controllers.ts";
import { createFromFixture } from "../support/kube-controllers/create-from-fixture.ts";
import { startSimulatedCluster, type SimulatedCluster } from "../support/kube-controllers/start-simulated-cluster.ts";

/**
 * Every runbook in docs/runbooks/ is run (issue 15 item 5, R7): its `sh` blocks, in order, with
 * `bash -euo pipefail`, the real kubectl and the real gitops-guard entry point, against the
 * simulated API server in the state the runbook is about. Then the state it promises is checked.
 */

const ROOT = packageRoot();
const RUNBOOKS = join(ROOT, "docs", "runbooks");

/** The `sh` fenced blocks of a Markdown page, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script asynchronously (the simulated API server answers from this same process). */
function bash(script: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd: options.cwd, env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function meta(obj: JsonObject | undefined): JsonObject {
  return obj !== undefined && isJsonObject(obj["metadata"]) ? obj["metadata"] : {};
}

function annotations(obj: JsonObject | undefined): JsonObject {
  const a = meta(obj)["annotations"];
  return isJsonObject(a) ? a : {};
}

const KS_API = "kustomize.toolkit.fluxcd.io/v1";

function registerExtraKinds(server: SimulatedApiServer): void {
  server.registerResource({ group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations", kind: "MutatingWebhookConfiguration", namespaced: false });
  server.registerResource({ group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration", namespaced: false });
  server.registerResource({ group: "snapshot.storage.k8s.io", version: "v1", plural: "volumesnapshots", kind: "VolumeSnapshot", namespaced: true, custom: true });
}

async function shippedWebhooks(): Promise<JsonObject[]> {
  const text = await readFile(join(ROOT, "manifests", "base", "webhooks.yaml"), "utf8");
  return parseAllDocuments(text).map((d) => d.toJSON() as unknown).filter(isJsonObject);
}

function escalatedEvent(server: SimulatedApiServer, namespace: string, kind: string, name: string, message: string): void {
  server.store.put({
    apiVersion: "v1", kind: "Event", metadata: { namespace, name: `${name}.escalated` },
    involvedObject: { apiVersion: KS_API, kind, namespace, name }, type: "Warning", reason: "Escalated", message,
    source: { component: "gitops-guard" }, firstTimestamp: new Date().toISOString(), lastTimestamp: new Date().toISOString(), count: 1,
  });
}

const ESCALATED_JOURNAL = JSON.stringify({ v: 1, cause: "immutable", action: "flux-recreate", attempt: 3, phase: "escalated", at: "2026-12-07T10:00:00.000Z", token: "2026-12-07T09:50:00.000Z", steps: [], tried: ["attempt 3: flux-recreate → not healthy within 300 s"] });

function job(namespace: string, name: string, image: string): JsonObject {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { namespace, name }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image }] } } } };
}

describe("docs/runbooks: every runbook's commands run against the simulated API server with kubectl and the real binary", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "gitops-guard", "web", "flux-system", "data"], bookmarkIntervalMs: 50, controllerDelayMs: 5 });
  registerExtraKinds(server);
  const work = await mkdtemp(join(tmpdir(), "gg-runbooks-"));
  const bin = join(work, "bin");
  await mkdir(bin);
  // The real entry point, as the installed `gitops-guard` command runs it.
  await writeFile(join(bin, "gitops-guard"), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, "src", "bin", "gitops-guard.ts")}" "$@"\n`);
  await chmod(join(bin, "gitops-guard"), 0o755);
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, KUBECONFIG: server.kubeconfigPath, HOME: work, LANG: "C.UTF-8" };
  const loops: { stop(): void }[] = [];
  after(async () => {
    for (const l of loops) l.stop();
    await server.stop();
  });

  /** A checkout with the install manifests (runbooks run from one). */
  async function checkout(name: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(join(dir, "manifests", "base"), { recursive: true });
    await cp(join(ROOT, "manifests", "base", "webhooks.yaml"), join(dir, "manifests", "base", "webhooks.yaml"));
    return dir;
  }

  async function runbook(file: string, cwd: string): Promise<Run> {
    const blocks = shellBlocks(await readFile(join(RUNBOOKS, file), "utf8"));
    assert.ok(blocks.length >= 3, `${file} has its commands in sh blocks`);
    const run = await bash(blocks.join("\n"), { cwd, env });
    assert.equal(run.code, 0, `${file} failed:\n${run.stderr}\n${run.stdout}`);
    return run;
  }

  it("finds kubectl on the PATH (a clean machine needs it installed: .ci/run does, Debian's kubernetes-client)", async () => {
    const found = await bash("command -v kubectl && kubectl version --client", { cwd: work, env });
    assert.equal(found.code, 0, "the runbooks are tested with the real kubectl, and none is on the PATH: apt-get install -y kubernetes-client (any kubectl from 1.20 on)");
  });

  it("every runbook in docs/runbooks has a test here (or is named below with the reason it has not)", async () => {
    const pages = (await readdir(RUNBOOKS)).filter((f) => f.endsWith(".md") && f !== "README.md").sort();
    const run = ["certificates-expired.md", "change-a-selector.md", "data-bearing-change.md", "helm-locked-or-exhausted.md", "reconciliation-stuck.md", "replacement-rolled-back.md", "webhook-down.md"];
    const notYetRun: string[] = [];
    assert.deepEqual(pages, [...run, ...notYetRun].sort());
  });

  it("webhook-down.md: turns both webhooks off, confirms it, and turns them on again", async () => {
    for (const w of await shippedWebhooks()) server.store.put(w);
    const run = await runbook("webhook-down.md", await checkout("webhook-down"));
    assert.match(run.stdout, /mutate\.gitops-guard\.io failurePolicy=Ignore timeoutSeconds=3/);
    assert.match(run.stdout, /gitops-guard webhooks are off/);
    const deletes = server.requests.filter((r) => r.method === "DELETE" && r.path.includes("webhookconfigurations/gitops-guard"));
    assert.equal(deletes.length, 2);
    assert.ok(server.store.get({ apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", name: "gitops-guard" }), "registered again at the end");
  });

  it("reconciliation-stuck.md: diagnoses, shows what was tried, holds recovery, reconciles after the fix, hands back", async () => {
    const loop = startKustomizeLoop(server, { namespace: "flux-system", name: "apps", intervalMs: 600_000, revision: "main@sha1:1", objects: [job("web", "report", "report:v1")] });
    loops.push(loop);
    await loop.reconcileNow();
    loop.setSource("main@sha1:2", [job("web", "report", "report:v2")]);
    await loop.reconcileNow(); // stuck on the immutable template
    const ks = server.store.get({ apiVersion: KS_API, kind: "Kustomization", namespace: "flux-system", name: "apps" })!;
    server.store.put({ ...ks, metadata: { ...meta(ks), annotations: { [JOURNAL_ANNOTATION]: ESCALATED_JOURNAL } } });
    escalatedEvent(server, "flux-system", "Kustomization", "apps", "automatic recovery gave up: 3 attempt(s) did not recover it");
    // The fix merged in Git: the Job gets a name per version.
    loop.setSource("main@sha1:3", [job("web", "report-v3", "report:v3")]);
    const run = await runbook("reconciliation-stuck.md", await checkout("stuck"));
    assert.match(run.stdout, /immutable/, "the diagnosis names the cause");
    assert.match(run.stdout, /"phase":"escalated"/);
    assert.match(run.stdout, /Escalated: automatic recovery gave up/);
    const after = server.store.get({ apiVersion: KS_API, kind: "Kustomization", namespace: "flux-system", name: "apps" })!;
    assert.equal(annotations(after)["gitops-guard.io/recovery"], undefined);
    assert.equal(annotations(after)[JOURNAL_ANNOTATION], undefined);
    assert.match(JSON.stringify(after["status"]), /Applied revision: main@sha1:3/);
  });

  it("helm-locked-or-exhausted.md: one token in requestedAt and resetAt; helm-controller unlocks, the release is Ready", async () => {
    const loop = startHelmLoop(server, { namespace: "web", name: "cache", intervalMs: 600_000, retries: 3, objects: [] });
    loops.push(loop);
    loop.lockRelease("pending-upgrade");
    const run = await runbook("helm-locked-or-exhausted.md", await checkout("helm"));
    assert.match(run.stdout, /helm-locked/);
    const hr = server.store.get({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", namespace: "web", name: "cache" })!;
    assert.equal(annotations(hr)["reconcile.fluxcd.io/resetAt"], annotations(hr)["reconcile.fluxcd.io/requestedAt"]);
    assert.match(JSON.stringify(hr["status"]), /UpgradeSucceeded/);
    assert.equal(loop.runs(), 1);
  });

  it("replacement-rolled-back.md: reads the escalation, confirms the old workload serves, holds and hands back recovery", async () => {
    server.store.put({ apiVersion: "apps/v1", kind: "Deployment", metadata: { namespace: "web", name: "api" }, spec: { replicas: 2, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "api:v1" }] } } } });
    settleWorkloads(server);
    const ks = server.store.get({ apiVersion: KS_API, kind: "Kustomization", namespace: "flux-system", name: "apps" })!;
    server.store.put({ ...ks, metadata: { ...meta(ks), annotations: { [JOURNAL_ANNOTATION]: ESCALATED_JOURNAL.replace("flux-recreate", "orphan-recreate") } } });
    const run = await runbook("replacement-rolled-back.md", await checkout("rolled-back"));
    assert.match(run.stdout, /"action":"orphan-recreate"/);
    assert.match(run.stdout, /successfully rolled out/);
    assert.equal(annotations(server.store.get({ apiVersion: KS_API, kind: "Kustomization", namespace: "flux-system", name: "apps" }))["gitops-guard.io/recovery"], undefined);
  });

  it("data-bearing-change.md: snapshot first, new claim from it, Bound, reconciler resumed, old claim deleted last", async () => {
    server.store.put({ apiVersion: KS_API, kind: "Kustomization", metadata: { namespace: "flux-system", name: "db" }, spec: { interval: "10m", path: "./db", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } } });
    server.store.put({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { namespace: "data", name: "pg-data" }, spec: { storageClassName: "standard", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } }, status: { phase: "Bound" } });
    // The CSI snapshotter and the volume binder, as far as the runbook waits for them.
    const controllers = setInterval(() => {
      for (const s of server.store.list("snapshot.storage.k8s.io/v1", "VolumeSnapshot")) if (!isJsonObject(s["status"])) server.store.put({ ...s, status: { readyToUse: true } });
      for (const c of server.store.list("v1", "PersistentVolumeClaim")) if (!isJsonObject(c["status"])) server.store.put({ ...c, status: { phase: "Bound" } });
    }, 50);
    loops.push({ stop: () => clearInterval(controllers) });
    const suspendsBefore = server.requests.length;
    await runbook("data-bearing-change.md", await checkout("data"));
    const order = server.requests.slice(suspendsBefore).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`);
    const snapshotAt = order.findIndex((o) => o.includes("volumesnapshots"));
    const deleteAt = order.findIndex((o) => o === "DELETE persistentvolumeclaims/pg-data");
    assert.ok(snapshotAt >= 0 && deleteAt > snapshotAt, `snapshot before the delete: ${order.join(", ")}`);
    assert.equal(server.store.get({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "data", name: "pg-data" }), undefined);
    const fresh = server.store.get({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "data", name: "pg-data-v2" })!;
    assert.deepEqual((fresh["spec"] as JsonObject)["dataSource"], { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "pg-data-premigration" });
    const ks = server.store.get({ apiVersion: KS_API, kind: "Kustomization", namespace: "flux-system", name: "db" })!;
    assert.equal((ks["spec"] as JsonObject)["suspend"], false);
  });

  it("certificates-expired.md: new CA and certificate, Secret replaced, webhooks registered with the new bundle", async () => {
    const dir = await checkout("certs");
    const issue = await bash("gitops-guard certs --dir certs --namespace gitops-guard >/dev/null", { cwd: dir, env });
    assert.equal(issue.code, 0, issue.stderr);
    const oldCert = await readFile(join(dir, "certs", "tls.crt"), "utf8");
    server.store.put({ apiVersion: "v1", kind: "Secret", metadata: { namespace: "gitops-guard", name: "gitops-guard-tls" }, type: "Opaque", data: { "tls.crt": Buffer.from(oldCert).toString("base64") } });
    const run = await runbook("certificates-expired.md", dir);
    assert.match(run.stdout, /notAfter=/);
    const secret = server.store.get({ apiVersion: "v1", kind: "Secret", namespace: "gitops-guard", name: "gitops-guard-tls" })!;
    const data = secret["data"] as JsonObject;
    assert.notEqual(Buffer.from(String(data["tls.crt"]), "base64").toString("utf8"), oldCert, "a new serving certificate");
    assert.deepEqual(Object.keys(data).sort(), ["ca.crt", "tls.crt", "tls.key"], "never ca.key");
  });

  it("change-a-selector.md: blue-green on the simulated workload controllers, confirmed on a terminal; one new ReplicaSet, the Service never below replicas − maxUnavailable ready pods", async () => {
    // The replacement needs kube-controller-manager and the kubelets: a simulated cluster of its
    // own (test/support/kube-controllers). Its clock starts SIM_HEAD_START_MS in the past and runs
    // at most ~20× real time while the binary waits (one 1 s step per ≥ 50 ms: ≤ 12 simulated
    // minutes for the ~35 s the run takes, the asserted bound below is the real check), so it stays
    // behind the wall clock: kubectl shows ages, not `<invalid>` (future) timestamps.
    const cluster = await startSimulatedCluster({ startMs: Math.floor(Date.now() / 1000) * 1000 - SIM_HEAD_START_MS, server: { namespaces: ["default", "web", "gitops-guard"] } });
    const drive = driveClock(cluster);
    try {
      await createFromFixture(cluster.api, "../../examples/replace/live.yaml");
      await cluster.runUntil(() => apiAvailable(cluster), { timeoutMs: 120_000, what: "web/api available" });
      const oldRs = cluster.api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "web").map((r) => meta(r)["name"]);
      const recorder = cluster.recordReadyPods("web", "api");
      const dir = await checkout("selector");
      const cbin = join(dir, "bin");
      await mkdir(cbin);
      // kustomize is not installed here: a stand-in that prints what `kustomize build apps/web`
      // builds for the example after `commonLabels: {team: payments}` (examples/replace/desired.yaml).
      await writeFile(join(cbin, "kustomize"), `#!/bin/sh\n[ "$1" = build ] && [ "$2" = apps/web ] || { echo "stand-in kustomize: only 'build apps/web'" >&2; exit 2; }\nexec cat "${join(ROOT, "examples", "replace", "desired.yaml")}"\n`);
      await chmod(join(cbin, "kustomize"), 0o755);
      const blocks = shellBlocks(await readFile(join(RUNBOOKS, "change-a-selector.md"), "utf8"));
      assert.ok(blocks.length >= 3, "change-a-selector.md has its commands in sh blocks");
      await writeFile(join(dir, "runbook.sh"), blocks.join("\n"));
      // replace asks on a terminal (off one it wants --yes): the runbook runs under script(1), a
      // pseudo-terminal, with a person's "y" typed in; the clock moves while the binary waits.
      drive.start();
      const run = await onTerminal("bash -euo pipefail runbook.sh", "y\n", { cwd: dir, env: { ...env, PATH: `${cbin}:${env["PATH"] ?? ""}`, KUBECONFIG: cluster.server.kubeconfigPath } });
      await drive.stop();
      recorder.stop();
      assert.equal(run.code, 0, `change-a-selector.md failed:\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /by blue-green/);
      assert.match(run.stdout, /Carry out this plan\? \[y\/N\]/);
      assert.match(run.stdout, /Deployment web\/api replaced/);
      // Step 5 as the person reads it: the journal's phase column, and ages rather than `<invalid>`.
      assert.match(run.stdout, /gitops-guard-replace-[0-9a-f]{16} +\S+ +replaced/);
      assert.doesNotMatch(run.stdout, /<invalid>/);
      assert.ok(cluster.clock.nowMs() < Date.now(), `the simulated clock stayed behind the wall clock (${cluster.tick} ticks)`);
      // What step 5 promises, from the store.
      const deploy = cluster.api.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "api" })!;
      assert.deepEqual((deploy["spec"] as JsonObject)["selector"], { matchLabels: { app: "api", team: "payments" } });
      const sets = cluster.api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "web");
      assert.equal(sets.length, 1, `one ReplicaSet left: ${sets.map((r) => String(meta(r)["name"])).join(", ")}`);
      assert.ok(!oldRs.includes(meta(sets[0])["name"]), "the new one");
      const pods = cluster.api.list({ apiVersion: "v1", kind: "Pod" }, "web");
      assert.equal(pods.length, 3, "3 pods, no orphan left");
      for (const p of pods) assert.deepEqual([meta(p)["labels"]].filter(isJsonObject).map((l) => [l["app"], l["team"]]), [["api", "payments"]], `${String(meta(p)["name"])} has the new labels`);
      const svc = cluster.api.get({ apiVersion: "v1", kind: "Service", namespace: "web", name: "api" })!;
      assert.deepEqual((svc["spec"] as JsonObject)["selector"], { app: "api", team: "payments" });
      const journals = cluster.api.list({ apiVersion: "v1", kind: "ConfigMap" }, "gitops-guard").filter((c) => isJsonObject(meta(c)["labels"]) && (meta(c)["labels"] as JsonObject)["gitops-guard.io/journal"] === "replace");
      assert.deepEqual(journals.map((j) => (meta(j)["labels"] as JsonObject)["gitops-guard.io/phase"]), ["replaced"]);
      // example: 3 replicas, maxUnavailable 1.
      assert.ok(recorder.min >= 3 - 1, `the Service selected ${recorder.min} ready pods at ${JSON.stringify(recorder.minAt)}`);
    } finally {
      await drive.stop();
      await cluster.stop();
    }
  });
});

function apiAvailable(cluster: SimulatedCluster): boolean {
  const status = cluster.api.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "api" })?.["status"];
  return isJsonObject(status) && status["availableReplicas"] === 3 && status["updatedReplicas"] === 3 && status["replicas"] === 3;
}

/**
 * Simulated ms per step of the driver and the real pause between steps: ~20× real time. The
 * binary polls every 2 s of real time (DEFAULT_POLL_MS), so a pod's 6 s to Ready (kubelet
 * defaults) passes within one poll; the 30 s drain (replace.drainSeconds) is real time and is most
 * of the run.
 */
const SIM_STEP_MS = 1_000;
const REAL_PAUSE_MS = 50;
/** How far back the simulated clock starts: well beyond the ≤ 12 simulated minutes a run takes. */
const SIM_HEAD_START_MS = 60 * 60 * 1000;
/** A hung run (a prompt nobody answers, a wait that never ends) is killed after this much real time. */
const RUNBOOK_KILL_MS = 90_000;
/** The binary sleeps in real time (it polls every 2 s); this moves the simulated cluster meanwhile, one step at a time. */
function driveClock(cluster: SimulatedCluster): { start(): void; stop(): Promise<void> } {
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          await cluster.advance(SIM_STEP_MS);
          await new Promise((resolve) => setTimeout(resolve, REAL_PAUSE_MS));
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Runs a command on a pseudo-terminal (script(1)), typing `input`; stdin stays open until it ends. */
function onTerminal(command: string, input: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: options.cwd, env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.stdin.write(input);
    const kill = setTimeout(() => child.kill("SIGKILL"), RUNBOOK_KILL_MS);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}
