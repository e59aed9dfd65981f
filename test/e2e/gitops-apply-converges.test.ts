import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { loadObject } from "../support/load-yaml.ts";
import type { ObjectRef } from "../support/kube-apiserver/store-access.ts";
import { rawRequest } from "../support/kube-apiserver/raw-request.ts";
import type { ReconcileResult } from "../support/e2e/flux-applier.ts";
import { isImmutableError } from "../support/e2e/is-immutable-error.ts";
import { KUSTOMIZE_CONTROLLER, startStoryCluster, type StoryCluster } from "../support/e2e/start-story-cluster.ts";
import type { WebhookCall } from "../support/e2e/webhook-admission-plugin.ts";

// The end-to-end story of DESIGN.md: a GitOps apply that used to stick now converges. Each story
// runs over real HTTPS: a simulated kube-apiserver (with the Deployment/Job/PVC strategies built in)
// calls gitops-guard's real webhook server as the shipped webhook configuration says, in
// kube-apiserver's order (mutating → built-in validation → validating), and a simulated
// kustomize-controller applies the manifests with Flux's documented semantics (fact 4).

const WEB: ObjectRef = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const JOB: ObjectRef = { apiVersion: "batch/v1", kind: "Job", namespace: "shop", name: "db-migrate" };
const PVC: ObjectRef = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "shop", name: "data" };

const MUTATE = "mutate.gitops-guard.io";
const VALIDATE = "validate.gitops-guard.io";
const DENIED_BY_MUTATE = `admission webhook "${MUTATE}" denied the request: `;
const FORCE = "kustomize.toolkit.fluxcd.io/force";
const REPLACE = "gitops-guard.io/replace";
/** More than enough: a converging story needs 2. */
const MAX_RECONCILES = 5;

function at(obj: JsonObject | undefined, ...keys: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = obj;
  for (const key of keys) current = isJsonObject(current) ? current[key] : undefined;
  return current;
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  return isJsonObject(value) ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
}

function stored(cluster: StoryCluster, ref: ObjectRef): JsonObject {
  const obj = cluster.api.store.get(ref);
  assert.ok(obj, `${ref.kind} ${ref.namespace}/${ref.name} is stored`);
  return obj;
}

function gitopsGuardKeys(obj: JsonObject): string[] {
  const keys = [...Object.keys(stringMap(at(obj, "metadata", "annotations"))), ...Object.keys(stringMap(at(obj, "metadata", "labels")))];
  return keys.filter((key) => key.startsWith("gitops-guard.io/") || key === FORCE);
}

function deletes(cluster: StoryCluster, ref: ObjectRef): { path: string; propagationPolicy: string | undefined }[] {
  return cluster.api.requests
    .filter((r) => r.method === "DELETE" && r.path.endsWith(`/${ref.name}`))
    .map((r) => ({ path: r.path, propagationPolicy: r.propagationPolicy }));
}

/** Reconciles until `converged` holds of the stored object: how many reconciles it took, their results, the stored object after each. */
async function reconcileUntil(cluster: StoryCluster, objects: JsonObject[], ref: ObjectRef, converged: (obj: JsonObject | undefined) => boolean): Promise<{ count: number; results: ReconcileResult[]; snapshots: (JsonObject | undefined)[] }> {
  const results: ReconcileResult[] = [];
  const snapshots: (JsonObject | undefined)[] = [];
  while (results.length < MAX_RECONCILES) {
    results.push(await cluster.flux.reconcile(objects));
    snapshots.push(cluster.api.store.get(ref));
    if (converged(snapshots.at(-1))) break;
  }
  return { count: results.length, results, snapshots };
}

function callsSince(cluster: StoryCluster, start: number): WebhookCall[] {
  return cluster.calls.slice(start);
}

function summary(calls: readonly WebhookCall[]): string[] {
  return calls.map((c) => `${c.webhook} ${c.operation} dryRun=${c.dryRun} ${c.outcome}${c.code !== undefined ? ` ${c.code}` : ""}`);
}

