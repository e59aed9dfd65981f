import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaValue } from "../../../src/core/k8s/kube-object.ts";
import { runReplacement, type ProgressEvent } from "../../../src/adapters/replace/run-replacement.ts";
import { createKubeObjects } from "../../../src/adapters/replace/kube-objects.ts";
import { performAction } from "../../../src/adapters/replace/perform-action.ts";
import type { StepAction } from "../../../src/core/replace/replace-step.ts";
import { journalName, type JournalInput } from "../../../src/core/replace/journal.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../../../src/core/replace/replace-settings.ts";
import { SELECTOR_HOLD_ANNOTATION } from "../../../src/core/replace/selector-hold.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { edited, spec, startSimRig, type SimRig } from "../../support/replace/sim-rig.ts";
import type { SimulatedCluster } from "../../support/kube-controllers/start-simulated-cluster.ts";
import { startTestWebhook, type TestWebhook } from "../../support/webhook-server.ts";
import { webhookAdmissionPlugins, type WebhookAdmission } from "../../support/e2e/webhook-admission-plugin.ts";
import { readWebhookConfigurations } from "../../support/e2e/webhook-configurations.ts";

const FLUX = { "kustomize.toolkit.fluxcd.io/name": "shop", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };
const WEB = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const SERVICE = { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" };
const [webFixture, serviceFixture] = loadDocuments("kube-controllers/web.yaml").filter(isJsonObject) as [JsonObject, JsonObject];

const asFlux = (o: JsonObject): JsonObject => edited(o, (c) => {
  const meta = c["metadata"] as JsonObject;
  meta["labels"] = { ...(isJsonObject(meta["labels"]) ? meta["labels"] : {}), ...FLUX };
});

/** kustomize `commonLabels: {team: shop}` in Git: the Deployment's selector and template, and the Service's selector. */
const desiredWeb = edited(webFixture, (c) => {
  spec(c)["selector"] = { matchLabels: { app: "web", team: "shop" } };
  ((spec(c)["template"] as JsonObject)["metadata"] as JsonObject)["labels"] = { app: "web", team: "shop" };
});
const desiredService = edited(serviceFixture, (c) => void (spec(c)["selector"] = { app: "web", team: "shop" }));

function webAvailable(c: SimulatedCluster): boolean {
  const status = c.api.get(WEB)?.["status"];
  return isJsonObject(status) && status["availableReplicas"] === 3 && status["updatedReplicas"] === 3 && status["replicas"] === 3;
}

/**
 * gitops-guard's shipped mutating webhook, called over HTTPS as kube-apiserver calls it, for
 * Service writes (the scenario's other writes are not what these tests are about).
 */
function registerWebhook(rig: SimRig, hook: TestWebhook, username: string): WebhookAdmission {
  const admission = webhookAdmissionPlugins({
    configurations: readWebhookConfigurations(),
    endpoint: () => ({ baseUrl: hook.url, ca: hook.ca }),
    userInfo: { username, groups: ["system:authenticated"] },
    requests: rig.cluster.server.requests,
    namespaceLabels: () => ({}),
  });
  const [mutate] = admission.plugins.mutating;
  assert.ok(mutate);
  rig.cluster.server.setAdmission({ mutating: [(w) => (w.resource.plural === "services" ? mutate(w) : w.object)], validating: [] });
  return admission;
}

test("a person applies the Service from Git during the cut-over, and a stale checkout after the switch: the webhook holds the selector, the Service keeps 3 ready pods throughout", async () => {
  const rig = await startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: webAvailable });
  const hook = await startTestWebhook();
  try {
    const admission = registerWebhook(rig, hook, "kubernetes-admin");

    const kubectl = createKubeObjects(rig.http);
    const applies: Promise<void>[] = [];
    const recorder = rig.cluster.recordReadyPods("shop", "web");
    const outcome = await runReplacement({ target: WEB, desired: desiredWeb, desiredOthers: [desiredService], settings: DEFAULT_REPLACE_SETTINGS }, "start", rig.deps({
      onProgress: (e: ProgressEvent) => {
        if (e.type !== "step" || e.state !== "started") return;
        // The new pods are not ready yet: the Git selector would select none of them.
        if (e.step.id === "wait-healthy") applies.push(kubectl.mergePatch(SERVICE, { spec: { selector: { app: "web", team: "shop" } } }));
        // After the switch: an old checkout puts the old selector back.
        if (e.step.id === "drain") applies.push(kubectl.mergePatch(SERVICE, { spec: { selector: { app: "web", team: null } } }));
      },
    }));
    await Promise.all(applies);
    recorder.stop();
    assert.equal(outcome.kind, "replaced", JSON.stringify(outcome));
    assert.equal(applies.length, 2, "both applies happened");
    assert.ok(recorder.min >= 3, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);

    const serviceCalls = admission.calls.filter((c) => c.resource === "services" && c.operation === "UPDATE");
    const patched = serviceCalls.filter((c) => c.outcome === "patched");
    assert.equal(patched.length, 2, JSON.stringify(serviceCalls.map((c) => [c.outcome, c.patch])));
    for (const call of patched) assert.match(call.warnings.join("\n"), new RegExp(`held by the replacement ${journalName(WEB)}`));
    // The engine's freeze, switch and unfreeze pass unchanged.
    assert.equal(serviceCalls.filter((c) => c.outcome === "allowed").length, 3);

    const svc = rig.cluster.api.get(SERVICE)!;
    assert.deepEqual(spec(svc)["selector"], { app: "web", team: "shop" });
    assert.equal(metaValue(svc, "annotations", SELECTOR_HOLD_ANNOTATION), undefined, "the hold is gone");
    assert.equal(metaValue(svc, "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined, "unfrozen");
  } finally {
    await hook.close();
    await rig.stop();
  }
});

test("the engine's own patches pass the webhook: freeze sets the hold, the switch marks it switched, a rollback's restore ends it with the old selector; a plain selector patch is held", async () => {
  const rig = await startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: webAvailable });
  const hook = await startTestWebhook();
  try {
    const admission = registerWebhook(rig, hook, "system:serviceaccount:gitops-guard:gitops-guard");
    const objects = createKubeObjects(rig.http);
    const input: JournalInput = { live: webFixture, desired: null, desiredSource: "file", desiredOthers: [], selecting: [], pods: [], oldReplicaSets: [], owner: null, settings: DEFAULT_REPLACE_SETTINGS, strategy: null };
    const now = rig.cluster.clock.nowMs();
    const act = (a: StepAction): Promise<void> => performAction(a, objects, input, now);
    const current = (): JsonObject => rig.cluster.api.get(SERVICE)!;
    const switchTo = (to: Record<string, string>, hold?: "switched" | "release"): StepAction => ({ type: "switch-selector", ref: SERVICE, path: ["spec", "selector"], form: "map", to, ...(hold ? { hold } : {}) });

    await act({ type: "freeze", ref: SERVICE, hold: journalName(WEB) });
    assert.equal(metaValue(current(), "annotations", SELECTOR_HOLD_ANNOTATION), journalName(WEB));
    await act(switchTo({ app: "web", team: "shop" }, "switched"));
    assert.deepEqual(spec(current())["selector"], { app: "web", team: "shop" });
    assert.equal(metaValue(current(), "annotations", SELECTOR_HOLD_ANNOTATION), `switched:${journalName(WEB)}`);
    // Without the hold in the same patch, a selector change is anyone's apply: held.
    await act(switchTo({ app: "web" }));
    assert.deepEqual(spec(current())["selector"], { app: "web", team: "shop" });
    await act(switchTo({ app: "web" }, "release"));
    assert.deepEqual(spec(current())["selector"], { app: "web" });
    assert.equal(metaValue(current(), "annotations", SELECTOR_HOLD_ANNOTATION), undefined);
    await act({ type: "unfreeze", ref: SERVICE });
    assert.equal(metaValue(current(), "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined);
    assert.deepEqual(admission.calls.filter((c) => c.resource === "services").map((c) => c.outcome), ["allowed", "allowed", "patched", "allowed", "allowed"]);
  } finally {
    await hook.close();
    await rig.stop();
  }
});

test("new pods that never become ready: rolled back through the webhook; the Service never switched, its hold and freeze gone, 3 ready pods throughout", async () => {
  const rig = await startSimRig("kube-controllers/web.yaml", { edit: asFlux, ready: webAvailable });
  const hook = await startTestWebhook();
  try {
    const admission = registerWebhook(rig, hook, "system:serviceaccount:gitops-guard:gitops-guard");
    rig.cluster.kubelet.inject({ match: { image: "ghcr.io/example/web:2.0.0-broken" }, behaviour: "never-ready" });
    const broken = edited(desiredWeb, (c) => {
      const podSpec = (spec(c)["template"] as JsonObject)["spec"] as JsonObject;
      (podSpec["containers"] as JsonObject[])[0]!["image"] = "ghcr.io/example/web:2.0.0-broken";
    });
    const kubectl = createKubeObjects(rig.http);
    const applies: Promise<void>[] = [];
    const recorder = rig.cluster.recordReadyPods("shop", "web");
    const outcome = await runReplacement({ target: WEB, desired: broken, desiredOthers: [desiredService], settings: { ...DEFAULT_REPLACE_SETTINGS, timeoutSeconds: 120 } }, "start", rig.deps({
      onProgress: (e: ProgressEvent) => {
        if (e.type === "step" && e.state === "started" && e.step.id === "wait-healthy") applies.push(kubectl.mergePatch(SERVICE, { spec: { selector: { app: "web", team: "shop" } } }));
      },
    }));
    await Promise.all(applies);
    recorder.stop();
    assert.equal(outcome.kind, "rolled-back", JSON.stringify(outcome));
    assert.ok(recorder.min >= 3, `min ${recorder.min} at ${JSON.stringify(recorder.minAt)}`);
    const svc = rig.cluster.api.get(SERVICE)!;
    assert.deepEqual(spec(svc)["selector"], { app: "web" });
    assert.equal(metaValue(svc, "annotations", SELECTOR_HOLD_ANNOTATION), undefined, "the hold is gone");
    assert.equal(metaValue(svc, "annotations", "kustomize.toolkit.fluxcd.io/reconcile"), undefined, "unfrozen");
    assert.deepEqual(admission.calls.filter((c) => c.resource === "services").map((c) => c.outcome), ["allowed", "patched", "allowed"]);
  } finally {
    await hook.close();
    await rig.stop();
  }
});
