import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { planReplacement, type PlanInput } from "../../../src/core/replace/plan-replacement.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { formatPlanText, type Plan } from "../../../src/core/replace/replace-plan.ts";
import { rollbackSteps } from "../../../src/core/replace/rollback-steps.ts";
import { MARK_ANNOTATIONS } from "../../../src/core/decide/mark-annotations.ts";
import { desiredFromMarks } from "../../../src/core/replace/desired-from-marks.ts";
import { journalName } from "../../../src/core/replace/journal.ts";

function objects(path: string): JsonObject[] {
  return loadDocuments(`../../examples/replace/${path}`).filter(isJsonObject);
}

/** The live objects as the API server returns them: uid and status added. */
function live(path: string): JsonObject[] {
  return objects(path).map((o, i) => ({ ...o, metadata: { ...(o["metadata"] as JsonObject), uid: `uid-${i}` }, status: { replicas: 3, readyReplicas: 3 } }));
}

function input(over: Partial<PlanInput> & Pick<PlanInput, "live">): PlanInput {
  return { desired: undefined, desiredSource: "file", desiredOthers: [], selecting: [], pods: [], oldReplicaSets: ["rs-old"], owner: undefined, settings: DEFAULT_REPLACE_SETTINGS, strategy: undefined, ...over };
}

function mustPlan(p: ReturnType<typeof planReplacement>): Plan {
  assert.equal(p.kind, "plan", p.kind === "refusal" ? p.reason : "");
  return p as Plan;
}

const [deployment, service, pdb] = live("live.yaml") as [JsonObject, JsonObject, JsonObject];
const [desiredDeployment, desiredService, desiredPdb] = objects("desired.yaml") as [JsonObject, JsonObject, JsonObject];

test("a commonLabels selector change behind a Flux Service and PDB is a blue-green cut-over, frozen, drained, cleaned up", () => {
  const p = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, desiredOthers: [desiredService, desiredPdb], selecting: [service, pdb] })));
  assert.equal(p.strategy, "blue-green");
  assert.deepEqual(p.steps.map((s) => s.id), [
    "freeze:Service/api", "freeze:PodDisruptionBudget/api", "delete-old", "create-new", "wait-healthy",
    "switch:Service/api", "switch:PodDisruptionBudget/api", "drain", "delete-leftovers", "unfreeze:Service/api", "unfreeze:PodDisruptionBudget/api",
  ]);
  const del = p.steps.find((s) => s.id === "delete-old")!;
  assert.deepEqual(del.action, { type: "delete", ref: { apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "api" }, propagation: "Orphan", uid: "uid-0" });
  // 3 replicas, maxUnavailable 1: the Service never selects fewer than 2 ready pods.
  assert.equal(p.minReady, 2);
  for (const s of p.steps.filter((x) => x.action.type === "switch-selector")) {
    assert.deepEqual(s.preconditions, [{ kind: "ready-pods", namespace: "web", selector: { app: "api", team: "payments" }, min: 2 }]);
  }
  assert.deepEqual(p.switches.map((s) => s.to), [{ app: "api", team: "payments" }, { app: "api", team: "payments" }]);
  // The commit point is the drain: everything before it rolls back.
  assert.deepEqual(p.steps.map((s) => s.rollsBack), [true, true, true, true, true, true, true, false, false, false, false]);
  assert.deepEqual(p.steps.find((s) => s.id === "drain")!.verification, { kind: "elapsed", seconds: 30 });
});

test("without the Service's own manifest a selector that would lose the pods follows the workload's new labels; one that keeps them stays", () => {
  const renamed = structuredClone(desiredDeployment);
  const spec = renamed["spec"] as JsonObject;
  spec["selector"] = { matchLabels: { app: "api-v2" } };
  ((spec["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "api-v2" };
  const p = mustPlan(planReplacement(input({ live: deployment, desired: renamed, selecting: [service] })));
  assert.deepEqual(p.switches.map((s) => [s.ref.name, s.from, s.to]), [["api", { app: "api" }, { app: "api-v2" }]]);
  const keeps = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, selecting: [service] })));
  assert.deepEqual(keeps.switches, [], "app=api selects the new pods too");
});

test("a Service that selects other pods, or already the new ones, is not switched", () => {
  const other = { ...service, spec: { selector: { app: "web" } } };
  const already = { ...service, metadata: { name: "api-canary", namespace: "web" }, spec: { selector: { team: "payments" } } };
  const p = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, selecting: [other, already] })));
  assert.equal(p.strategy, "orphan-recreate");
  assert.deepEqual(p.switches, []);
});

test("a change that keeps the selector is orphan-recreate: the new object adopts the old pods, verified by listing", () => {
  const desired = structuredClone(desiredDeployment);
  (desired["spec"] as JsonObject)["selector"] = { matchLabels: { app: "api" } };
  const p = mustPlan(planReplacement(input({ live: deployment, desired, selecting: [service] })));
  assert.equal(p.strategy, "orphan-recreate");
  assert.deepEqual(p.steps.map((s) => s.id), ["delete-old", "create-new", "wait-healthy", "verify-adopted"]);
  assert.deepEqual(p.steps.at(-1)!.verification, { kind: "no-leftovers", namespace: "web", selector: { app: "api" }, except: {} });
});