describe("e2e story 1 — baseline without gitops-guard: a commonLabels change sticks", () => {
  let cluster: StoryCluster;
  before(async () => {
    cluster = await startStoryCluster({ guard: false });
  });
  after(() => cluster.stop());

  it("fails every reconcile with the API server's own 422 and never changes the live Deployment", async () => {
    const created = await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
    assert.deepEqual(created, { ready: true, changes: [{ subject: "Deployment/shop/web", action: "created", recreated: false }] });
    const live = stored(cluster, WEB);

    const changed = loadObject("e2e/web-deployment-commonlabels.yaml");
    const message = 'Deployment.apps "web" is invalid: spec.selector: Invalid value: '
      + 'v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "team":"payments"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable';
    for (let reconcile = 1; reconcile <= 3; reconcile++) {
      const result = await cluster.flux.reconcile([changed]);
      assert.equal(result.ready, false, `reconcile ${reconcile} is stuck`);
      assert.deepEqual(result.changes, [], "nothing is applied");
      assert.deepEqual(result.failure, { code: 422, reason: "Invalid", message });
      assert.equal(result.error, `Deployment/shop/web dry-run failed (Invalid): ${message}`);
      // Flux does classify it as immutable; it only lacks force, which nobody set.
      assert.equal(isImmutableError(result.failure!), true);
    }
    assert.deepEqual(stored(cluster, WEB), live, "the live Deployment never changed (same resourceVersion, selector, labels)");
    assert.deepEqual(at(live, "spec", "selector"), { matchLabels: { app: "web" } });
    assert.deepEqual(deletes(cluster, WEB), [], "without force Flux never deletes");
    const dryRuns = cluster.api.requests.filter((r) => r.method === "PATCH" && r.query["dryRun"] === "All");
    assert.deepEqual(dryRuns.map((r) => [r.status, r.query["fieldManager"]]), [[422, "kustomize-controller"], [422, "kustomize-controller"], [422, "kustomize-controller"]]);
    assert.equal(cluster.api.requests.filter((r) => r.method === "PATCH" && r.query["dryRun"] === undefined).length, 0, "no real patch was ever sent");
  });
});

describe("e2e story 2 — with gitops-guard: the same commonLabels change converges in 2 reconciles", () => {
  let cluster: StoryCluster;
  before(async () => {
    cluster = await startStoryCluster({ guard: true });
  });
  after(() => cluster.stop());

  it("marks on the first reconcile, lets Flux recreate on the second, and stays stable afterwards", async () => {
    await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
    const original = stored(cluster, WEB);
    assert.equal(cluster.calls.length, 0, "creates do not reach gitops-guard's webhooks (rules: UPDATE, DELETE)");

    const changed = loadObject("e2e/web-deployment-commonlabels.yaml");
    const wanted = { matchLabels: { app: "web", team: "payments" } };
    const { count, results, snapshots } = await reconcileUntil(cluster, [changed], WEB, (obj) =>
      JSON.stringify(at(obj, "spec", "selector")) === JSON.stringify(wanted));
    assert.equal(count, 2, `reconciles to convergence: ${JSON.stringify(results)}`);

    // Reconcile 1: allowed with the selector kept at the live value, the object marked, a warning returned.
    assert.deepEqual(results[0], { ready: true, changes: [{ subject: "Deployment/shop/web", action: "configured", recreated: false }] });
    const marked = snapshots[0];
    assert.equal(at(marked, "metadata", "uid"), at(original, "metadata", "uid"), "the same object, updated in place");
    assert.deepEqual(at(marked, "spec", "selector"), { matchLabels: { app: "web" } }, "the selector stays at the live value");
    assert.deepEqual(stringMap(at(marked, "spec", "template", "metadata", "labels")), { app: "web", team: "payments" },
      "the template labels (mutable, still matching the old selector) take the new value");
    const annotations = stringMap(at(marked, "metadata", "annotations"));
    assert.equal(annotations[REPLACE], "recreate");
    assert.equal(annotations[FORCE], "enabled", "Flux's own marker, on the live object where Flux reads it too");
    assert.equal(annotations["gitops-guard.io/replace-fields"], "spec.selector.matchLabels.team");
    assert.deepEqual(JSON.parse(annotations["gitops-guard.io/replace-desired"]!), { "spec.selector.matchLabels.team": "payments" });
    const first = cluster.calls.filter((c) => c.webhook === MUTATE && c.outcome === "patched");
    assert.deepEqual(first.map((c) => c.dryRun), [true, false], "the dry-run and the real update were both patched");
    for (const call of first) {
      assert.deepEqual(call.warnings, ["gitops-guard kept spec.selector.matchLabels.team at the live value; marked for recreate"]);
    }
    // Reconcile 2: the same change again → 422 "field is immutable" → Flux deletes (Background) and re-creates.
    assert.deepEqual(results[1], { ready: true, changes: [{ subject: "Deployment/shop/web", action: "created", recreated: true }] });
    const denial = cluster.calls.find((c) => c.webhook === MUTATE && c.outcome === "denied");
    assert.ok(denial, "the second reconcile's dry-run was denied");
    assert.equal(denial.code, 422);
    assert.equal(denial.dryRun, true);
    assert.equal(denial.reason, "Invalid");
    assert.ok(denial.message!.startsWith(DENIED_BY_MUTATE), String(denial.message));
    assert.match(denial.message!, /field is immutable/);
    assert.equal(isImmutableError({ code: denial.code!, reason: denial.reason!, message: denial.message! }), true, "Flux classifies the denial as immutable");
    assert.deepEqual(deletes(cluster, WEB), [{ path: "/apis/apps/v1/namespaces/shop/deployments/web", propagationPolicy: "Background" }]);

    const final = stored(cluster, WEB);
    assert.notEqual(at(final, "metadata", "uid"), at(original, "metadata", "uid"), "a new object");
    assert.deepEqual(at(final, "spec", "selector"), wanted, "the NEW selector");
    assert.deepEqual(stringMap(at(final, "spec", "template", "metadata", "labels")), { app: "web", team: "payments" });
    assert.deepEqual(stringMap(at(final, "metadata", "labels")), {
      app: "web", team: "payments", "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
    });
    assert.deepEqual(gitopsGuardKeys(final), [], "the object from Git carries no gitops-guard marks and no force marker");

    // Stable: a further reconcile is a no-op (dry-run allowed without a patch, nothing written).
    const before = cluster.calls.length;
    const again = await cluster.flux.reconcile([changed]);
    assert.deepEqual(again, { ready: true, changes: [{ subject: "Deployment/shop/web", action: "unchanged", recreated: false }] });
    assert.deepEqual(stored(cluster, WEB), final, "same resourceVersion: nothing was written");
    assert.deepEqual(summary(callsSince(cluster, before)), [
      `${MUTATE} UPDATE dryRun=true allowed`,
      `${VALIDATE} UPDATE dryRun=true allowed`,
    ]);
  });
});

