import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Command } from "commander";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";
import { parsePolicyText } from "../../src/adapters/fs/read-policy-file.ts";
import { registerServe } from "../../src/cli/serve.ts";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";

const BASE = join(packageRoot(), "manifests", "base");
const PRODUCTION = join(packageRoot(), "manifests", "production");

function documents(dir = BASE): JsonObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJSON() as unknown))
    .filter(isJsonObject);
}

const byKind = (kind: string, dir = BASE): JsonObject[] => documents(dir).filter((d) => d["kind"] === kind);

describe("manifests/base", () => {
  it("lists every manifest in kustomization.yaml", () => {
    const kustomization = readFileSync(join(BASE, "kustomization.yaml"), "utf8");
    for (const file of readdirSync(BASE).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
      assert.ok(kustomization.includes(`- ${file}`), `${file} is listed`);
    }
  });

  it("ships a policy ConfigMap that validates", () => {
    const [configMap] = byKind("ConfigMap");
    assert.ok(configMap);
    const text = (configMap["data"] as JsonObject)["policy.yaml"];
    assert.equal(typeof text, "string");
    const result = parsePolicyText(String(text));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  });

  it("registers webhooks that fail open, have no side effects, answer within 3 s and skip kube-system and the guard's namespace", () => {
    const webhooks = [...byKind("MutatingWebhookConfiguration"), ...byKind("ValidatingWebhookConfiguration")].flatMap((c) => c["webhooks"] as JsonObject[]);
    assert.equal(webhooks.length, 2);
    for (const hook of webhooks) {
      assert.equal(hook["sideEffects"], "None");
      assert.equal(hook["failurePolicy"], "Ignore");
      assert.ok(Number(hook["timeoutSeconds"]) <= 3);
      assert.deepEqual(hook["admissionReviewVersions"], ["v1", "v1beta1"]);
      const selector = JSON.stringify(hook["namespaceSelector"]);
      for (const ns of ["kube-system", "gitops-guard"]) assert.ok(selector.includes(ns), `${String(hook["name"])} skips ${ns}`);
    }
  });

  it("starts serve with flags serve actually has", () => {
    const program = new Command();
    registerServe(program, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: false, env: {}, onSignal: () => undefined }, () => undefined);
    const serve = program.commands.find((c) => c.name() === "serve");
    assert.ok(serve);
    const known = new Set(serve.options.map((o) => o.long));
    const [deployment] = byKind("Deployment");
    const containers = ((deployment!["spec"] as JsonObject)["template"] as JsonObject)["spec"] as JsonObject;
    const args = ((containers["containers"] as JsonObject[])[0]!["args"] as string[]);
    assert.equal(args[0], "serve");
    for (const arg of args.slice(1)) assert.ok(known.has(arg.split("=")[0]!), `serve knows ${arg}`);
  });
});

