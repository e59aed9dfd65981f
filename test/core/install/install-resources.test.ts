import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../src/adapters/fs/package-root.ts";
import { DEFAULT_IMAGE, defaultInstallOptions, installOptionsSchema, WATCH_REPLICAS, type InstallOptionsInput } from "../../../src/core/install/install-options.ts";
import { installResources } from "../../../src/core/install/install-resources.ts";
import { installFlags } from "../../../src/core/install/install-flags.ts";
import { MATCH_CONDITIONS, WEBHOOK_TIMEOUT_SECONDS } from "../../../src/core/install/webhook-configurations.ts";
import { SERVE_ALERTS, WATCH_ALERTS } from "../../../src/core/install/monitoring-resources.ts";
import { createWatchMetrics } from "../../../src/adapters/metrics/watch-metrics.ts";
import { createReplaceMetrics } from "../../../src/adapters/metrics/replace-metrics.ts";
import { createAdmissionMetrics } from "../../../src/adapters/metrics/admission-metrics.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";

const objects = (input: InstallOptionsInput = {}): JsonObject[] => installResources(installOptionsSchema.parse(input)).map((r) => r.object);
const kinds = (input: InstallOptionsInput = {}): string[] => objects(input).map((o) => String(o["kind"]));
const named = (list: JsonObject[], kind: string, name: string): JsonObject | undefined =>
  list.find((o) => o["kind"] === kind && (o["metadata"] as JsonObject)["name"] === name);

