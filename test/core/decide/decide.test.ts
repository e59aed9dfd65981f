import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { changeDigest, decide, skipDecision, type DecideInput } from "../../../src/core/decide/decide.ts";
import { denialOf, revertOf, type Decision, type Mark } from "../../../src/core/decide/decision.ts";
import { MAX_WARNING_CHARS } from "../../../src/core/decide/denial-message.ts";
import { MARK_ANNOTATIONS } from "../../../src/core/decide/mark-annotations.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import { cloneJson, type JsonObject } from "../../../src/core/k8s/json.ts";
import { groupOf, metaMap } from "../../../src/core/k8s/kube-object.ts";
import type { OwningTool } from "../../../src/core/owner/detect-owner.ts";
import { policySchema, type Policy } from "../../../src/core/policy/policy-schema.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { FIXTURES, loadPair } from "../../support/load-yaml.ts";
import { findingsFor } from "../../support/rule-case.ts";

const markOf = (decision: Decision): Mark | undefined => (decision.kind === "mark" ? decision.mark : undefined);

/** Flux's IsImmutableError (fluxcd/pkg ssa/errors/immutable.go): it recreates on these phrases. */
const FLUX_IMMUTABLE = [/is\simmutable/, /immutable\sfield/];

function policyFile(path: string): Policy {
  const result = parsePolicyText(readFileSync(path, "utf8"));
  if (!result.ok) throw new Error(`${path}: ${JSON.stringify(result.issues)}`);
  return result.value.policy;
}

const DEFAULT_POLICY = policyFile(defaultPolicyPath());
const OVERRIDES_POLICY = policyFile(join(FIXTURES, "decide", "policy-overrides.yaml"));

/** The default policy with some top-level keys replaced (parsed, so defaults fill the rest). */
function policyWith(changes: Record<string, unknown>): Policy {
  return policySchema.parse({ ...JSON.parse(JSON.stringify(DEFAULT_POLICY)), ...changes });
}

/** A decide input for a fixture pair: findings from the built-in catalogue, subject from the new object. */
function inputFor(fixture: string, owner: OwningTool, options: { policy?: Policy; subject?: Partial<DecideInput["subject"]>; live?: JsonObject } = {}): DecideInput {
  const pair = loadPair(fixture);
  const metadata = pair.new["metadata"] as JsonObject;
  return {
    findings: findingsFor(fixture),
    policy: options.policy ?? DEFAULT_POLICY,
    subject: {
      group: groupOf(String(pair.new["apiVersion"])),
      kind: String(pair.new["kind"]),
      namespace: typeof metadata["namespace"] === "string" ? metadata["namespace"] : "",
      name: String(metadata["name"]),
      labels: new Map([...metaMap(pair.old, "labels"), ...metaMap(pair.new, "labels")]),
      owner,
      username: "system:serviceaccount:flux-system:kustomize-controller",
      groups: ["system:serviceaccounts", "system:authenticated"],
      ...options.subject,
    },
    live: options.live ?? pair.old,
    guardNamespace: "gitops-guard",
  };
}

const SELECTOR = "rules/apps/deployment-selector-common-labels.yaml";
const PVC_SHRINK = "rules/core/pvc-shrink.yaml";

function conflictsOf(decision: Decision): Finding[] {
  return decision.findings.filter((f) => (f.class === "immutable" || f.class === "declared") && f.severity === "blocking");
}

function assertShortWarnings(decision: Decision): void {
  for (const w of decision.warnings) assert.ok(w.length <= MAX_WARNING_CHARS, `warning longer than ${MAX_WARNING_CHARS}: ${w}`);
}