describe("e2e story 3 — with gitops-guard: a Job whose image changed converges the same way", () => {
  let cluster: StoryCluster;
  before(async () => {
    cluster = await startStoryCluster({ guard: true });
  });
  after(() => cluster.stop());

  it("marks on the first reconcile and recreates the Job with the new image on the second", async () => {
    await cluster.flux.reconcile([loadObject("e2e/migrate-job.yaml")]);
    const original = stored(cluster, JOB);
    const originalUid = String(at(original, "metadata", "uid"));
    assert.deepEqual(at(original, "spec", "selector"), { matchLabels: { "batch.kubernetes.io/controller-uid": originalUid } }, "the API server generated the selector");

    const image = "ghcr.io/example/shop-migrations:1.5.0";
    const imageOf = (obj: JsonObject | undefined): JsonValue | undefined => {
      const containers = at(obj, "spec", "template", "spec", "containers");
      return Array.isArray(containers) && isJsonObject(containers[0]) ? containers[0]["image"] : undefined;
    };
    const changed = loadObject("e2e/migrate-job-new-image.yaml");
    const { count, results, snapshots } = await reconcileUntil(cluster, [changed], JOB, (obj) => imageOf(obj) === image);
    assert.equal(count, 2, `reconciles to convergence: ${JSON.stringify(results)}`);
    assert.equal(imageOf(snapshots[0]), "ghcr.io/example/shop-migrations:1.4.0", "after reconcile 1 the template is the live one");
    assert.equal(stringMap(at(snapshots[0], "metadata", "annotations"))[REPLACE], "recreate");
    assert.equal(stringMap(at(snapshots[0], "metadata", "annotations"))[FORCE], "enabled");
    assert.deepEqual(results.map((r) => r.changes), [
      [{ subject: "Job/shop/db-migrate", action: "configured", recreated: false }],
      [{ subject: "Job/shop/db-migrate", action: "created", recreated: true }],
    ]);
    assert.deepEqual(summary(cluster.calls), [
      `${MUTATE} UPDATE dryRun=true patched`,
      `${VALIDATE} UPDATE dryRun=true allowed`,
      `${MUTATE} UPDATE dryRun=false patched`,
      `${VALIDATE} UPDATE dryRun=false allowed`,
      `${MUTATE} UPDATE dryRun=true denied 422`,
      `${VALIDATE} DELETE dryRun=false allowed`,
    ]);
    assert.deepEqual(cluster.calls[0]!.warnings, ["gitops-guard kept spec.template.spec.containers[0].image at the live value; marked for recreate"]);
    assert.deepEqual(deletes(cluster, JOB), [{ path: "/apis/batch/v1/namespaces/shop/jobs/db-migrate", propagationPolicy: "Background" }]);

    const final = stored(cluster, JOB);
    const uid = String(at(final, "metadata", "uid"));
    assert.notEqual(uid, originalUid);
    assert.equal(imageOf(final), image);
    assert.deepEqual(at(final, "spec", "selector"), { matchLabels: { "batch.kubernetes.io/controller-uid": uid } }, "a selector generated for the new Job");
    assert.deepEqual(gitopsGuardKeys(final), []);

    const again = await cluster.flux.reconcile([changed]);
    assert.deepEqual(again.changes, [{ subject: "Job/shop/db-migrate", action: "unchanged", recreated: false }], "stable");
    assert.deepEqual(stored(cluster, JOB), final);
  });
});

