import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { startWatch } from "../../src/cli/run-watch.ts";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { metaString } from "../../src/core/k8s/kube-object.ts";
import { JOURNAL_ANNOTATION, readJournal } from "../../src/core/recovery/journal.ts";
import { loadDocuments } from "../support/load-yaml.ts";
import { createFluxOwner } from "../support/flux-owner-controller.ts";
import { createFromFixture } from "../support/kube-controllers/create-from-fixture.ts";
import { startSimulatedCluster } from "../support/kube-controllers/start-simulated-cluster.ts";
import { edited, labels, spec, uid } from "../support/replace/sim-rig.ts";
import { guardEvents, testWatchOptions } from "../support/watch-harness.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Issue 15's story, end to end: the webhook is down (nothing rewrites the change), a kustomize
 * `commonLabels` change is merged, kustomize-controller is stuck on `field is immutable` for the
 * Deployment's selector; after 5 simulated minutes `watch` recovers it by orphan-recreate through
 * the replacement engine, the Service never loses its ready pods, health is validated, and the
 * `Recovered` Event and record are written. Simulated cluster (Deployment/ReplicaSet/Pod/Endpoint
 * controllers, kubelet) on simulated time; watch's assessments and the engine run on that clock.
 */

const FLUX = { "kustomize.toolkit.fluxcd.io/name": "shop", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };
const WEB = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const KS = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "flux-system", name: "shop" };
const [webFixture, serviceFixture] = loadDocuments("kube-controllers/web.yaml").filter(isJsonObject) as [JsonObject, JsonObject];
const asFlux = (o: JsonObject): JsonObject => edited(o, (c) => {
  const meta = c["metadata"] as JsonObject;
  meta["labels"] = { ...(isJsonObject(meta["labels"]) ? meta["labels"] : {}), ...FLUX };
});
/** kustomize `commonLabels: {team: shop}`: the label lands in the selector, the template and the Service's selector. */
const withTeam = (o: JsonObject): JsonObject => edited(o, (c) => {
  if (c["kind"] === "Deployment") {
    spec(c)["selector"] = { matchLabels: { app: "web", team: "shop" } };
    ((spec(c)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "web", team: "shop" };
  } else {
    spec(c)["selector"] = { app: "web", team: "shop" };
  }
  const meta = c["metadata"] as JsonObject;
  meta["labels"] = { ...(isJsonObject(meta["labels"]) ? meta["labels"] : {}), team: "shop" };
});

test("webhook down, commonLabels merged, Kustomization stuck on field is immutable → after 5 simulated minutes watch recovers it by orphan-recreate, no dropped traffic, health validated, Recovered Event and record", async () => {
  const owner = { current: undefined as ReturnType<typeof createFluxOwner> | undefined };
  const cluster = await startSimulatedCluster({
    startMs: Math.floor(Date.now() / 1000) * 1000,
    controllers: (defaults) => [...defaults, { name: "kustomize-controller", sync: (ctx) => owner.current?.sync(ctx) ?? Promise.resolve() }],
  });
  const dir = await mkdtemp(join(tmpdir(), "gg-story-"));
  const recordsPath = join(dir, "records.jsonl");
  const policyPath = join(dir, "policy.yaml");
  // The embedded default's recovery (enforce, conservative rules); the engine's timeout 10 min.
  await writeFile(policyPath, "apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nrecovery:\n  mode: enforce\n");
  let watch: Awaited<ReturnType<typeof startWatch>> | undefined;
  try {
    for (const ns of ["gitops-guard", "flux-system"]) await cluster.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    await createFromFixture(cluster.api, "kube-controllers/web.yaml", asFlux);
    cluster.server.store.put({ ...KS, metadata: { namespace: KS.namespace, name: KS.name }, spec: { interval: "10m", path: "./shop", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } } });
    owner.current = createFluxOwner(cluster.server, { namespace: "flux-system", name: "shop", revision: "main@sha1:aaaa", objects: [asFlux(webFixture), asFlux(serviceFixture)], retryMs: 60_000 });
    await cluster.runUntil(() => {
      const d = cluster.api.get(WEB);
      return isJsonObject(d?.["status"]) && d["status"]["availableReplicas"] === 3 && JSON.stringify(cluster.api.get(KS)?.["status"] ?? {}).includes("Applied revision");
    }, { timeoutMs: 120_000, what: "web up and the Kustomization Ready" });
    const oldUid = uid(cluster.api.get(WEB));
    const recorder = cluster.recordReadyPods("shop", "web");

    // Stuck detection at 5 minutes (the default), resync every 0.2 s of real time on the simulated clock.
    const stderr = new PassThrough();
    let logs = "";
    stderr.on("data", (c: Buffer) => (logs += c.toString("utf8")));
    const options = { ...testWatchOptions(cluster.server, { records: recordsPath, policyFile: policyPath, stuckAfter: 300, escalateAfter: 1800 }) };
    delete (options as { recovery?: string }).recovery;
    watch = await startWatch(options, { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined }, () => cluster.clock.nowMs(), { now: () => cluster.clock.nowMs(), sleep: (ms) => cluster.advance(ms), pollMs: 2000 });
    await waitFor("leader", () => watch!.elector.isLeader(), { timeoutMs: 5000 });

    // The commonLabels change is merged; the webhook is down, so nothing rewrites it.
    const mergedAt = cluster.clock.nowMs();
    owner.current.setSource("main@sha1:bbbb", [asFlux(withTeam(webFixture)), asFlux(withTeam(serviceFixture))]);
    await cluster.advance(1000);
    assert.match(JSON.stringify(cluster.api.get(KS)?.["status"]), /Deployment\/shop\/web dry-run failed \(Invalid\).*spec\.selector.*field is immutable/);

    // Time passes: Flux retries every minute and stays stuck; watch assesses on every resync.
    let recoveringAt: number | undefined;
    const events = (reason: string) => guardEvents(cluster.server).filter((e) => e.object === "Kustomization/flux-system/shop" && e.reason === reason);
    for (let i = 0; i < 80 && events("Recovered").length === 0; i++) {
      // One step past the threshold the clock waits for watch (it resyncs every 0.2 s of real
      // time): the start is then measured on the simulated clock, not on how loaded the machine is.
      if (recoveringAt === undefined && cluster.clock.nowMs() - mergedAt >= 310_000) {
        await waitFor("Recovering", () => events("Recovering").length > 0, { timeoutMs: 30_000 });
        recoveringAt = cluster.clock.nowMs();
      }
      await cluster.advance(10_000);
      await new Promise((r) => setTimeout(r, 250));
      if (recoveringAt === undefined && events("Recovering").length > 0) recoveringAt = cluster.clock.nowMs();
    }
    await waitFor("Recovered", () => events("Recovered").length > 0, { timeoutMs: 30_000 });
    recorder.stop();
    assert.ok(recoveringAt !== undefined, `recovery started (logs: ${logs.slice(-2000)})`);
    const stuckFor = recoveringAt - mergedAt;
    // Threshold 300 s + one resync; the test's steps are 10 simulated seconds, and Flux reports the failure within its first second.
    assert.ok(stuckFor >= 300_000 && stuckFor <= 300_000 + 20_000, `recovery started ${stuckFor / 1000} s after the merge`);

    // No dropped traffic: web has 3 replicas and maxUnavailable 25 % (0 pods): 3 ready endpoints at every write.
    assert.ok(recorder.min >= 3, `ready pods behind the Service fell to ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const web = cluster.api.get(WEB)!;
    assert.notEqual(uid(web), oldUid, "a new Deployment");
    assert.deepEqual(spec(web)["selector"], { matchLabels: { app: "web", team: "shop" } });
    const pods = cluster.api.list({ apiVersion: "v1", kind: "Pod" }, "shop");
    assert.equal(pods.length, 3, `no orphan left: ${pods.map((p) => metaString(p, "name")).join(", ")}`);
    assert.ok(pods.every((p) => labels(p)["team"] === "shop"));
    const svc = cluster.api.get({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" })!;
    assert.deepEqual(spec(svc)["selector"], { app: "web", team: "shop" });

    const ks = cluster.api.get(KS)!;
    const annotations = (ks["metadata"] as JsonObject)["annotations"] as Record<string, string>;
    const journal = readJournal(annotations);
    assert.ok(journal.state === "ok");
    assert.equal(journal.journal.phase, "recovered");
    assert.equal(journal.journal.action, "orphan-recreate");
    assert.deepEqual(journal.journal.steps.map((s) => [s.op, s.done]), [["orphan-recreate", true], ["request-reconcile", true]]);
    assert.ok(annotations[JOURNAL_ANNOTATION]);
    const recovered = events("Recovered")[0]!;
    assert.match(recovered.message, /recovered by orphan-recreate \(attempt 1\); health validated: Kustomization Ready at main@sha1:bbbb; Deployment\/shop\/web Current/);
    assert.deepEqual(guardEvents(cluster.server).filter((e) => e.object === "Kustomization/flux-system/shop").map((e) => e.reason), ["ImmutableConflict", "ReconciliationStuck", "Recovering", "Recovered"]);
    await watch.close();
    watch = undefined;
    const lines = (await readFile(recordsPath, "utf8")).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JsonObject);
    const recovery = lines.filter((l) => l["kind"] === "recovery");
    assert.deepEqual(recovery.map((l) => l["outcome"]), ["noted", "done", "recovered"]);
    assert.equal(recovery[2]!["action"], "orphan-recreate");
  } finally {
    await watch?.close();
    await cluster.stop();
  }
});