describe("decide: defaults", () => {
  it("allows a change without findings", () => {
    const decision = decide(inputFor("rules/core/namespace-change.yaml", "flux"));
    assert.deepEqual(decision.findings, []);
    assert.equal(decision.action, "allow");
    assert.equal(decision.enforcedAction, "allow");
    assert.equal(decision.mode, "enforce");
    assert.deepEqual(revertOf(decision), []);
    assert.equal(denialOf(decision), undefined);
    assert.equal(decision.reason, "no findings");
  });

  it("marks a Flux-owned Deployment's selector change for recreate, reverting only the conflict", () => {
    const decision = decide(inputFor(SELECTOR, "flux"));
    assert.equal(decision.action, "mark");
    assert.equal(decision.enforcedAction, "mark");
    assert.equal(denialOf(decision), undefined);
    assert.equal(decision.strategy, "recreate");
    const conflicts = conflictsOf(decision);
    assert.deepEqual(conflicts.map((f) => f.path), ["spec.selector.matchLabels.tier"]);
    assert.deepEqual(revertOf(decision), conflicts);
    assert.deepEqual(markOf(decision), { strategy: "recreate", digest: changeDigest(conflicts), toolMarker: "flux" });
    assert.equal(decision.warnings.length, 1);
    assert.match(decision.warnings[0]!, /spec\.selector\.matchLabels\.tier.*recreate/);
    assertShortWarnings(decision);
  });

  it("denies the same change with 422 'field is immutable' when no tool in markOwners owns the object", () => {
    for (const owner of ["argocd", "helm", "kapp", "kubectl", "other"] as const) {
      const decision = decide(inputFor(SELECTOR, owner));
      assert.equal(decision.action, "deny", owner);
      assert.equal(denialOf(decision)?.code, 422, owner);
      assert.match(denialOf(decision)?.message ?? "", /Deployment web\/api: field is immutable/);
      assert.match(denialOf(decision)?.message ?? "", /spec\.selector\.matchLabels\.tier "fe" → "frontend"/);
      assert.deepEqual(revertOf(decision), []);
      assert.equal(markOf(decision), undefined);
    }
  });

  it("marks for every tool listed in markOwners, with the owning tool's own marker where it has one", () => {
    const policy = policyWith({ defaults: { markOwners: ["flux", "argocd", "helm"] } });
    assert.equal(markOf(decide(inputFor(SELECTOR, "argocd", { policy })))?.toolMarker, "argocd");
    const helm = decide(inputFor(SELECTOR, "helm", { policy }));
    assert.equal(helm.action, "mark");
    assert.equal(markOf(helm)?.toolMarker, undefined, "Helm has no live force marker");
    assert.equal(decide(inputFor(SELECTOR, "kapp", { policy })).action, "deny");
  });

  it("adds no tool marker for orphan-recreate (the tool must not delete with cascading)", () => {
    const policy = policyWith({ defaults: { strategy: "orphan-recreate" } });
    const decision = decide(inputFor(SELECTOR, "flux", { policy }));
    assert.equal(decision.action, "mark");
    assert.equal(decision.strategy, "orphan-recreate");
    assert.deepEqual(markOf(decision), { strategy: "orphan-recreate", digest: changeDigest(conflictsOf(decision)), toolMarker: undefined });
  });

  it("keeps every finding it considered, risky ones included", () => {
    const decision = decide(inputFor(SELECTOR, "flux"));
    assert.deepEqual(decision.findings, findingsFor(SELECTOR));
    assert.ok(decision.findings.some((f) => f.class === "risky"));
  });

  it("is pure: the same input gives the same decision", () => {
    const input = inputFor(SELECTOR, "flux");
    assert.deepEqual(decide(input), decide(input));
    assert.deepEqual(decide(input), decide(inputFor(SELECTOR, "flux")));
  });
});

