import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { planReplacement, type PlanInput } from "../../../src/core/replace/plan-replacement.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { journalInput, journalName, journalSchema, labelValue, planDigest, planInputOf, recordStep, serializeJournal, startJournal, stepRecord } from "../../../src/core/replace/journal.ts";
import type { Plan } from "../../../src/core/replace/replace-plan.ts";
import { orderReplacements } from "../../../src/core/replace/order-replacements.ts";
import { parseTargetArg } from "../../../src/core/replace/replace-ref.ts";

const docs = loadDocuments("../../examples/replace/live.yaml").filter(isJsonObject);
const desired = loadDocuments("../../examples/replace/desired.yaml").filter(isJsonObject);
const live = { ...docs[0]!, metadata: { ...(docs[0]!["metadata"] as JsonObject), uid: "u1" } };
const noise = Array.from({ length: 50 }, (_, i) => ({ apiVersion: "v1", kind: "Service", metadata: { name: `other-${i}`, namespace: "web" }, spec: { selector: { app: `other-${i}` } } }));
const input: PlanInput = {
  live, desired: desired[0], desiredSource: "file", desiredOthers: desired.slice(1), selecting: [...docs.slice(1), ...noise],
  pods: [], oldReplicaSets: [], owner: undefined, settings: DEFAULT_REPLACE_SETTINGS, strategy: undefined,
};

test("the journal keeps only the plan's inputs, and the plan recomputed from it is the same (a resume runs the same steps)", () => {
  const p = planReplacement(input) as Plan;
  const j = journalInput(input, p);
  assert.equal(j.selecting.length, 2, "only the Service and the PDB that switch are kept");
  const again = planReplacement(planInputOf(j)) as Plan;
  assert.equal(planDigest(again), planDigest(p));
  const started = startJournal(j, p, "me", Date.parse("2026-12-07T10:00:00Z"));
  assert.equal(started.deadline, "2026-12-07T10:10:00.000Z");
  const parsed = journalSchema.safeParse(JSON.parse(serializeJournal(started).text));
  assert.ok(parsed.success);
});

test("step records keep their start time across states (the drain counts from the start)", () => {
  const p = planReplacement(input) as Plan;
  let j = startJournal(journalInput(input, p), p, "me", 0);
  j = recordStep(j, "steps", "drain", "started", 1000);
  j = recordStep(j, "steps", "drain", "done", 31_000);
  assert.deepEqual(stepRecord(j, "steps", "drain"), { id: "drain", state: "done", at: new Date(31_000).toISOString(), startedAt: new Date(1000).toISOString() });
  assert.equal(j.steps.length, 1);
});

test("a journal over the size a ConfigMap holds is refused (no way back without it)", () => {
  const p = planReplacement(input) as Plan;
  const big = { ...input, live: { ...live, metadata: { ...(live["metadata"] as JsonObject), annotations: { big: "x".repeat(1024 * 1024) } } } };
  assert.equal(serializeJournal(startJournal(journalInput(big, p), p, "me", 0)).fits, false);
  assert.equal(serializeJournal(startJournal(journalInput(input, p), p, "me", 0)).fits, true);
});

test("journal names are stable and short; label values are valid whatever the name", () => {
  const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "a".repeat(253) };
  assert.equal(journalName(ref), journalName({ ...ref, apiVersion: "apps/v2" }));
  assert.ok(journalName(ref).length <= 63);
  assert.notEqual(journalName(ref), journalName({ ...ref, name: "b" }));
  assert.match(labelValue("a".repeat(300)), /^[a]{63}$/);
  assert.equal(labelValue("-x/y-"), "x_y");
});

test("dependency order: config and identity, then workloads, then what selects them; CRDs first", () => {
  const kinds = ["Service", "Deployment", "Secret", "Widget", "CustomResourceDefinition", "ServiceAccount", "PodDisruptionBudget", "StatefulSet", "ConfigMap"];
  const ordered = orderReplacements(kinds.map((kind) => ({ target: { apiVersion: "v1", kind, namespace: "n", name: kind } })));
  assert.deepEqual(ordered.map((o) => o.target.kind), ["CustomResourceDefinition", "Secret", "ServiceAccount", "ConfigMap", "Deployment", "StatefulSet", "Service", "PodDisruptionBudget", "Widget"]);
});

test("targets: KIND/NAMESPACE/NAME, Kind.group, cluster-scoped KIND/NAME; bad input named", () => {
  assert.deepEqual(parseTargetArg("deployment/web/api"), { ok: true, value: { kind: "deployment", group: undefined, namespace: "web", name: "api" } });
  assert.deepEqual(parseTargetArg("Widget.example.com/ns/w"), { ok: true, value: { kind: "Widget", group: "example.com", namespace: "ns", name: "w" } });
  assert.deepEqual(parseTargetArg("Namespace/data"), { ok: true, value: { kind: "Namespace", group: undefined, namespace: "", name: "data" } });
  for (const bad of ["api", "Deployment/web/api/x", "Deployment/Web/api", "Deployment/web/", "9x/web/api"]) {
    const r = parseTargetArg(bad);
    assert.equal(r.ok, false, bad);
  }
});
