import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decideDeletion } from "../../../src/core/decide/decide-deletion.ts";
import { MAX_WARNING_CHARS } from "../../../src/core/decide/denial-message.ts";
import { cloneJson, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaMap } from "../../../src/core/k8s/kube-object.ts";
import { policySchema, type Policy } from "../../../src/core/policy/policy-schema.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { denialOf, revertOf } from "../../../src/core/decide/decision.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { rawReview } from "../../support/load-review.ts";

const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
if (!loaded.ok) throw new Error("default policy invalid");
const DEFAULT_POLICY = loaded.value.policy;

function policyWith(changes: Record<string, unknown>): Policy {
  return policySchema.parse({ ...JSON.parse(JSON.stringify(DEFAULT_POLICY)), ...changes });
}

/** The ConfigMap an example DELETE review carries as oldObject, optionally annotated. */
function configMap(annotations?: Record<string, string>): JsonObject {
  const live = cloneJson(rawReview("configmap-delete.json").request.oldObject as JsonObject);
  if (annotations) (live["metadata"] as JsonObject)["annotations"] = annotations;
  return live;
}

function deletion(live: JsonObject | undefined, policy: Policy, subject: Partial<Parameters<typeof decideDeletion>[0]["subject"]> = {}): ReturnType<typeof decideDeletion> {
  const kind = typeof live?.["kind"] === "string" ? live["kind"] : "ConfigMap";
  const metadata = (live?.["metadata"] ?? {}) as JsonObject;
  return decideDeletion({
    policy,
    subject: {
      group: "", kind, namespace: String(metadata["namespace"] ?? "web"), name: String(metadata["name"] ?? "api-config"),
      labels: metaMap(live, "labels"), owner: "flux", username: "jane", groups: ["system:authenticated"], ...subject,
    },
    live,
    guardNamespace: "gitops-guard",
  });
}

const PROTECT_CONFIGMAPS = policyWith({ deletionProtection: { kinds: ["ConfigMap"] } });