describe("e2e story 4 — a PVC shrink is never recreated", () => {
  const bind = (cluster: StoryCluster): JsonObject => {
    // The PV controller binds the claim: spec.volumeName and status (the simulator runs no controllers).
    const pvc = stored(cluster, PVC);
    const spec = at(pvc, "spec");
    assert.ok(isJsonObject(spec));
    spec["volumeName"] = "pvc-0c1d2e3f";
    pvc["status"] = { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } };
    return cluster.api.store.put(pvc);
  };

  for (const force of [false, true]) {
    it(`with gitops-guard the applier stays stuck on a 403 Flux does not call immutable; the PVC is never deleted (forced by the manifest${force ? " and spec.force" : ""})`, async () => {
      const cluster = await startStoryCluster({ guard: true, force });
      try {
        await cluster.flux.reconcile([loadObject("e2e/data-pvc.yaml")]);
        const bound = bind(cluster);
        const shrunk = loadObject("e2e/data-pvc-shrunk-forced.yaml");
        assert.equal(stringMap(at(shrunk, "metadata", "annotations"))[FORCE], "enabled", "the desired PVC asks Flux to force");
        for (let reconcile = 1; reconcile <= 3; reconcile++) {
          const result = await cluster.flux.reconcile([shrunk]);
          assert.equal(result.ready, false, `reconcile ${reconcile} is stuck`);
          assert.equal(result.failure?.code, 403);
          assert.equal(result.failure?.reason, "Forbidden");
          assert.ok(result.failure!.message.startsWith(DENIED_BY_MUTATE), result.failure!.message);
          assert.equal(isImmutableError(result.failure!), false, `Flux must not read this as immutable: ${result.failure!.message}`);
          assert.match(result.error!, /^PersistentVolumeClaim\/shop\/data dry-run failed \(Forbidden\): /);
        }
        assert.deepEqual(deletes(cluster, PVC), [], "the claim is never deleted");
        assert.deepEqual(stored(cluster, PVC), bound, "the claim is untouched: same uid, 10Gi, bound");
        assert.deepEqual(summary(cluster.calls), Array(3).fill(`${MUTATE} UPDATE dryRun=true denied 403`));
      } finally {
        await cluster.stop();
      }
    });
  }

  it("without gitops-guard the API server's own 422 makes Flux delete the forced claim (why the denial matters)", async () => {
    const cluster = await startStoryCluster({ guard: false });
    try {
      await cluster.flux.reconcile([loadObject("e2e/data-pvc.yaml")]);
      const bound = bind(cluster);
      const result = await cluster.flux.reconcile([loadObject("e2e/data-pvc-shrunk-forced.yaml")]);
      assert.deepEqual(result.changes, [{ subject: "PersistentVolumeClaim/shop/data", action: "created", recreated: true }]);
      assert.deepEqual(deletes(cluster, PVC), [{ path: "/api/v1/namespaces/shop/persistentvolumeclaims/data", propagationPolicy: "Background" }]);
      const replaced = stored(cluster, PVC);
      assert.notEqual(at(replaced, "metadata", "uid"), at(bound, "metadata", "uid"), "a new, empty claim: the bound volume's data is gone");
      assert.equal(at(replaced, "spec", "volumeName"), undefined);
    } finally {
      await cluster.stop();
    }
  });
});