test("a StatefulSet that gains a claim template rolls its adopted pods one at a time, from ordinal 0 (where the controller stops), readiness-gated, before it can be healthy", () => {
  const [sts] = live("statefulset-live.yaml") as [JsonObject];
  const [desired] = objects("statefulset-desired.yaml") as [JsonObject];
  const pods = [0, 1, 2, 5].map((n) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `db-${n}`, namespace: "data", uid: `pod-${n}` } }));
  const p = mustPlan(planReplacement(input({ live: sts, desired, pods })));
  assert.equal(p.strategy, "orphan-recreate");
  assert.deepEqual(p.steps.map((s) => s.id), ["delete-old", "create-new", "roll:db-0", "roll:db-1", "roll:db-2", "wait-healthy", "verify-adopted"]);
  const roll = p.steps.find((s) => s.id === "roll:db-1")!;
  assert.deepEqual(roll.preconditions, [{ kind: "ready-pods", namespace: "data", selector: { app: "db" }, min: 2 }]);
  assert.deepEqual(roll.verification, { kind: "pod-renewed", namespace: "data", name: "db-1", oldUid: "pod-1" });
});

test("data-bearing kinds are refused with their migration procedure", () => {
  for (const kind of ["PersistentVolumeClaim", "PersistentVolume", "Namespace", "CustomResourceDefinition"]) {
    const p = planReplacement(input({ live: { apiVersion: "v1", kind, metadata: { name: "x", namespace: kind === "PersistentVolumeClaim" ? "data" : "", uid: "u" } }, desired: { apiVersion: "v1", kind, metadata: { name: "x" } } }));
    assert.equal(p.kind, "refusal", kind);
    assert.ok(p.kind === "refusal" && p.procedure.length >= 2 && /data|resources/.test(p.reason), kind);
  }
  const pvc = planReplacement(input({ live: { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "x", namespace: "d", uid: "u" } }, desired: undefined }));
  assert.ok(pvc.kind === "refusal" && pvc.procedure.some((s) => s.includes("VolumeSnapshot")));
});

test("a running Job is left alone unless the policy says replace; a finished one is recreated with foreground deletion", () => {
  const job: JsonObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "web", uid: "j1" }, spec: { template: { spec: { containers: [] } } }, status: { startTime: "2026-12-07T10:00:00Z", active: 1 } };
  const desired: JsonObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "web" }, spec: { template: { spec: { containers: [{ name: "m", image: "m:2" }] } } } };
  const leave = planReplacement(input({ live: job, desired }));
  assert.equal(leave.kind, "refusal");
  const replace = mustPlan(planReplacement(input({ live: job, desired, settings: { ...DEFAULT_REPLACE_SETTINGS, runningJobs: "replace" } })));
  assert.equal(replace.strategy, "recreate");
  assert.deepEqual(replace.steps.map((s) => s.id), ["delete-old", "create-new", "wait-healthy"]);
  assert.equal(replace.steps[0]!.action.type === "delete" && replace.steps[0]!.action.propagation, "Foreground");
  const done = { ...job, status: { startTime: "2026-12-07T10:00:00Z", conditions: [{ type: "Complete", status: "True" }] } };
  assert.equal(planReplacement(input({ live: done, desired })).kind, "plan");
});

test("recreate asked for a workload warns about the downtime", () => {
  const p = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, strategy: "recreate" })));
  assert.equal(p.strategy, "recreate");
  assert.ok(p.notes.some((n) => n.includes("downtime")));
});

test("no desired object and no owner: refused, asking for --desired; a Flux owner re-creates it instead", () => {
  const bare = { ...deployment, metadata: { name: "api", namespace: "web", uid: "u" } };
  const p = planReplacement(input({ live: bare }));
  assert.ok(p.kind === "refusal" && p.procedure[0]!.includes("--desired"));
  const owner = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "flux-system", name: "apps" };
  const byOwner = mustPlan(planReplacement(input({ live: deployment, desiredSource: "owner", owner })));
  assert.deepEqual(byOwner.steps[1]!.action, { type: "request-reconcile", owner });
});

test("a desired object of another kind or name is refused", () => {
  const p = planReplacement(input({ live: deployment, desired: { ...desiredDeployment, metadata: { name: "other" } } }));
  assert.equal(p.kind, "refusal");
});

test("the rollback restores selectors first, deletes the new object with Orphan, re-creates the old one, removes the new generation, unfreezes", () => {
  const p = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, desiredOthers: [desiredService, desiredPdb], selecting: [service, pdb] })));
  const back = rollbackSteps(p);
  assert.deepEqual(back.map((s) => s.id), [
    "restore:Service/api", "restore:PodDisruptionBudget/api", "delete-new", "delete-new-generation", "create-old", "wait-old-healthy",
    "unfreeze:Service/api", "unfreeze:PodDisruptionBudget/api",
  ]);
  assert.deepEqual(back[2]!.action, { type: "delete", ref: p.target, propagation: "Orphan", exceptUid: "uid-0" });
  assert.deepEqual(back[3]!.action, { type: "delete-generation", namespace: "web", selector: { app: "api", team: "payments" }, keep: ["rs-old"] });
  assert.deepEqual(back[0]!.verification, { kind: "selector", ref: p.switches[0]!.ref, path: ["spec", "selector"], form: "map", value: { app: "api" } });
});

