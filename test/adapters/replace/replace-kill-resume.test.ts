import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaString, metaValue } from "../../../src/core/k8s/kube-object.ts";
import { planFor, runReplacement } from "../../../src/adapters/replace/run-replacement.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { controllerOf, edited, labels, spec, startSimRig, uid } from "../../support/replace/sim-rig.ts";

/**
 * Issue 14 "Done when": killing the actor after each step in turn ends in the same final state
 * as an uninterrupted run, with no action repeated. For every step index k of the blue-green
 * plan, the run is killed at step k — right after its action reached the API server and before
 * the journal recorded it (the worst moment), or, for a step that only waits, while it waits —
 * and a new actor resumes from the journal.
 */

const FLUX = { "kustomize.toolkit.fluxcd.io/name": "shop", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };
const WEB = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const [webFixture, serviceFixture] = loadDocuments("kube-controllers/web.yaml").filter(isJsonObject) as [JsonObject, JsonObject];
const asFlux = (o: JsonObject): JsonObject => edited(o, (c) => {
  const meta = c["metadata"] as JsonObject;
  meta["labels"] = { ...(isJsonObject(meta["labels"]) ? meta["labels"] : {}), ...FLUX };
});
const desiredWeb = edited(webFixture, (c) => {
  spec(c)["selector"] = { matchLabels: { app: "web", team: "shop" } };
  ((spec(c)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "web", team: "shop" };
});
const desiredService = edited(serviceFixture, (c) => void (spec(c)["selector"] = { app: "web", team: "shop" }));
const request = { target: WEB, desired: desiredWeb, desiredOthers: [desiredService], settings: DEFAULT_REPLACE_SETTINGS };

function available(obj: JsonObject | undefined): boolean {
  const s = obj?.["status"];
  return isJsonObject(s) && s["availableReplicas"] === 3 && s["updatedReplicas"] === 3 && s["replicas"] === 3;
}

/** What an uninterrupted run ends with, as a comparable value (names of generated objects left out). */
function finalState(rig: Awaited<ReturnType<typeof startSimRig>>): unknown {
  const { api } = rig.cluster;
  const web = api.get(WEB)!;
  const sets = api.list({ apiVersion: "apps/v1", kind: "ReplicaSet" }, "shop");
  const pods = api.list({ apiVersion: "v1", kind: "Pod" }, "shop");
  const svc = api.get({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" })!;
  return {
    selector: spec(web)["selector"],
    sets: sets.map((rs) => ({ owner: controllerOf(rs) === `Deployment/web/${uid(web)}`, replicas: spec(rs)["replicas"] })),
    pods: pods.map((p) => ({ team: labels(p)["team"], owned: controllerOf(p).startsWith("ReplicaSet/") })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    service: spec(svc)["selector"],
    frozen: metaValue(svc, "annotations", "kustomize.toolkit.fluxcd.io/reconcile") ?? null,
  };
}

/** The requests that change the target and what selects it (journal and Event writes left out). */
function actions(rig: Awaited<ReturnType<typeof startSimRig>>): string[] {
  return rig.cluster.server.requests
    .filter((r) => r.method !== "GET" && !r.path.includes("/configmaps") && !r.path.includes("/events"))
    .map((r) => `${r.method} ${r.path.replace(/\?.*/, "")} ${r.status}`);
}

test("killed at each step in turn and resumed from the journal: the same final state as an uninterrupted run, no action repeated, the Service serves throughout", async (t) => {
  const reference = await startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: (c) => available(c.api.get(WEB)) });
  let expected: unknown;
  let expectedActions: string[];
  let stepIds: string[];
  try {
    const plan = await planFor(request, { http: reference.http });
    assert.equal(plan.kind, "plan");
    stepIds = plan.kind === "plan" ? plan.steps.map((s) => s.id) : [];
    const outcome = await runReplacement(request, "start", reference.deps());
    assert.equal(outcome.kind, "replaced");
    expected = finalState(reference);
    expectedActions = actions(reference);
  } finally {
    await reference.stop();
  }
  assert.ok(stepIds.length >= 8, stepIds.join(","));
  for (let k = 0; k < stepIds.length; k++) {
    await t.test(`killed at step ${k + 1} (${stepIds[k]})`, async () => {
      const rig = await startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: (c) => available(c.api.get(WEB)) });
      try {
        const recorder = rig.cluster.recordReadyPods("shop", "web");
        const kill = new AbortController();
        let armed = false;
        // The worst moment: the step's own write has reached the API server, the journal does not know yet.
        const off = rig.cluster.server.onWrite((w) => {
          if (armed && w.resource.kind !== "ConfigMap" && w.resource.kind !== "Event" && !w.dryRun) kill.abort();
        });
        const first = await runReplacement(request, "start", rig.deps({
          signal: kill.signal,
          onProgress: (e) => {
            if (e.type !== "step" || e.list !== "steps" || e.index !== k) return;
            if (e.state === "started") armed = true;
            // A step that only waits is killed while it waits.
            if (e.state === "waiting" && e.step.action.type === "wait") kill.abort();
          },
        }));
        off();
        assert.equal(first.kind, k === stepIds.length - 1 && !kill.signal.aborted ? "replaced" : "interrupted", JSON.stringify(first));
        const second = first.kind === "replaced" ? first : await runReplacement({ target: WEB, settings: DEFAULT_REPLACE_SETTINGS }, "resume", rig.deps({ identity: "successor" }));
        recorder.stop();
        assert.equal(second.kind, "replaced", JSON.stringify(second));
        assert.deepEqual(finalState(rig), expected);
        assert.ok(recorder.min >= 3, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
        const done = actions(rig);
        const once = (prefix: string): number => done.filter((a) => a.startsWith(prefix)).length;
        assert.equal(once("DELETE /apis/apps/v1/namespaces/shop/deployments/web"), 1, done.join("\n"));
        assert.equal(once("POST /apis/apps/v1/namespaces/shop/deployments"), 1, done.join("\n"));
        assert.equal(once("PATCH /api/v1/namespaces/shop/services/web"), expectedActions.filter((a) => a.startsWith("PATCH /api/v1/namespaces/shop/services/web")).length, done.join("\n"));
        assert.ok(done.every((a) => !a.endsWith(" 409") && !a.endsWith(" 422")), done.join("\n"));
        assert.equal(metaString(rig.cluster.api.get(WEB)!, "name"), "web");
      } finally {
        await rig.stop();
      }
    });
  }
});
