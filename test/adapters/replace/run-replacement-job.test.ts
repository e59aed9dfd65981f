import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { metaString } from "../../../src/core/k8s/kube-object.ts";
import { runReplacement, type ProgressEvent } from "../../../src/adapters/replace/run-replacement.ts";
import { createJournalStore } from "../../../src/adapters/replace/journal-store.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { GUARD_NS, startReplaceRig, withStatus, type ReplaceRig } from "../../support/replace/replace-rig.ts";

const target = { apiVersion: "batch/v1", kind: "Job", namespace: "web", name: "migrate" };
const oldJob: JsonObject = {
  apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "web", labels: { app: "migrate" } },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "migrate:1" }] } } },
  status: { startTime: "2026-12-07T09:00:00Z", succeeded: 1, conditions: [{ type: "Complete", status: "True" }] },
};
const desired: JsonObject = { ...oldJob, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "migrate:2" }] } } } };
delete desired["status"];

function imageOf(job: JsonObject): unknown {
  return ((((job["spec"] as JsonObject)["template"] as JsonObject)["spec"] as JsonObject)["containers"] as JsonObject[])[0]!["image"];
}

/**
 * A Job controller in a few lines: a Job without a start time is started (kstatus: a started Job
 * is Current), unless its image is `broken` (its pod never runs).
 */
function startJobs(rig: ReplaceRig, broken?: string): void {
  rig.onTick(() => {
    for (const job of rig.server.store.list("batch/v1", "Job", "web")) {
      if (imageOf(job) === broken || (job["status"] as JsonObject | undefined)?.["startTime"]) continue;
      rig.server.store.put(withStatus(job, { startTime: new Date(rig.now()).toISOString(), active: 1 }));
    }
  });
}

test("a finished Job is recreated from the desired manifest: foreground delete, create, healthy; journal replaced; Events", async () => {
  const rig = await startReplaceRig(["web"]);
  try {
    startJobs(rig);
    const old = rig.server.store.put(oldJob);
    const progress: ProgressEvent[] = [];
    const outcome = await runReplacement({ target, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps({ onProgress: (e) => progress.push(e) }));
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    const now = rig.server.store.get(target)!;
    assert.notEqual(metaString(now, "uid"), metaString(old, "uid"));
    assert.equal(((now["spec"] as JsonObject)["template"] as JsonObject)["spec"] !== undefined, true);
    const deletes = rig.server.requests.filter((r) => r.method === "DELETE" && r.path.includes("/jobs/"));
    assert.equal(deletes.length, 1, "one delete, never repeated");
    const journal = await createJournalStore(rig.http, GUARD_NS).read(target);
    assert.equal(journal?.journal.phase, "replaced");
    assert.deepEqual(journal?.journal.steps.map((s) => [s.id, s.state]), [["delete-old", "done"], ["create-new", "done"], ["wait-healthy", "done"]]);
    const reasons = rig.server.store.list("v1", "Event", "web").map((e) => e["reason"]);
    assert.deepEqual(reasons, ["ReplacementStarted", "Replaced"]);
    assert.ok(progress.some((e) => e.type === "step" && e.state === "done" && e.step.id === "wait-healthy"));
  } finally {
    await rig.stop();
  }
});

test("a new Job that never starts is rolled back after the timeout: the old one is back, the journal says why, a Warning Event", async () => {
  const rig = await startReplaceRig(["web"]);
  try {
    startJobs(rig, "migrate:2");
    rig.server.store.put(oldJob);
    const started = rig.now();
    const outcome = await runReplacement({ target, desired, settings: { ...DEFAULT_REPLACE_SETTINGS, timeoutSeconds: 120 } }, "start", rig.deps());
    assert.equal(outcome.kind, "rolled-back", JSON.stringify(outcome));
    assert.ok(rig.now() - started >= 120_000, "waited the whole timeout");
    const back = rig.server.store.get(target)!;
    const image = (((back["spec"] as JsonObject)["template"] as JsonObject)["spec"] as JsonObject)["containers"] as JsonObject[];
    assert.equal(image[0]!["image"], "migrate:1", "the old spec is back");
    const journal = await createJournalStore(rig.http, GUARD_NS).read(target);
    assert.equal(journal?.journal.phase, "rolled-back");
    assert.match(journal?.journal.reason ?? "", /not verified in time/);
    const events = rig.server.store.list("v1", "Event", "web");
    assert.ok(events.some((e) => e["reason"] === "ReplacementRolledBack" && e["type"] === "Warning"));
  } finally {
    await rig.stop();
  }
});

test("a running journal blocks a second start; a rolled-back one keeps watch (auto) away until a person acts", async () => {
  const rig = await startReplaceRig(["web"]);
  try {
    startJobs(rig, "migrate:2");
    rig.server.store.put(oldJob);
    const abort = new AbortController();
    const begun = rig.now();
    const first = await runReplacement({ target, desired, settings: { ...DEFAULT_REPLACE_SETTINGS, timeoutSeconds: 60 } }, "start", rig.deps({ signal: abort.signal, onProgress: (e) => { if (e.type === "step" && e.state === "acted") abort.abort(); } }));
    assert.equal(first.kind, "interrupted");
    const second = await runReplacement({ target, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    assert.equal(second.kind, "busy");
    assert.match(second.kind === "busy" ? second.reason : "", /--resume/);
    const resumed = await runReplacement({ target, settings: DEFAULT_REPLACE_SETTINGS }, "resume", rig.deps());
    assert.equal(resumed.kind, "rolled-back", "the new Job never starts");
    assert.ok(rig.now() - begun < 200_000, "the resumed run keeps the journaled 60 s timeout, not the request's 600 s");
    const auto = await runReplacement({ target, settings: DEFAULT_REPLACE_SETTINGS }, "auto", rig.deps());
    assert.equal(auto.kind, "busy");
  } finally {
    await rig.stop();
  }
});

test("an immutable Secret is recreated with its journal in a Secret, never in a ConfigMap; the value is nowhere in plain text", async () => {
  const rig = await startReplaceRig(["web"]);
  try {
    const secretRef = { apiVersion: "v1", kind: "Secret", namespace: "web", name: "db-password" };
    const value = Buffer.from("hunter2-very-secret").toString("base64");
    rig.server.store.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "db-password", namespace: "web" }, immutable: true, data: { password: value } });
    const desired: JsonObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "db-password", namespace: "web" }, immutable: true, data: { password: Buffer.from("n3w-secret").toString("base64") } };
    const outcome = await runReplacement({ target: secretRef, desired, settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps());
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    assert.deepEqual(rig.server.store.list("v1", "ConfigMap", GUARD_NS), [], "no ConfigMap journal");
    const [journal] = rig.server.store.list("v1", "Secret", GUARD_NS);
    assert.ok(journal, "the journal is a Secret");
    assert.ok(!JSON.stringify(journal).includes("hunter2"), "base64 inside a Secret, as every Secret value");
    const events = JSON.stringify(rig.server.store.list("v1", "Event", "web"));
    assert.ok(!events.includes(value) && !events.includes("hunter2"));
  } finally {
    await rig.stop();
  }
});