describe("install options", () => {
  it("default to the documented values, and the image names package.json's version", () => {
    const d = defaultInstallOptions();
    assert.deepEqual(d, { namespace: "gitops-guard", image: DEFAULT_IMAGE, replicas: 2, certificates: "self", mode: "audit", components: ["serve", "watch"], prometheusOperator: false, controlPlaneCidrs: [], prometheusNamespace: "monitoring" });
    const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
    assert.equal(DEFAULT_IMAGE, `ghcr.io/gitops-guard/gitops-guard:${version}`);
    assert.deepEqual(installFlags(d), []);
  });

  it("refuse what the API server would refuse, naming the option", () => {
    const issues = (input: Record<string, unknown>): string[] => {
      const r = installOptionsSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    assert.match(issues({ namespace: "Gitops_Guard" }).join(), /^namespace: a DNS-1123 label/);
    assert.match(issues({ namespace: "a".repeat(64) }).join(), /^namespace:/);
    assert.match(issues({ replicas: 0 }).join(), /^replicas:/);
    assert.match(issues({ replicas: 11 }).join(), /^replicas:/);
    assert.match(issues({ components: [] }).join(), /at least one of serve, watch/);
    assert.match(issues({ components: ["serve", "audit"] }).join(), /^components\.1:/);
    assert.match(issues({ controlPlaneCidrs: ["10.0.0.0"] }).join(), /a CIDR/);
    assert.match(issues({ image: "nginx latest" }).join(), /^image:/);
    assert.match(issues({ mode: "off" }).join(), /^mode:/);
    assert.match(issues(JSON.parse('{"__proto__": {"replicas": 0}}') as Record<string, unknown>).join(), /__proto__/, "an unknown key is refused, __proto__ included");
  });

  it("give back the flags that make them, in a fixed order (the header of every output)", () => {
    const options = installOptionsSchema.parse({ namespace: "guard", replicas: 3, components: ["watch", "serve"], prometheusOperator: true, controlPlaneCidrs: ["10.0.0.0/16"], certificates: "cert-manager", mode: "enforce" });
    assert.deepEqual(options.components, ["serve", "watch"], "components in one order, whatever order they are given in");
    assert.deepEqual(installFlags(options), ["--namespace", "guard", "--replicas", "3", "--certificates", "cert-manager", "--mode", "enforce", "--prometheus-operator", "--control-plane-cidr", "10.0.0.0/16"]);
  });
});

describe("installResources", () => {
  it("applies the webhook configurations last, after everything that answers them", () => {
    for (const input of [{}, { certificates: "cert-manager" as const, prometheusOperator: true, controlPlaneCidrs: ["10.0.0.0/8"] }]) {
      const list = kinds(input);
      assert.equal(list[0], "Namespace");
      assert.deepEqual(list.slice(-2), ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
    }
  });

  it("puts every namespaced object in the namespace asked for, and the webhooks skip it", () => {
    const list = objects({ namespace: "guard" });
    const cluster = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
    for (const o of list) {
      const meta = o["metadata"] as JsonObject;
      assert.equal(meta["namespace"], cluster.has(String(o["kind"])) ? undefined : "guard", `${String(o["kind"])} ${String(meta["name"])}`);
    }
    const text = JSON.stringify(list);
    assert.doesNotMatch(text, /"gitops-guard\/|namespace":"gitops-guard"/, "no trace of the default namespace");
    assert.match(text, /"--policy-configmap=guard\/gitops-guard-policy"/);
    const hooks = list.filter((o) => String(o["kind"]).endsWith("WebhookConfiguration")).flatMap((c) => c["webhooks"] as JsonObject[]);
    for (const hook of hooks) {
      assert.deepEqual(((hook["namespaceSelector"] as JsonObject)["matchExpressions"] as JsonObject[])[0]!["values"], ["kube-system", "kube-node-lease", "guard"]);
      assert.equal(hook["timeoutSeconds"], WEBHOOK_TIMEOUT_SECONDS);
      assert.equal(hook["failurePolicy"], "Ignore");
      assert.deepEqual(hook["matchConditions"], MATCH_CONDITIONS);
    }
  });

  it("sends the mutating webhook every UPDATE and, of CREATEs, only HelmReleases (recovery.helmRemediationDefault); the validating webhook no CREATE", () => {
    const list = objects();
    const rulesOf = (kind: string): JsonObject[] => ((named(list, kind, "gitops-guard")!["webhooks"] as JsonObject[])[0]!["rules"] as JsonObject[]);
    const creates = rulesOf("MutatingWebhookConfiguration").filter((r) => (r["operations"] as string[]).includes("CREATE"));
    assert.deepEqual(creates, [{ operations: ["CREATE"], apiGroups: ["helm.toolkit.fluxcd.io"], apiVersions: ["*"], resources: ["helmreleases"], scope: "Namespaced" }]);
    assert.ok(rulesOf("ValidatingWebhookConfiguration").every((r) => !(r["operations"] as string[]).includes("CREATE")));
  });

  it("with self certificates: an empty caBundle for certs --inject, no Secret, no key material, no cert-manager", () => {
    const list = objects();
    assert.ok(!kinds().includes("Secret"), "the Secret is created from files, never exported (docs/install.md)");
    assert.ok(!kinds().includes("Certificate"));
    const hooks = list.filter((o) => String(o["kind"]).endsWith("WebhookConfiguration"));
    for (const c of hooks) {
      assert.equal((c["metadata"] as JsonObject)["annotations"], undefined);
      for (const hook of c["webhooks"] as JsonObject[]) assert.equal((hook["clientConfig"] as JsonObject)["caBundle"], "");
    }
    assert.doesNotMatch(JSON.stringify(list), /ca\.key|PRIVATE KEY/);
  });

  it("with cert-manager: a CA chain, a serving Certificate into the Secret serve mounts, inject-ca-from on both webhooks and no caBundle to fight cainjector over", () => {
    const list = objects({ certificates: "cert-manager", namespace: "guard" });
    const serving = named(list, "Certificate", "gitops-guard-serving")!;
    const spec = serving["spec"] as JsonObject;
    assert.equal(spec["secretName"], "gitops-guard-tls");
    assert.deepEqual(spec["dnsNames"], ["gitops-guard.guard.svc", "gitops-guard.guard.svc.cluster.local"]);
    assert.deepEqual(spec["issuerRef"], { group: "cert-manager.io", kind: "Issuer", name: "gitops-guard-ca" });
    assert.equal((named(list, "Certificate", "gitops-guard-ca")!["spec"] as JsonObject)["isCA"], true);
    const deployment = named(list, "Deployment", "gitops-guard")!;
    assert.match(JSON.stringify(deployment), /"secretName":"gitops-guard-tls"/);
    for (const c of list.filter((o) => String(o["kind"]).endsWith("WebhookConfiguration"))) {
      assert.deepEqual((c["metadata"] as JsonObject)["annotations"], { "cert-manager.io/inject-ca-from": "guard/gitops-guard-serving" });
      for (const hook of c["webhooks"] as JsonObject[]) assert.ok(!("caBundle" in (hook["clientConfig"] as JsonObject)));
    }
  });

  it("installs only the components asked for; watch alone has no webhooks and no certificates", () => {
    assert.deepEqual(kinds({ components: ["watch"], certificates: "cert-manager" }).filter((k) => /Webhook|Certificate|Issuer/.test(k)), []);
    assert.ok(!JSON.stringify(objects({ components: ["serve"] })).includes("gitops-guard-watch"));
  });

  it("runs serve with the replicas asked for and watch with two (one when serve has one), each with a PDB that never blocks a drain for good", () => {
    for (const replicas of [1, 2, 5]) {
      const list = objects({ replicas });
      assert.equal((named(list, "Deployment", "gitops-guard")!["spec"] as JsonObject)["replicas"], replicas);
      assert.equal((named(list, "Deployment", "gitops-guard-watch")!["spec"] as JsonObject)["replicas"], Math.min(WATCH_REPLICAS, replicas));
      for (const pdb of list.filter((o) => o["kind"] === "PodDisruptionBudget")) assert.deepEqual(Object.keys(pdb["spec"] as JsonObject), ["maxUnavailable", "selector"]);
    }
  });

  it("starts the policy in the mode asked for, and the policy validates", () => {
    for (const mode of ["audit", "enforce"] as const) {
      const configMap = named(objects({ mode }), "ConfigMap", "gitops-guard-policy")!;
      const parsed = parsePolicyText(String((configMap["data"] as JsonObject)["policy.yaml"]));
      assert.ok(parsed.ok);
      assert.equal(parsed.value.policy.mode, mode);
    }
  });

  it("adds the NetworkPolicy only with control-plane CIDRs (one that misses the API server turns the guard off)", () => {
    assert.ok(!kinds().includes("NetworkPolicy"));
    const policy = named(objects({ controlPlaneCidrs: ["10.0.0.0/16", "fd00::/64"] }), "NetworkPolicy", "gitops-guard-webhook")!;
    const ingress = (policy["spec"] as JsonObject)["ingress"] as JsonObject[];
    assert.deepEqual(ingress[0]!["from"], [{ ipBlock: { cidr: "10.0.0.0/16" } }, { ipBlock: { cidr: "fd00::/64" } }]);
    assert.ok(!kinds({ components: ["watch"], controlPlaneCidrs: ["10.0.0.0/16"] }).includes("NetworkPolicy"));
  });

  it("adds PrometheusRules and ServiceMonitors only when asked, on metrics serve and watch export, selecting Services by labels they carry", async () => {
    assert.ok(!kinds().some((k) => k === "PrometheusRule" || k === "ServiceMonitor"));
    const list = objects({ prometheusOperator: true });
    for (const monitor of list.filter((o) => o["kind"] === "ServiceMonitor")) {
      const wanted = ((monitor["spec"] as JsonObject)["selector"] as JsonObject)["matchLabels"] as JsonObject;
      const services = list.filter((o) => o["kind"] === "Service" && Object.entries(wanted).every(([k, v]) => ((o["metadata"] as JsonObject)["labels"] as JsonObject)[k] === v));
      assert.equal(services.length, 1, `${String((monitor["metadata"] as JsonObject)["name"])} selects one Service`);
    }
    // run-watch registers the replacement metrics on watch's registry.
    const watchRegistry = createWatchMetrics().registry;
    createReplaceMetrics(watchRegistry);
    const watchNames = new Set((await watchRegistry.getMetricsAsJSON()).map((m) => m.name));
    const serveNames = new Set((await createAdmissionMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const exported = (names: Set<string>, metric: string): boolean => names.has(metric) || names.has(metric.replace(/_(bucket|sum|count)$/, ""));
    for (const a of SERVE_ALERTS) for (const m of a.expr.match(/gitops_guard_[a-z_]+/g) ?? []) assert.ok(exported(serveNames, m), `${a.alert}: serve exports ${m}`);
    for (const a of WATCH_ALERTS) for (const m of a.expr.match(/gitops_guard_[a-z_]+/g) ?? []) assert.ok(exported(watchNames, m), `${a.alert}: watch exports ${m}`);
  });

  it("is pure: the same options give the same objects", () => {
    assert.deepEqual(objects({ certificates: "cert-manager" }), objects({ certificates: "cert-manager" }));
  });
});