describe("decide: conflict actions", () => {
  it("warn: allows, one short warning per conflict, nothing reverted", () => {
    const decision = decide(inputFor(SELECTOR, "flux", { policy: policyWith({ defaults: { owned: "warn" } }) }));
    assert.equal(decision.action, "warn");
    assert.equal(denialOf(decision), undefined);
    assert.deepEqual(revertOf(decision), []);
    assert.deepEqual(decision.warnings, ["spec.selector.matchLabels.tier cannot change in place: the apply will fail"]);
  });

  it("allow: allows with no warning and nothing reverted", () => {
    const decision = decide(inputFor(SELECTOR, "other", { policy: policyWith({ defaults: { unowned: "allow" } }) }));
    assert.equal(decision.action, "allow");
    assert.deepEqual(decision.warnings, []);
    assert.deepEqual(revertOf(decision), []);
    assert.equal(denialOf(decision), undefined);
  });

  it("deny: denies a Flux-owned object when owned is deny", () => {
    const decision = decide(inputFor(SELECTOR, "flux", { policy: policyWith({ defaults: { owned: "deny" } }) }));
    assert.equal(decision.action, "deny");
    assert.equal(denialOf(decision)?.code, 422);
  });

  it("cuts warnings to 120 characters however long the field path", () => {
    const longKey = `example.com/${"very-long-label-name-".repeat(8)}x`;
    const base = inputFor(SELECTOR, "flux");
    const findings = base.findings.map((f) => ({ ...f, path: `${f.path}[${longKey}]` }));
    for (const owned of ["warn", "mark"] as const) {
      const decision = decide({ ...base, findings, policy: policyWith({ defaults: { owned } }) });
      assert.ok(decision.warnings.length > 0, owned);
      assertShortWarnings(decision);
      assert.ok(decision.warnings.every((w) => w.endsWith("…")), owned);
    }
  });
});

describe("decide: overrides", () => {
  it("takes the first override whose match holds", () => {
    // Deployment in web: both web-deployments-warn and web-deny match; the first wins.
    const decision = decide(inputFor(SELECTOR, "flux", { policy: OVERRIDES_POLICY }));
    assert.equal(decision.action, "warn");
  });

  it("falls through to the next override when an earlier one does not match", () => {
    const decision = decide(inputFor("rules/core/secret-type-changed.yaml", "flux", { policy: OVERRIDES_POLICY, subject: { namespace: "web" } }));
    assert.equal(decision.action, "deny", "web-deny applies to a Secret in web");
  });

  it("applies an override to unowned objects too (overrides do not look at markOwners)", () => {
    const decision = decide(inputFor(SELECTOR, "other", { policy: OVERRIDES_POLICY, subject: { namespace: "shop", labels: new Map([["track", "canary"]]) } }));
    assert.equal(decision.action, "allow");
  });

  it("matches on owner", () => {
    const decision = decide(inputFor(SELECTOR, "argocd", { policy: OVERRIDES_POLICY, subject: { namespace: "shop" } }));
    assert.equal(decision.action, "mark");
    assert.equal(markOf(decision)?.toolMarker, "argocd");
  });

  it("uses the override's strategy", () => {
    const decision = decide(inputFor("decide/statefulset-retains-claims.yaml", "other", { policy: OVERRIDES_POLICY }));
    assert.equal(decision.action, "mark");
    assert.equal(decision.strategy, "orphan-recreate");
    assert.equal(markOf(decision)?.strategy, "orphan-recreate");
  });

  it("falls back to the defaults when no override matches", () => {
    const decision = decide(inputFor(SELECTOR, "other", { policy: OVERRIDES_POLICY, subject: { namespace: "shop" } }));
    assert.equal(decision.action, "deny");
    assert.equal(denialOf(decision)?.code, 422);
  });
});