describe("e2e story 5 — dry-run requests reach the webhook and get the real request's answer", () => {
  let cluster: StoryCluster;
  before(async () => {
    cluster = await startStoryCluster({ guard: true });
  });
  after(() => cluster.stop());

  it("answers the dry-run and the real update alike, denies a real repeat as it denied the dry-run, and records both", async () => {
    await cluster.flux.reconcile([loadObject("e2e/web-deployment.yaml")]);
    const changed = loadObject("e2e/web-deployment-commonlabels.yaml");
    await cluster.flux.reconcile([changed]);

    const [dryMutate, dryValidate, realMutate, realValidate, ...rest] = cluster.calls;
    assert.deepEqual(rest, []);
    assert.deepEqual(summary([dryMutate!, dryValidate!, realMutate!, realValidate!]), [
      `${MUTATE} UPDATE dryRun=true patched`,
      `${VALIDATE} UPDATE dryRun=true allowed`,
      `${MUTATE} UPDATE dryRun=false patched`,
      `${VALIDATE} UPDATE dryRun=false allowed`,
    ]);
    assert.deepEqual(realMutate!.patch, dryMutate!.patch, "the same patch for the dry-run and the real request");
    assert.deepEqual(realMutate!.warnings, dryMutate!.warnings);
    assert.deepEqual(realValidate!.warnings, dryValidate!.warnings);

    // The second reconcile's dry-run is denied; the same change sent for real gets the same answer.
    const beforeDenials = cluster.calls.length;
    const server = cluster.api;
    // What kustomize-controller sends: the manifest with its ownership labels.
    const desired = structuredClone(changed);
    const metadata = desired["metadata"];
    assert.ok(isJsonObject(metadata));
    metadata["labels"] = { ...stringMap(metadata["labels"]), "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };
    const body = JSON.stringify(desired);
    const patch = (dryRun: boolean): ReturnType<typeof rawRequest> => rawRequest(server, {
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/shop/deployments/web?${dryRun ? "dryRun=All&" : ""}fieldManager=kustomize-controller`,
      headers: { "Content-Type": "application/merge-patch+json", "Content-Length": String(Buffer.byteLength(body)) },
      body,
      token: server.token,
    });
    const dry = await patch(true);
    const real = await patch(false);
    assert.equal(dry.status, 422);
    assert.equal(real.status, 422);
    const statusOf = (text: string): unknown => {
      const parsed: unknown = JSON.parse(text);
      return isJsonObject(parsed) ? { code: parsed["code"], reason: parsed["reason"], message: parsed["message"] } : parsed;
    };
    assert.deepEqual(statusOf(real.text), statusOf(dry.text), "the real request is denied exactly as its dry-run");
    assert.deepEqual(summary(callsSince(cluster, beforeDenials)), [`${MUTATE} UPDATE dryRun=true denied 422`, `${MUTATE} UPDATE dryRun=false denied 422`]);

    // Records: one line per call, dryRun true and false, each with the call's own uid.
    const records = cluster.guard!.recordLines().map((line): unknown => JSON.parse(line)).filter(isJsonObject);
    assert.deepEqual(records.map((r) => r["uid"]), cluster.calls.map((c) => c.uid), "one record per webhook call, uids in call order");
    assert.equal(new Set(records.map((r) => r["uid"])).size, records.length, "a fresh uid per call");
    const mutates = records.filter((r) => r["webhook"] === "mutate");
    assert.deepEqual(mutates.map((r) => [r["dryRun"], r["action"], r["allowed"], r["code"]]), [
      [true, "mark", true, undefined],
      [false, "mark", true, undefined],
      [true, "mark", false, 422],
      [false, "mark", false, 422],
    ]);
    assert.deepEqual(mutates[0]!["patchPaths"], mutates[1]!["patchPaths"]);
    for (const record of records) {
      assert.equal(record["user"], KUSTOMIZE_CONTROLLER.username);
      assert.equal(record["fieldManager"], "kustomize-controller");
      assert.equal(record["owner"], "flux");
    }
    assert.deepEqual(records.filter((r) => r["webhook"] === "validate").map((r) => r["dryRun"]), [true, false]);
  });
});