describe("manifests/base: watch", () => {
  it("runs watch with two replicas, flags watch actually has, POD_NAME and POD_NAMESPACE, health on its own port", async () => {
    const { registerWatch } = await import("../../src/cli/watch.ts");
    const program = new Command();
    registerWatch(program, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: false, env: {}, onSignal: () => undefined }, () => undefined);
    const known = new Set(program.commands.find((c) => c.name() === "watch")!.options.map((o) => o.long));
    const deployment = byKind("Deployment").find((d) => (d["metadata"] as JsonObject)["name"] === "gitops-guard-watch")!;
    const spec = deployment["spec"] as JsonObject;
    assert.equal(spec["replicas"], 2);
    const container = (((spec["template"] as JsonObject)["spec"] as JsonObject)["containers"] as JsonObject[])[0]!;
    const args = container["args"] as string[];
    assert.equal(args[0], "watch");
    for (const arg of args.slice(1)) assert.ok(known.has(arg.split("=")[0]!), `watch knows ${arg}`);
    assert.deepEqual((container["env"] as JsonObject[]).map((e) => e["name"]), ["POD_NAMESPACE", "POD_NAME"]);
    assert.equal(((container["readinessProbe"] as JsonObject)["httpGet"] as JsonObject)["path"], "/readyz");
  });

  it("gives watch what recovery and replacement need and no more: no Secrets, no update of workloads, no wildcard, the Lease by name", () => {
    const role = byKind("ClusterRole").find((r) => (r["metadata"] as JsonObject)["name"] === "gitops-guard-watch")!;
    const rules = role["rules"] as JsonObject[];
    const text = JSON.stringify(rules);
    assert.doesNotMatch(text, /"\*"|secrets|"update"|escalate|bind|impersonate/);
    const verbsOf = (resource: string): string[] => rules.filter((r) => (r["resources"] as string[]).includes(resource)).flatMap((r) => r["verbs"] as string[]);
    assert.deepEqual(verbsOf("kustomizations"), ["get", "list", "watch", "patch"]);
    assert.deepEqual(verbsOf("deployments"), ["get", "list", "watch", "create", "delete"]);
    assert.deepEqual(verbsOf("pods"), ["get", "list", "watch", "delete"]);
    assert.deepEqual(verbsOf("services"), ["get", "list", "watch", "patch"]);
    assert.deepEqual(verbsOf("applications"), ["get", "list", "watch", "patch"]);
    assert.deepEqual(verbsOf("jobs"), ["get", "list", "watch", "create", "delete", "patch"]);
    assert.deepEqual(verbsOf("poddisruptionbudgets"), ["get", "list", "watch", "patch"]);
    assert.deepEqual(verbsOf("networkpolicies"), ["get", "list", "watch", "patch"]);
    const lease = byKind("Role").find((r) => (r["metadata"] as JsonObject)["name"] === "gitops-guard-watch-lease")!;
    const named = (lease["rules"] as JsonObject[]).find((r) => r["resourceNames"] !== undefined)!;
    assert.deepEqual(named["resourceNames"], ["gitops-guard-watch"]);
    const journal = byKind("Role").find((r) => (r["metadata"] as JsonObject)["name"] === "gitops-guard-watch-journal")!;
    assert.deepEqual((journal["rules"] as JsonObject[]).map((r) => r["resources"]), [["configmaps"]]);
    assert.equal((journal["metadata"] as JsonObject)["namespace"], "gitops-guard", "the journal Role is namespaced to the guard");
  });

  it("writes the reason for every RBAC rule as a comment before it", () => {
    for (const file of ["serve-rbac.yaml", "watch-rbac.yaml"]) {
      const text = readFileSync(join(BASE, file), "utf8");
      const rules = text.split("\n").filter((l) => /^ {2}- apiGroups:/.test(l)).length;
      const reasons = text.split("\n").filter((l, i, all) => /^ {2}# \S/.test(l) && /^ {2}- apiGroups:/.test(all[i + 1] ?? "")).length;
      assert.ok(rules > 0);
      assert.equal(reasons, rules, `${file}: one reason per rule`);
    }
  });

  it("alerts on stuck, immutable, slow, escalated, replacements rolled back, recovery escalated, no leader and watch disconnected, on metrics watch exports", async () => {
    const rule = byKind("PrometheusRule", PRODUCTION).find((r) => (r["metadata"] as JsonObject)["name"] === "gitops-guard-watch")!;
    const rules = ((rule["spec"] as JsonObject)["groups"] as JsonObject[]).flatMap((g) => g["rules"] as JsonObject[]);
    assert.deepEqual(rules.map((r) => r["alert"]), [
      "GitopsGuardReconciliationStuck", "GitopsGuardImmutableConflict", "GitopsGuardReconciliationSlow",
      "GitopsGuardReconciliationEscalated", "GitopsGuardReplacementRolledBack", "GitopsGuardRecoveryEscalated", "GitopsGuardWatchNoLeader", "GitopsGuardWatchDisconnected",
    ]);
    const { createWatchMetrics } = await import("../../src/adapters/metrics/watch-metrics.ts");
    const { createReplaceMetrics } = await import("../../src/adapters/metrics/replace-metrics.ts");
    // run-watch registers the replacement metrics on watch's registry.
    const watchRegistry = createWatchMetrics().registry;
    createReplaceMetrics(watchRegistry);
    const exported = new Set((await watchRegistry.getMetricsAsJSON()).map((m) => m.name));
    for (const r of rules) {
      for (const name of String(r["expr"]).match(/gitops_guard_[a-z_]+/g) ?? []) assert.ok(exported.has(name), `${String(r["alert"])} uses ${name}, which watch exports`);
    }
  });
});