describe("decide: data-bearing objects", () => {
  function assertDataDenial(decision: Decision, object: string): void {
    assert.equal(decision.action, "deny");
    assert.equal(decision.enforcedAction, "deny");
    assert.equal(denialOf(decision)?.code, 403);
    const message = denialOf(decision)?.message ?? "";
    for (const re of FLUX_IMMUTABLE) assert.doesNotMatch(message, re, "Flux must not read it as an immutable error");
    assert.ok(message.includes(object), message);
    assert.match(message, /migrate/);
    assert.deepEqual(revertOf(decision), []);
    assert.equal(markOf(decision), undefined);
  }

  it("denies a PVC change with 403 and no immutable wording, even when Flux owns it", () => {
    const decision = decide(inputFor(PVC_SHRINK, "flux"));
    assertDataDenial(decision, "PersistentVolumeClaim db/data-postgres-0");
    assert.match(denialOf(decision)?.message ?? "", /spec\.resources\.requests\.storage "20Gi" → "10Gi"/);
  });

  it("denies with 403 rather than 422 when the action is deny", () => {
    assertDataDenial(decide(inputFor(PVC_SHRINK, "other")), "PersistentVolumeClaim db/data-postgres-0");
  });

  it("treats a StatefulSet that deletes its claims (whenDeleted: Delete) as data-bearing", () => {
    assertDataDenial(decide(inputFor("decide/statefulset-deletes-claims.yaml", "flux")), "StatefulSet data/db");
  });

  it("marks a StatefulSet that retains its claims like any other object", () => {
    const decision = decide(inputFor("decide/statefulset-retains-claims.yaml", "flux"));
    assert.equal(decision.action, "mark");
  });

  it("judges the StatefulSet's retention policy on the live object", () => {
    const deletes = loadPair("decide/statefulset-deletes-claims.yaml");
    const retains = loadPair("decide/statefulset-retains-claims.yaml");
    assert.equal(denialOf(decide(inputFor("decide/statefulset-retains-claims.yaml", "flux", { live: deletes.old })))?.code, 403);
    assert.equal(decide(inputFor("decide/statefulset-deletes-claims.yaml", "flux", { live: retains.old })).action, "mark");
  });

  it("marks a data-bearing object when the matching override accepts data loss", () => {
    const decision = decide(inputFor(PVC_SHRINK, "flux", { policy: OVERRIDES_POLICY, subject: { labels: new Map([["data-loss", "accepted"]]) } }));
    assert.equal(decision.action, "mark");
    assert.equal(denialOf(decision), undefined);
    assert.ok(markOf(decision));
  });

  it("still denies a data-bearing object when the override marks without acceptDataLoss", () => {
    const policy = policyWith({ overrides: [{ match: { kinds: ["PersistentVolumeClaim"] }, action: "mark" }] });
    assertDataDenial(decide(inputFor(PVC_SHRINK, "flux", { policy })), "PersistentVolumeClaim db/data-postgres-0");
  });

  it("lets warn and allow through on data-bearing objects (nothing is recreated)", () => {
    assert.equal(decide(inputFor(PVC_SHRINK, "flux", { policy: policyWith({ defaults: { owned: "warn" } }) })).action, "warn");
    assert.equal(decide(inputFor(PVC_SHRINK, "flux", { policy: policyWith({ defaults: { owned: "allow" } }) })).action, "allow");
  });
});

describe("decide: the second call of a recreate mark", () => {
  function markedLive(fixture: string, replace: string, digest: string): JsonObject {
    const live = cloneJson(loadPair(fixture).old);
    const metadata = live["metadata"] as JsonObject;
    metadata["annotations"] = { [MARK_ANNOTATIONS.replace]: replace, [MARK_ANNOTATIONS.digest]: digest };
    return live;
  }

  it("denies with 422 'field is immutable' when the live object is marked for recreate with the same digest", () => {
    const first = decide(inputFor(SELECTOR, "flux"));
    const digest = markOf(first)!.digest;
    const second = decide(inputFor(SELECTOR, "flux", { live: markedLive(SELECTOR, "recreate", digest) }));
    assert.equal(second.action, "mark");
    assert.equal(denialOf(second)?.code, 422);
    assert.ok(FLUX_IMMUTABLE.some((re) => re.test(denialOf(second)?.message ?? "")), String(denialOf(second)?.message));
    assert.match(denialOf(second)?.message ?? "", /marked for recreate/);
    assert.deepEqual(revertOf(second), []);
    assert.equal(markOf(second), undefined);
  });

  it("marks again (allowed) when the desired value changed since the mark", () => {
    const decision = decide(inputFor(SELECTOR, "flux", { live: markedLive(SELECTOR, "recreate", "0000000000000000") }));
    assert.equal(decision.action, "mark");
    assert.equal(denialOf(decision), undefined);
    assert.ok(markOf(decision));
  });

  it("does not deny an object marked for orphan-recreate", () => {
    const digest = markOf(decide(inputFor(SELECTOR, "flux")))!.digest;
    const decision = decide(inputFor(SELECTOR, "flux", { live: markedLive(SELECTOR, "orphan-recreate", digest) }));
    assert.equal(denialOf(decision), undefined);
  });

  it("does not deny when the policy's strategy is no longer recreate", () => {
    const digest = markOf(decide(inputFor(SELECTOR, "flux")))!.digest;
    const policy = policyWith({ defaults: { strategy: "orphan-recreate" } });
    const decision = decide(inputFor(SELECTOR, "flux", { policy, live: markedLive(SELECTOR, "recreate", digest) }));
    assert.equal(denialOf(decision), undefined);
  });
});

