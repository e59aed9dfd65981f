import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { heldSelector } from "../../../src/core/decide/held-selector.ts";
import { mutateRequest, type AdmissionContext } from "../../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../../src/core/admission/admission-review.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { groupOf, metaMap } from "../../../src/core/k8s/kube-object.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { acceptAnswer } from "../../support/apiserver-acceptance.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { updateReview } from "../../support/update-review.ts";
import { PROTOTYPE_KEYS } from "../../support/prototype-keys.ts";

const DIR = "decide/selector-hold";
const JOURNAL = "gitops-guard-replace-8c1f0e2b7d6a4935";

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

function holdOf(pair: { old: JsonObject; new: JsonObject }): ReturnType<typeof heldSelector> {
  const kind = String(pair.new["kind"]);
  return heldSelector({ group: groupOf(String(pair.new["apiVersion"])), kind, live: pair.old, object: pair.new });
}

/** /mutate's core on the pair as kubectl's apply sends it, the answer checked as kube-apiserver would. */
function mutate(pair: { old: JsonObject; new: JsonObject }, changes: Partial<Policy> = {}) {
  const raw = updateReview(pair.old, pair.new, 0, "kubectl");
  const review = admissionReviewSchema.parse(raw);
  const context: AdmissionContext = { catalogue: builtinCatalogue(), policy: { ...policy, ...changes }, guardNamespace: "gitops-guard" };
  const outcome = mutateRequest(review.request, context);
  const body = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })));
  return { ...acceptAnswer(raw, body, "mutating"), outcome };
}

describe("heldSelector", () => {
  it("finds the whole selecting field of a held Service, PDB and NetworkPolicy changed by someone else's apply", () => {
    const cases = [
      ["service-apply-during-hold.yaml", "core.Service.selectorHold", "spec.selector"],
      ["pdb-apply-during-hold.yaml", "policy.PodDisruptionBudget.selectorHold", "spec.selector"],
      ["networkpolicy-apply-during-hold.yaml", "networking.k8s.io.NetworkPolicy.selectorHold", "spec.podSelector"],
    ] as const;
    for (const [file, ruleId, path] of cases) {
      const pair = loadPair(`${DIR}/${file}`);
      const held = holdOf(pair);
      assert.ok(held, file);
      assert.equal(held.ruleId, ruleId);
      assert.equal(held.path, path);
      assert.equal(held.class, "held");
      assert.equal(held.strategy, "restore");
      assert.deepEqual(held.from, getAt(pair.old, held.segments));
      assert.deepEqual(held.to, getAt(pair.new, held.segments));
      assert.match(held.message, new RegExp(`held by the replacement ${JOURNAL} `));
    }
  });

  it("is not held when the request changes the hold (the engine's switch) or removes it (kubectl replace, a person ending it)", () => {
    assert.equal(holdOf(loadPair(`${DIR}/service-engine-switch.yaml`)), undefined);
    assert.equal(holdOf(loadPair(`${DIR}/service-hold-removed.yaml`)), undefined);
  });

  it("holds the switched selector too: a stale apply after the switch names the same replacement", () => {
    const held = holdOf(loadPair(`${DIR}/service-stale-apply-after-switch.yaml`));
    assert.ok(held);
    assert.deepEqual(held.from, { app: "web", team: "shop" });
    assert.deepEqual(held.to, { app: "web" });
    assert.match(held.message, new RegExp(`replacement ${JOURNAL} `));
  });

  it("leaves everything else alone: no hold annotation, an unchanged selector, a kind that selects nothing, another group's Service", () => {
    const pair = loadPair(`${DIR}/service-apply-during-hold.yaml`);
    const unheld = structuredClone(pair);
    delete (unheld.old["metadata"] as { annotations?: unknown }).annotations;
    delete (unheld.new["metadata"] as { annotations?: unknown }).annotations;
    assert.equal(holdOf(unheld), undefined);
    const sameSelector = structuredClone(pair);
    (sameSelector.new["spec"] as JsonObject)["selector"] = { app: "web" };
    assert.equal(holdOf(sameSelector), undefined);
    assert.equal(heldSelector({ group: "", kind: "ConfigMap", live: pair.old, object: pair.new }), undefined);
    assert.equal(heldSelector({ group: "serving.knative.dev", kind: "Service", live: pair.old, object: pair.new }), undefined);
  });

  it("treats prototype-named label keys as data and cuts an overlong hold value where it is shown", () => {
    const pair = loadPair(`${DIR}/service-apply-during-hold.yaml`);
    for (const key of PROTOTYPE_KEYS) {
      const p = structuredClone(pair);
      const selector = JSON.parse(`{"app":"web",${JSON.stringify(key)}:"x"}`) as JsonObject;
      (p.new["spec"] as JsonObject)["selector"] = selector;
      const held = holdOf(p);
      assert.ok(held, key);
      assert.deepEqual(Object.keys(held.to as JsonObject), ["app", key]);
    }
    const long = structuredClone(pair);
    const hold = "x".repeat(100_000);
    ((long.old["metadata"] as JsonObject)["annotations"] as JsonObject)["gitops-guard.io/selector-hold"] = hold;
    ((long.new["metadata"] as JsonObject)["annotations"] as JsonObject)["gitops-guard.io/selector-hold"] = hold;
    const held = holdOf(long);
    assert.ok(held);
    assert.ok(held.message.length < 300, `message of ${held.message.length} characters`);
  });
});

