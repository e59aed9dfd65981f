import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ALWAYS_EXEMPT_NAMESPACES, exemptionReason, findOverride, kindRefMatches, type MatchSubject,
} from "../../../src/core/policy/match-policy.ts";
import { policySchema, type Policy } from "../../../src/core/policy/policy-schema.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

function policyFixture(relative: string): Policy {
  const result = parsePolicyText(readFileSync(join(FIXTURES, relative), "utf8"));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value.policy;
}

const OVERRIDES = policyFixture("decide/policy-overrides.yaml");
const VALID = policyFixture("policy/valid-policy.yaml");

function subject(overrides: Partial<MatchSubject> = {}): MatchSubject {
  return { group: "apps", kind: "Deployment", namespace: "shop", labels: new Map(), owner: "flux", username: "jane", groups: ["devs"], ...overrides };
}

describe("kindRefMatches", () => {
  const cases: [string, string, string, boolean][] = [
    ["Deployment", "apps", "Deployment", true],
    ["Deployment", "example.io", "Deployment", true],
    ["Deployment.apps", "apps", "Deployment", true],
    ["Deployment.apps", "example.io", "Deployment", false],
    ["Lease.coordination.k8s.io", "coordination.k8s.io", "Lease", true],
    ["Lease.coordination.k8s.io", "", "Lease", false],
    ["Event", "", "Event", true],
    ["Event.events.k8s.io", "", "Event", false],
    ["ConfigMap", "", "Secret", false],
    ["deployment", "apps", "Deployment", false],
  ];
  for (const [ref, group, kind, expected] of cases) {
    it(`${ref} vs ${group || "core"}/${kind} → ${expected}`, () => {
      assert.equal(kindRefMatches(ref, group, kind), expected);
    });
  }
});

describe("findOverride", () => {
  it("returns the first entry whose match holds", () => {
    assert.equal(findOverride(OVERRIDES, subject({ namespace: "web" }))?.name, "web-deployments-warn");
    assert.equal(findOverride(OVERRIDES, subject({ namespace: "web", kind: "StatefulSet" }))?.name, "web-deny");
    assert.equal(findOverride(OVERRIDES, subject({ kind: "StatefulSet" }))?.name, "statefulsets-orphan");
  });

  it("requires every label of the match; \"*\" matches any value", () => {
    assert.equal(findOverride(OVERRIDES, subject({ labels: new Map(Object.entries({ track: "canary" })) }))?.name, "canary-allow");
    assert.equal(findOverride(OVERRIDES, subject({ labels: new Map(Object.entries({ track: "stable" })) })), undefined);
    const policy = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", overrides: [{ match: { labels: { tier: "*", app: "api" } }, action: "warn" }] });
    assert.ok(findOverride(policy, subject({ labels: new Map(Object.entries({ tier: "anything", app: "api" })) })));
    assert.equal(findOverride(policy, subject({ labels: new Map(Object.entries({ app: "api" })) })), undefined);
    assert.equal(findOverride(policy, subject({ labels: new Map(Object.entries({ tier: "x", app: "web" })) })), undefined);
  });

  it("matches owners", () => {
    assert.equal(findOverride(OVERRIDES, subject({ owner: "argocd" }))?.name, "argocd-apps");
    assert.equal(findOverride(OVERRIDES, subject({ owner: "helm" })), undefined);
  });

  it("matches a namespaced entry never to a cluster-scoped object", () => {
    assert.equal(findOverride(OVERRIDES, subject({ namespace: "", kind: "ClusterRole", group: "rbac.authorization.k8s.io" })), undefined);
    const any = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", overrides: [{ action: "warn" }] });
    assert.ok(findOverride(any, subject({ namespace: "" })), "an empty match matches everything");
  });

  it("is undefined without overrides", () => {
    assert.equal(findOverride(VALID, subject({ namespace: "dev" })), undefined);
  });
});

describe("exemptionReason", () => {
  it("always exempts kube-system and the guard's own namespace", () => {
    assert.deepEqual([...ALWAYS_EXEMPT_NAMESPACES], ["kube-system"]);
    assert.equal(exemptionReason(OVERRIDES, subject({ namespace: "kube-system" }), "gitops-guard"), "namespace kube-system is exempt");
    assert.equal(exemptionReason(OVERRIDES, subject({ namespace: "guard" }), "guard"), "namespace guard is exempt");
  });

  it("exempts the policy's namespaces, users, groups and kinds", () => {
    assert.equal(exemptionReason(VALID, subject({ namespace: "monitoring" }), "gitops-guard"), "namespace monitoring is exempt");
    assert.equal(exemptionReason(VALID, subject({ username: "system:serviceaccount:ops:break-glass" }), "gitops-guard"), "user system:serviceaccount:ops:break-glass is exempt");
    const policy = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", exemptions: { groups: ["admins"], kinds: ["Lease.coordination.k8s.io"] } });
    assert.equal(exemptionReason(policy, subject({ groups: ["devs", "admins"] }), "g"), "group admins is exempt");
    assert.equal(exemptionReason(policy, subject({ group: "coordination.k8s.io", kind: "Lease" }), "g"), "kind Lease.coordination.k8s.io is exempt");
  });

  it("does not exempt anything else", () => {
    assert.equal(exemptionReason(VALID, subject(), "gitops-guard"), undefined);
    assert.equal(exemptionReason(VALID, subject({ namespace: "" }), "gitops-guard"), undefined);
    assert.equal(exemptionReason(VALID, subject({ username: undefined, groups: undefined }), "gitops-guard"), undefined);
  });

  it("never exempts a cluster-scoped object because of the guard namespace being empty", () => {
    assert.equal(exemptionReason(VALID, subject({ namespace: "" }), ""), undefined);
  });
});

describe("findOverride with label keys named like Object.prototype members", () => {
  it("matches a label named constructor only when the object has it", () => {
    const policy = policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", overrides: [{ match: { labels: { constructor: "*" } }, action: "warn" }] });
    assert.equal(findOverride(policy, subject({ labels: new Map() })), undefined);
    assert.ok(findOverride(policy, subject({ labels: new Map([["constructor", "x"]]) })));
  });
});