describe("decide: restores and risky changes", () => {
  it("restores server-assigned values a replace dropped, with a warning saying so", () => {
    const decision = decide(inputFor("rules/batch/job-dropped-generated-selector.yaml", "kubectl"));
    assert.equal(decision.action, "restore");
    assert.ok(revertOf(decision).length > 0);
    assert.ok(revertOf(decision).every((f) => f.class === "server-assigned"));
    assert.ok(revertOf(decision).some((f) => f.path === "spec.selector"));
    assert.match(decision.warnings[0] ?? "", /^gitops-guard restored server-assigned/);
    assertShortWarnings(decision);
  });

  it("does not restore when the policy says restore: false", () => {
    const decision = decide(inputFor("rules/batch/job-dropped-generated-selector.yaml", "kubectl", { policy: policyWith({ restore: false }) }));
    assert.equal(decision.action, "allow");
    assert.deepEqual(revertOf(decision), []);
  });

  it("does not patch values the API server re-fills itself (severity info)", () => {
    const decision = decide(inputFor("rules/core/service-cluster-ip-dropped.yaml", "kubectl"));
    assert.ok(decision.findings.length > 0);
    assert.equal(decision.action, "allow");
    assert.deepEqual(revertOf(decision), []);
  });

  it("reverts server-assigned values along with the conflicts it marks", () => {
    const decision = decide(inputFor("decide/job-template-change-drops-selector.yaml", "flux"));
    assert.equal(decision.action, "mark");
    assert.deepEqual(revertOf(decision).map((f) => f.path).sort(), ["spec.selector", "spec.template.spec.containers[0].image"]);
    assert.deepEqual(markOf(decision)?.digest, changeDigest(conflictsOf(decision)), "the digest covers the conflicts only");
  });

  it("warns about risky changes, naming the path", () => {
    const decision = decide(inputFor("rules/risky/service-selector-change.yaml", "flux"));
    assert.equal(decision.action, "warn");
    assert.equal(decision.warnings.length, 2);
    assert.ok(decision.warnings.some((w) => w.startsWith("spec.selector.app: ")));
    assertShortWarnings(decision);
  });
});

describe("decide: modes", () => {
  it("audit: allows and changes nothing, but records what enforce would do", () => {
    const audit = policyWith({ mode: "audit" });
    const marked = decide(inputFor(SELECTOR, "flux", { policy: audit }));
    assert.equal(marked.action, "allow");
    assert.equal(marked.enforcedAction, "mark");
    assert.equal(marked.mode, "audit");
    assert.equal(denialOf(marked), undefined);
    assert.equal(markOf(marked), undefined);
    assert.deepEqual(revertOf(marked), []);
    assert.deepEqual(marked.warnings, []);
    assert.match(marked.reason, /^audit: /);
    assert.deepEqual(marked.findings, findingsFor(SELECTOR));

    const denied = decide(inputFor(PVC_SHRINK, "flux", { policy: audit }));
    assert.equal(denied.action, "allow");
    assert.equal(denied.enforcedAction, "deny");
    assert.equal(denialOf(denied), undefined);
  });

  it("off: allows everything, keeps the findings", () => {
    const decision = decide(inputFor(PVC_SHRINK, "flux", { policy: policyWith({ mode: "off" }) }));
    assert.equal(decision.action, "allow");
    assert.equal(decision.enforcedAction, "allow");
    assert.equal(decision.mode, "off");
    assert.equal(denialOf(decision), undefined);
    assert.ok(decision.findings.length > 0);
  });
});

