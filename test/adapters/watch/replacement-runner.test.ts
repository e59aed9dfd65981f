import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaValue } from "../../../src/core/k8s/kube-object.ts";
import { MARK_ANNOTATIONS } from "../../../src/core/decide/mark-annotations.ts";
import { REPLACE_LABEL } from "../../../src/core/admission/mark-object.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { createLogger } from "../../../src/adapters/log/create-logger.ts";
import { createReplaceMetrics } from "../../../src/adapters/metrics/replace-metrics.ts";
import { createReplacementRunner } from "../../../src/adapters/watch/replacement-runner.ts";
import { createNotifier } from "../../../src/adapters/notify/notifier.ts";
import { createJournalStore } from "../../../src/adapters/replace/journal-store.ts";
import type { RecordWriter } from "../../../src/adapters/records/record-writer.ts";
import { edited, labels, spec, startSimRig } from "../../support/replace/sim-rig.ts";
import { GUARD_NS } from "../../support/replace/replace-rig.ts";
import { waitFor } from "../../support/wait-for.ts";

const WEB = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };

/** The records stream, kept in memory (the RecordWriter interface watch writes to). */
function memoryRecords(): RecordWriter & { lines: () => JsonObject[] } {
  let text = "";
  return {
    write: (r) => void (text += `${JSON.stringify(r)}\n`),
    writeLines: (lines) => void (text += lines),
    flush: () => undefined,
    close: () => Promise.resolve(),
    lines: () => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JsonObject),
  };
}

/** The web Deployment as the webhook leaves it after an orphan-recreate mark of a commonLabels selector change. */
function marked(o: JsonObject): JsonObject {
  if (o["kind"] !== "Deployment") return o;
  return edited(o, (c) => {
    const meta = c["metadata"] as JsonObject;
    meta["labels"] = { ...(meta["labels"] as JsonObject), [REPLACE_LABEL]: "orphan-recreate" };
    meta["annotations"] = {
      [MARK_ANNOTATIONS.replace]: "orphan-recreate",
      [MARK_ANNOTATIONS.fields]: "spec.selector",
      [MARK_ANNOTATIONS.desired]: JSON.stringify({ "spec.selector": { matchLabels: { app: "web", team: "shop" } } }),
    };
  });
}

test("watch replaces what the webhook marked orphan-recreate, only while leading: label-selector watch, records of every step, metrics", async () => {
  const rig = await startSimRig("kube-controllers/web.yaml", {
    edit: marked,
    ready: (c) => {
      const s = c.api.get(WEB)?.["status"];
      return isJsonObject(s) && s["availableReplicas"] === 3 && s["updatedReplicas"] === 3;
    },
  });
  const kc = new KubeConfig();
  kc.loadFromString(rig.cluster.server.kubeconfigYaml);
  const registry = new Registry();
  const records = memoryRecords();
  let leading = false;
  const runner = createReplacementRunner({
    kc, http: rig.http, log: createLogger({ level: "silent", destination: new PassThrough() }), metrics: createReplaceMetrics(registry), records, notifier: undefined,
    isLeader: () => leading, identity: "watch-0", journalNamespace: GUARD_NS, settings: DEFAULT_REPLACE_SETTINGS,
    now: () => rig.cluster.clock.nowMs(), sleep: (ms) => rig.cluster.advance(ms), resyncMs: 60_000, pollMs: 2000,
  });
  try {
    await waitFor("the marked Deployment seen", () => runner.pending() === 1, { timeoutMs: 5000 });
    await runner.idle();
    assert.equal(await createJournalStore(rig.http, GUARD_NS).read(WEB), undefined, "a standby does nothing");
    leading = true;
    runner.tookOver();
    await waitFor("the replacement done", async () => {
      await runner.idle();
      return (await createJournalStore(rig.http, GUARD_NS).read(WEB))?.journal.phase === "replaced";
    }, { timeoutMs: 20_000, intervalMs: 50 });
    const web = rig.cluster.api.get(WEB)!;
    assert.deepEqual(spec(web)["selector"], { matchLabels: { app: "web", team: "shop" } });
    assert.equal(metaValue(web, "annotations", MARK_ANNOTATIONS.replace), undefined, "the new object carries no marks");
    assert.equal(labels(web)[REPLACE_LABEL], undefined);
    assert.deepEqual(rig.cluster.api.list({ apiVersion: "v1", kind: "Pod" }, "shop").map((p) => labels(p)["team"]), ["shop", "shop", "shop"]);
    const lines = records.lines();
    assert.ok(lines.every((l) => l["kind"] === "replacement" && l["v"] === 1));
    assert.deepEqual(lines.filter((l) => l["event"] === "step" && l["state"] === "done").map((l) => l["step"]), ["delete-old", "create-new", "wait-healthy", "drain", "delete-leftovers"]);
    assert.deepEqual(lines.filter((l) => l["event"] === "outcome").map((l) => [l["state"], l["strategy"]]), [["replaced", "orphan-recreate"]]);
    const metrics = await registry.metrics();
    assert.match(metrics, /gitops_guard_replacements_total\{kind="Deployment",strategy="orphan-recreate",outcome="replaced"\} 1/);
    assert.match(metrics, /gitops_guard_replacements_in_progress 0/);
    assert.match(metrics, /gitops_guard_replacement_step_seconds_count\{step="drain"\} 1/);
  } finally {
    await runner.stop();
    await rig.stop();
  }
});