describe("the mutating webhook on a held selector", () => {
  it("restores a Service's selector to the live value, lets the rest of the apply through, warns and names the replacement", () => {
    const pair = loadPair(`${DIR}/service-apply-during-hold.yaml`);
    const answer = mutate(pair);
    assert.equal(answer.allowed, true);
    assert.equal(answer.outcome.decision.kind, "restore");
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), { app: "web" });
    assert.equal(metaMap(answer.patchedObject, "labels").get("team"), "shop", "the new label passes");
    assert.deepEqual(answer.patch, [{ op: "remove", path: "/spec/selector/team" }]);
    assert.equal(answer.warnings.length, 1);
    assert.match(answer.warnings[0]!, new RegExp(`^gitops-guard kept spec\\.selector held by the replacement ${JOURNAL}`));
    assert.match(answer.outcome.decision.reason, new RegExp(JOURNAL));
  });

  it("restores a PDB's whole LabelSelector (matchExpressions included) and a NetworkPolicy's podSelector; maxUnavailable and the new port pass", () => {
    const pdb = loadPair(`${DIR}/pdb-apply-during-hold.yaml`);
    const pdbAnswer = mutate(pdb);
    assert.deepEqual(getAt(pdbAnswer.patchedObject, ["spec", "selector"]), getAt(pdb.old, ["spec", "selector"]));
    assert.equal(getAt(pdbAnswer.patchedObject, ["spec", "maxUnavailable"]), 2);
    const netpol = loadPair(`${DIR}/networkpolicy-apply-during-hold.yaml`);
    const netpolAnswer = mutate(netpol);
    assert.deepEqual(getAt(netpolAnswer.patchedObject, ["spec", "podSelector"]), { matchLabels: { app: "web" } });
    assert.deepEqual(getAt(netpolAnswer.patchedObject, ["spec", "ingress", 0, "ports", 1]), { port: 9090, protocol: "TCP" });
  });

  it("keeps the switched selector against a stale apply", () => {
    const answer = mutate(loadPair(`${DIR}/service-stale-apply-after-switch.yaml`));
    assert.equal(answer.outcome.decision.kind, "restore");
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), { app: "web", team: "shop" });
  });

  it("lets the engine's own switch and a removal of the hold through unchanged", () => {
    for (const file of ["service-engine-switch.yaml", "service-hold-removed.yaml"]) {
      const pair = loadPair(`${DIR}/${file}`);
      const answer = mutate(pair);
      assert.equal(answer.allowed, true, file);
      assert.deepEqual(answer.patch, [], file);
      assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), getAt(pair.new, ["spec", "selector"]), file);
    }
  });

  it("holds whatever policy.restore says: the hold is not a server-assigned restore", () => {
    const answer = mutate(loadPair(`${DIR}/service-apply-during-hold.yaml`), { restore: false });
    assert.deepEqual(getAt(answer.patchedObject, ["spec", "selector"]), { app: "web" });
  });

  it("in audit mode records what it would have done and changes nothing", () => {
    const pair = loadPair(`${DIR}/service-apply-during-hold.yaml`);
    const answer = mutate(pair, { mode: "audit" });
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
    assert.deepEqual(answer.warnings, []);
    const decision = answer.outcome.decision;
    assert.equal(decision.kind, "allow");
    assert.equal(decision.enforcedAction, "restore");
    assert.match(decision.reason, new RegExp(`^audit: selector spec\\.selector held by the replacement ${JOURNAL}`));
    assert.equal(decision.findings.find((f) => f.class === "held")?.path, "spec.selector");
  });

  it("answers a reinvocation of the patched request with nothing left to hold", () => {
    const pair = loadPair(`${DIR}/service-apply-during-hold.yaml`);
    const first = mutate(pair);
    const again = mutate({ old: pair.old, new: first.patchedObject! });
    assert.deepEqual(again.patch, []);
    assert.equal(again.outcome.decision.kind, "allow");
  });
});