describe("decideDeletion", () => {
  it("allows deleting an unprotected object", () => {
    const decision = deletion(configMap(), DEFAULT_POLICY);
    assert.equal(decision.action, "allow");
    assert.equal(denialOf(decision), undefined);
    assert.deepEqual(decision.warnings, []);
  });

  it("denies with 403 deleting an object whose kind is protected, saying how to delete it on purpose", () => {
    const decision = deletion(configMap(), PROTECT_CONFIGMAPS);
    assert.equal(decision.action, "deny");
    assert.equal(decision.enforcedAction, "deny");
    assert.equal(denialOf(decision)?.code, 403);
    const message = denialOf(decision)?.message ?? "";
    assert.match(message, /^ConfigMap web\/api-config is protected from deletion/);
    assert.match(message, /kind ConfigMap is protected/);
    assert.match(message, /gitops-guard\.io\/protect: "false"/);
  });

  it("protects a kind only in its group when the policy names Kind.group", () => {
    assert.equal(deletion(configMap(), policyWith({ deletionProtection: { kinds: ["ConfigMap.example.io"] } })).action, "allow");
  });

  it("lets an object of a protected kind opt out with the annotation set to \"false\"", () => {
    const decision = deletion(configMap({ "gitops-guard.io/protect": "false" }), PROTECT_CONFIGMAPS);
    assert.equal(decision.action, "allow");
  });

  it("protects any object annotated \"true\", whatever its kind", () => {
    const decision = deletion(configMap({ "gitops-guard.io/protect": "true" }), DEFAULT_POLICY);
    assert.equal(decision.action, "deny");
    assert.equal(denialOf(decision)?.code, 403);
    assert.match(denialOf(decision)?.message ?? "", /gitops-guard\.io\/protect: "true"/);
  });

  it("reads the annotation name from the policy", () => {
    const policy = policyWith({ deletionProtection: { annotation: "example.com/keep" } });
    assert.equal(deletion(configMap({ "example.com/keep": "true" }), policy).action, "deny");
    assert.equal(deletion(configMap({ "gitops-guard.io/protect": "true" }), policy).action, "allow");
  });

  it("ignores annotation values other than \"true\" and \"false\"", () => {
    assert.equal(deletion(configMap({ "gitops-guard.io/protect": "yes" }), DEFAULT_POLICY).action, "allow");
    assert.equal(deletion(configMap({ "gitops-guard.io/protect": "no" }), PROTECT_CONFIGMAPS).action, "deny");
  });

  it("audit: allows a protected deletion and records that enforce would deny", () => {
    const decision = deletion(configMap(), policyWith({ mode: "audit", deletionProtection: { kinds: ["ConfigMap"] } }));
    assert.equal(decision.action, "allow");
    assert.equal(decision.enforcedAction, "deny");
    assert.equal(decision.mode, "audit");
    assert.equal(denialOf(decision), undefined);
  });

  it("off: allows everything", () => {
    const decision = deletion(configMap(), policyWith({ mode: "off", deletionProtection: { kinds: ["ConfigMap"] } }));
    assert.equal(decision.action, "allow");
    assert.equal(decision.enforcedAction, "allow");
    assert.equal(decision.mode, "off");
  });

  it("exempts namespaces, users, groups and kinds, and kube-system and the guard's namespace always", () => {
    const cases: [Policy, Parameters<typeof deletion>[2]][] = [
      [policyWith({ deletionProtection: { kinds: ["ConfigMap"] }, exemptions: { namespaces: ["web"] } }), {}],
      [PROTECT_CONFIGMAPS, { namespace: "kube-system" }],
      [PROTECT_CONFIGMAPS, { namespace: "gitops-guard" }],
      [policyWith({ deletionProtection: { kinds: ["ConfigMap"] }, exemptions: { users: ["jane"] } }), {}],
      [policyWith({ deletionProtection: { kinds: ["ConfigMap"] }, exemptions: { groups: ["system:authenticated"] } }), {}],
      [policyWith({ deletionProtection: { kinds: ["ConfigMap"] }, exemptions: { kinds: ["ConfigMap"] } }), {}],
    ];
    for (const [policy, subject] of cases) {
      const decision = deletion(configMap(), policy, subject);
      assert.equal(decision.action, "allow", JSON.stringify(subject));
      assert.match(decision.reason, /is exempt/);
    }
  });

  it("warns when deleting an unprotected data-bearing object", () => {
    const pvc = loadPair("rules/core/pvc-shrink.yaml").old;
    const decision = deletion(pvc, DEFAULT_POLICY);
    assert.equal(decision.action, "warn");
    assert.deepEqual(decision.warnings, ["deleting PersistentVolumeClaim db/data-postgres-0 deletes its data"]);
    assert.ok(decision.warnings.every((w) => w.length <= MAX_WARNING_CHARS));
  });

  it("does not warn about a data-bearing deletion in audit mode", () => {
    const pvc = loadPair("rules/core/pvc-shrink.yaml").old;
    const decision = deletion(pvc, policyWith({ mode: "audit" }));
    assert.equal(decision.action, "allow");
    assert.deepEqual(decision.warnings, []);
  });

  it("denies a protected data-bearing kind", () => {
    const pvc = loadPair("rules/core/pvc-shrink.yaml").old;
    const decision = deletion(pvc, policyWith({ deletionProtection: { kinds: ["PersistentVolumeClaim"] } }));
    assert.equal(denialOf(decision)?.code, 403);
  });

  it("protects by kind when the live object is unknown", () => {
    const decision = deletion(undefined, PROTECT_CONFIGMAPS, { kind: "ConfigMap", namespace: "web", name: "gone" });
    assert.equal(denialOf(decision)?.code, 403);
  });

  it("never reports findings or reverts anything", () => {
    for (const policy of [DEFAULT_POLICY, PROTECT_CONFIGMAPS]) {
      const decision = deletion(configMap(), policy);
      assert.deepEqual(decision.findings, []);
      assert.deepEqual(revertOf(decision), []);
    }
  });
});
