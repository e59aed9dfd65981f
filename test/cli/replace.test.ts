import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { loadDocuments } from "../support/load-yaml.ts";
import { runCli } from "../support/run-cli.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { FIXTURES } from "../support/load-yaml.ts";

const EXAMPLES = join(FIXTURES, "..", "..", "examples", "replace");

async function withCluster(run: (server: SimulatedApiServer, kubeconfig: string) => Promise<void>): Promise<void> {
  const server = await startKubeApiServer({ namespaces: ["default", "web", "data", "gitops-guard"] });
  server.registerResource({ group: "policy", version: "v1", plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"] });
  for (const o of loadDocuments("../../examples/replace/live.yaml").filter(isJsonObject)) server.store.put(o);
  for (const o of loadDocuments("../../examples/replace/statefulset-live.yaml").filter(isJsonObject)) server.store.put(o);
  try {
    await run(server, server.kubeconfigPath);
  } finally {
    await server.stop();
  }
}

test("replace --dry-run on the example prints the blue-green plan a person reads, changes nothing, exits 0", async () => {
  await withCluster(async (server, kubeconfig) => {
    const r = await runCli(["replace", "Deployment/web/api", "--desired", join(EXAMPLES, "desired.yaml"), "--dry-run", "--kubeconfig", kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Replace Deployment web\/api by blue-green \(the new object comes from the --desired file\)\./);
    assert.match(r.stdout, /freeze Service web\/api \(kustomize\.toolkit\.fluxcd\.io\/reconcile: disabled\)/);
    assert.match(r.stdout, /switch the selector of PodDisruptionBudget web\/api to app=api,team=payments/);
    assert.match(r.stdout, /delete leftover ReplicaSets and Pods matching app=api/);
    assert.deepEqual(server.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`), [], "a dry run writes nothing");
  });
});

test("replace --dry-run --format json: the plan as a stable document (schemaVersion 1)", async () => {
  await withCluster(async (_server, kubeconfig) => {
    const r = await runCli(["replace", "statefulset/data/db", "--desired", join(EXAMPLES, "statefulset-desired.yaml"), "--dry-run", "--format", "json", "--kubeconfig", kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as JsonObject;
    assert.equal(doc["schemaVersion"], 1);
    assert.equal(doc["dryRun"], true);
    const plan = doc["plan"] as JsonObject;
    assert.equal(plan["strategy"], "orphan-recreate");
    assert.deepEqual((plan["steps"] as JsonObject[]).map((s) => s["id"]), ["delete-old", "create-new", "wait-healthy", "verify-adopted"], "no pods exist yet: nothing to roll");
  });
});

test("a data-bearing target is refused with the migration procedure (exit 1); bad input is named (exit 2)", async () => {
  await withCluster(async (server, kubeconfig) => {
    server.store.put({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data-db-0", namespace: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } });
    const dir = await mkdtemp(join(tmpdir(), "replace-"));
    try {
      const file = join(dir, "pvc.yaml");
      await writeFile(file, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-db-0, namespace: data}\nspec: {resources: {requests: {storage: 1Gi}}, storageClassName: fast}\n");
      const r = await runCli(["replace", "PersistentVolumeClaim/data/data-db-0", "--desired", file, "--dry-run", "--kubeconfig", kubeconfig]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /not replaced\. PersistentVolumeClaim is data-bearing/);
      assert.match(r.stdout, /VolumeSnapshot/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    for (const [args, message] of [
      [["replace", "api", "--kubeconfig", kubeconfig], /is not KIND\/NAMESPACE\/NAME/],
      [["replace", "Deployment/web/api", "--timeout", "5s", "--kubeconfig", kubeconfig], /--timeout: "5s" is not a duration/],
      [["replace", "Gizmo/web/api", "--kubeconfig", kubeconfig], /unknown kind Gizmo/],
      [["replace", "Deployment/web/nope", "--dry-run", "--kubeconfig", kubeconfig], /Deployment web\/nope not found/],
      [["replace", "Deployment/web/api", "--resume", "--desired", "x.yaml", "--kubeconfig", kubeconfig], /--resume continues the journaled plan/],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

test("off a terminal, replace without --yes refuses to act (exit 2) and changes nothing", async () => {
  await withCluster(async (server, kubeconfig) => {
    const r = await runCli(["replace", "Deployment/web/api", "--desired", join(EXAMPLES, "desired.yaml"), "--kubeconfig", kubeconfig]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /add --yes/);
    assert.deepEqual(server.requests.filter((q) => q.method !== "GET"), []);
  });
});

test("on a terminal, anything but yes leaves the cluster as it was", async () => {
  await withCluster(async (server, kubeconfig) => {
    const r = await runCli(["replace", "Deployment/web/api", "--desired", join(EXAMPLES, "desired.yaml"), "--kubeconfig", kubeconfig], "n\n", { isTTY: true });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Carry out this plan\? \[y\/N\] not confirmed: nothing changed/);
    assert.deepEqual(server.requests.filter((q) => q.method !== "GET"), []);
  });
});

test("replace --yes carries the plan out with a progress line per step and ends with the verification; --format json gives the outcome; --resume finds nothing left to do", async () => {
  const server = await startKubeApiServer({ namespaces: ["default", "batch", "gitops-guard"] });
  // A Job controller reduced to what kstatus reads: a Job is started as soon as it exists.
  const ticker = setInterval(() => {
    for (const job of server.store.list("batch/v1", "Job", "batch")) {
      if (!isJsonObject(job["status"]) || job["status"]["startTime"] === undefined) server.store.put({ ...job, status: { startTime: new Date().toISOString(), active: 1 } });
    }
  }, 50);
  const dir = await mkdtemp(join(tmpdir(), "replace-"));
  try {
    server.store.put({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "batch" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "m:1" }] } } }, status: { startTime: "2026-12-07T09:00:00Z", conditions: [{ type: "Complete", status: "True" }] } });
    const file = join(dir, "job.yaml");
    await writeFile(file, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: batch}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: 'm:2'}]}}}\n");
    const r = await runCli(["replace", "Job/batch/migrate", "--desired", file, "--yes", "--kubeconfig", server.kubeconfigPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Replace Job batch\/migrate by recreate/);
    assert.match(r.stderr, /\[1\/3\] delete Job batch\/migrate with propagationPolicy Foreground … done/);
    assert.match(r.stderr, /\[3\/3\] wait until the new Job is healthy \(kstatus Current\) … (done|already done)/);
    assert.match(r.stdout, /Job batch\/migrate replaced: the new object is healthy and nothing of the old one is left over \(journal gitops-guard\/gitops-guard-replace-[0-9a-f]{16}\)\./);
    const job = server.store.get({ apiVersion: "batch/v1", kind: "Job", namespace: "batch", name: "migrate" })!;
    assert.equal(((((job["spec"] as JsonObject)["template"] as JsonObject)["spec"] as JsonObject)["containers"] as JsonObject[])[0]!["image"], "m:2");
    const resumed = await runCli(["replace", "Job/batch/migrate", "--resume", "--format", "json", "--kubeconfig", server.kubeconfigPath]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = JSON.parse(resumed.stdout) as JsonObject;
    assert.equal((doc["outcome"] as JsonObject)["kind"], "replaced", "the journal says it is done: nothing runs twice");
    assert.equal(server.requests.filter((q) => q.method === "DELETE" && q.path.includes("/jobs/")).length, 1);
  } finally {
    clearInterval(ticker);
    await rm(dir, { recursive: true, force: true });
    await server.stop();
  }
});