describe("decide: exemptions", () => {
  const cases: [string, Record<string, unknown>, Partial<DecideInput["subject"]>, RegExp][] = [
    ["a listed namespace", { exemptions: { namespaces: ["web"] } }, {}, /namespace web is exempt/],
    ["kube-system, always", {}, { namespace: "kube-system" }, /namespace kube-system is exempt/],
    ["the guard's own namespace, always", {}, { namespace: "gitops-guard" }, /namespace gitops-guard is exempt/],
    ["a listed user", { exemptions: { users: ["system:serviceaccount:ops:break-glass"] } }, { username: "system:serviceaccount:ops:break-glass" }, /user .*break-glass is exempt/],
    ["a listed group", { exemptions: { groups: ["platform-admins"] } }, { groups: ["system:authenticated", "platform-admins"] }, /group platform-admins is exempt/],
    ["a listed kind (any group)", { exemptions: { kinds: ["Deployment"] } }, {}, /kind Deployment is exempt/],
    ["a listed kind.group", { exemptions: { kinds: ["Deployment.apps"] } }, {}, /kind Deployment\.apps is exempt/],
  ];
  for (const [name, policyChanges, subject, reason] of cases) {
    it(`allows ${name}`, () => {
      const decision = decide(inputFor(SELECTOR, "other", { policy: policyWith(policyChanges), subject }));
      assert.equal(decision.action, "allow");
      assert.equal(decision.enforcedAction, "allow");
      assert.equal(denialOf(decision), undefined);
      assert.match(decision.reason, reason);
    });
  }

  it("does not exempt a kind of another group", () => {
    const decision = decide(inputFor(SELECTOR, "other", { policy: policyWith({ exemptions: { kinds: ["Deployment.example.io"] } }) }));
    assert.equal(decision.action, "deny");
  });
});

describe("skipDecision", () => {
  it("allows with the reason given and no findings", () => {
    assert.deepEqual(skipDecision("CONNECT is always allowed", "audit"), {
      kind: "allow", action: "allow", enforcedAction: "allow", mode: "audit", findings: [], warnings: [], reason: "CONNECT is always allowed",
    });
  });
});

describe("changeDigest", () => {
  it("depends on paths and desired values, not on order or old values", () => {
    const findings = findingsFor("rules/apps/statefulset-servicename-podmanagement.yaml");
    assert.equal(findings.length, 2);
    assert.equal(changeDigest(findings), changeDigest([...findings].reverse()));
    assert.equal(changeDigest(findings), changeDigest(findings.map((f) => ({ ...f, from: "something else" }))));
    assert.notEqual(changeDigest(findings), changeDigest(findings.map((f) => ({ ...f, to: `${String(f.to)}-2` }))));
    assert.match(changeDigest(findings), /^[0-9a-f]{16}$/);
  });

  it("never depends on a Secret's values (an unkeyed hash of a short password is guessable offline), only on which paths are set", () => {
    const secret = { group: "", kind: "Secret" };
    const finding = (path: string, to: string | undefined): Finding => ({ ...findingsFor("rules/apps/statefulset-servicename-podmanagement.yaml")[0]!, path: `data.${path}`, segments: ["data", path], to });
    assert.equal(changeDigest([finding("password", "MTIzNA==")], secret), changeDigest([finding("password", "OTk5OQ==")], secret));
    assert.notEqual(changeDigest([finding("password", "MTIzNA==")], secret), changeDigest([finding("password", undefined)], secret));
    assert.notEqual(changeDigest([finding("password", "MTIzNA==")], secret), changeDigest([finding("token", "MTIzNA==")], secret));
    // Not a Secret: values count.
    const configMap = { group: "", kind: "ConfigMap" };
    assert.notEqual(changeDigest([finding("password", "MTIzNA==")], configMap), changeDigest([finding("password", "OTk5OQ==")], configMap));
  });
});