test("the plan reads as a person expects: strategy, notes, numbered steps with their requirements, the commit point", () => {
  const text = formatPlanText(planReplacement(input({ live: deployment, desired: desiredDeployment, desiredOthers: [desiredService, desiredPdb], selecting: [service, pdb] })));
  assert.match(text, /^Replace Deployment web\/api by blue-green \(the new object comes from the --desired file\)\./);
  assert.match(text, /3\. delete Deployment web\/api with propagationPolicy Orphan \(its pods keep serving\)/);
  assert.match(text, /requires: at least 2 ready pod\(s\) match app=api,team=payments/);
  assert.match(text, /\*8\. drain: keep the old pods 30 s after the switch/);
});

test("the desired object from the webhook's marks puts the new selector's labels into the pod template", () => {
  const marked = structuredClone(deployment);
  (marked["metadata"] as JsonObject)["annotations"] = {
    [MARK_ANNOTATIONS.replace]: "orphan-recreate",
    [MARK_ANNOTATIONS.desired]: JSON.stringify({ "spec.selector": { matchLabels: { app: "api", team: "payments" } } }),
  };
  const r = desiredFromMarks(marked);
  assert.ok(r.ok);
  const spec = r.value["spec"] as JsonObject;
  assert.deepEqual(spec["selector"], { matchLabels: { app: "api", team: "payments" } });
  assert.deepEqual(((spec["template"] as JsonObject)["metadata"] as JsonObject)["labels"], { app: "api", team: "payments" });
  const meta = r.value["metadata"] as JsonObject;
  assert.equal(meta["uid"], undefined);
  assert.equal(meta["annotations"], undefined, "the marks do not go into the new object");
  assert.equal(r.value["status"], undefined);
  assert.equal(desiredFromMarks(deployment).ok, false);
  const bad = structuredClone(marked);
  ((bad["metadata"] as JsonObject)["annotations"] as JsonObject)[MARK_ANNOTATIONS.desired] = JSON.stringify({ "metadata.uid": "x" });
  assert.equal(desiredFromMarks(bad).ok, false);
});

test("label keys are data: a __proto__ label key is switched like any other", () => {
  const svc = { ...service, spec: { selector: JSON.parse('{"__proto__":"x","app":"api"}') as JsonObject } };
  const old = structuredClone(deployment);
  (((old["spec"] as JsonObject)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = JSON.parse('{"__proto__":"x","app":"api"}') as JsonObject;
  const renamed = structuredClone(desiredDeployment);
  const spec = renamed["spec"] as JsonObject;
  spec["selector"] = { matchLabels: { app: "api-v2" } };
  ((spec["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "api-v2" };
  const p = mustPlan(planReplacement(input({ live: old, desired: renamed, selecting: [svc] })));
  assert.deepEqual(p.switches[0]!.to, { app: "api-v2" });
  assert.equal(Object.getPrototypeOf(p.switches[0]!.to), Object.prototype);
});

test("the freeze holds each selector under the journal's name, the switch marks the hold switched, the rollback's restore releases it; nothing else touches the hold", () => {
  const p = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, desiredOthers: [desiredService, desiredPdb], selecting: [service, pdb] })));
  const journal = journalName(p.target);
  const freezes = p.steps.filter((s) => s.action.type === "freeze").map((s) => s.action);
  assert.deepEqual(freezes, [{ type: "freeze", ref: p.switches[0]!.ref, hold: journal }, { type: "freeze", ref: p.switches[1]!.ref, hold: journal }]);
  const switches = p.steps.flatMap((s) => (s.action.type === "switch-selector" ? [s.action.hold] : []));
  assert.deepEqual(switches, ["switched", "switched"]);
  const restores = rollbackSteps(p).flatMap((s) => (s.action.type === "switch-selector" ? [s.action.hold] : []));
  assert.deepEqual(restores, ["release", "release"]);
  // A selecting object frozen by someone else is neither frozen nor held by this replacement.
  const frozen = structuredClone(service);
  (frozen["metadata"] as JsonObject)["annotations"] = { "kustomize.toolkit.fluxcd.io/reconcile": "disabled" };
  const q = mustPlan(planReplacement(input({ live: deployment, desired: desiredDeployment, desiredOthers: [desiredService], selecting: [frozen] })));
  assert.deepEqual(q.steps.filter((s) => s.action.type === "freeze"), []);
  assert.deepEqual(q.steps.flatMap((s) => (s.action.type === "switch-selector" ? [s.action.hold ?? "none"] : [])), ["none"]);
  assert.deepEqual(rollbackSteps(q).flatMap((s) => (s.action.type === "switch-selector" ? [s.action.hold ?? "none"] : [])), ["none"]);
});