test("a marked object the engine refuses (no desired values, no owner) is reported once, not on every pass", async () => {
  const bare = (o: JsonObject): JsonObject => {
    if (o["kind"] !== "Deployment") return o;
    return edited(o, (c) => {
      const meta = c["metadata"] as JsonObject;
      meta["labels"] = { ...(meta["labels"] as JsonObject), [REPLACE_LABEL]: "orphan-recreate" };
      meta["annotations"] = { [MARK_ANNOTATIONS.replace]: "orphan-recreate", [MARK_ANNOTATIONS.digest]: "d1" };
    });
  };
  const rig = await startSimRig("kube-controllers/web.yaml", { edit: bare, ready: (c) => isJsonObject(c.api.get(WEB)?.["status"]) });
  const kc = new KubeConfig();
  kc.loadFromString(rig.cluster.server.kubeconfigYaml);
  const registry = new Registry();
  const records = memoryRecords();
  const runner = createReplacementRunner({
    kc, http: rig.http, log: createLogger({ level: "silent", destination: new PassThrough() }), metrics: createReplaceMetrics(registry), records, notifier: undefined,
    isLeader: () => true, identity: "watch-0", journalNamespace: GUARD_NS, settings: DEFAULT_REPLACE_SETTINGS,
    now: () => rig.cluster.clock.nowMs(), sleep: (ms) => rig.cluster.advance(ms), resyncMs: 60_000,
  });
  try {
    await waitFor("the refusal reported", () => records.lines().some((l) => l["state"] === "refused"), { timeoutMs: 5000 });
    for (let i = 0; i < 3; i++) {
      await rig.cluster.advance(10_000);
      runner.tookOver();
      await runner.idle();
    }
    assert.equal(records.lines().filter((l) => l["event"] === "outcome").length, 1);
    assert.match(await registry.metrics(), /gitops_guard_replacements_total\{kind="Deployment",strategy="",outcome="refused"\} 1/);
    assert.equal(await createJournalStore(rig.http, GUARD_NS).read(WEB), undefined, "nothing was journaled: nothing changed");
  } finally {
    await runner.stop();
    await rig.stop();
  }
});

test("a marked replacement whose new pods never become ready is rolled back and escalated to the receivers (Flux event format and the plain webhook)", async () => {
  const received: { path: string; body: JsonObject }[] = [];
  const receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(text) as JsonObject });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  const rig = await startSimRig("kube-controllers/web.yaml", {
    edit: marked,
    ready: (c) => {
      const s = c.api.get(WEB)?.["status"];
      return isJsonObject(s) && s["availableReplicas"] === 3 && s["updatedReplicas"] === 3;
    },
  });
  rig.cluster.kubelet.inject({ match: { labels: { team: "shop" } }, behaviour: "never-ready" });
  const kc = new KubeConfig();
  kc.loadFromString(rig.cluster.server.kubeconfigYaml);
  const notifier = createNotifier({ receivers: [{ name: "flux", url: `http://127.0.0.1:${port}/flux` }, { name: "webhook", url: `http://127.0.0.1:${port}/hook` }], onResult: () => undefined });
  const runner = createReplacementRunner({
    kc, http: rig.http, log: createLogger({ level: "silent", destination: new PassThrough() }), metrics: createReplaceMetrics(new Registry()), records: undefined, notifier,
    isLeader: () => true, identity: "watch-0", journalNamespace: GUARD_NS, settings: { ...DEFAULT_REPLACE_SETTINGS, timeoutSeconds: 60 },
    now: () => rig.cluster.clock.nowMs(), sleep: (ms) => rig.cluster.advance(ms), resyncMs: 60_000,
  });
  try {
    await waitFor("both notifications", () => received.length === 2, { timeoutMs: 20_000, intervalMs: 50 });
    const flux = received.find((r) => r.path === "/flux")!.body;
    assert.equal(flux["reason"], "ReplacementRolledBack");
    assert.equal(flux["severity"], "error");
    assert.deepEqual(flux["involvedObject"], WEB);
    const hook = received.find((r) => r.path === "/hook")!.body;
    assert.equal(hook["outcome"], "rolled-back");
    assert.match(String(hook["journal"]), /^gitops-guard\/gitops-guard-replace-/);
    assert.deepEqual(spec(rig.cluster.api.get(WEB)!)["selector"], { matchLabels: { app: "web" } }, "the old Deployment is back");
  } finally {
    await runner.stop();
    await notifier.close(1000);
    await rig.stop();
    receiver.close();
  }
});
