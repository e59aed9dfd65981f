import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { Environment } from "@marcbachmann/cel-js";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";
import { INSTALL_VARIANTS } from "../../src/core/install/install-variants.ts";
import { runCli } from "../support/run-cli.ts";
import { schemaProblem, unknownFieldProblems } from "../support/kube-schemas.ts";

const MANIFESTS = join(packageRoot(), "manifests");
const PREVIOUS = join(packageRoot(), "test", "fixtures", "install", "previous");

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

function objectsOf(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJSON() as Obj).filter((o) => o !== null);
}

/** The export without its header comment lines (the files of a variant carry none). */
function body(exported: string): string {
  const lines = exported.split("\n");
  const first = lines.findIndex((l) => !l.startsWith("# gitops-guard install") && !l.startsWith("# Commit it") && !l.startsWith("# Certificates first"));
  return lines.slice(first).join("\n");
}

/** Every combination of the flags (2 × 2 × 4 × 2 × 2 × 2 = 128), each as argv. */
function flagCombinations(): string[][] {
  const out: string[][] = [];
  for (const certificates of ["self", "cert-manager"])
    for (const mode of ["audit", "enforce"])
      for (const components of ["serve,watch", "serve", "watch", "watch,serve"])
        for (const prometheus of [false, true])
          for (const replicas of ["1", "3"])
            for (const cidr of [false, true])
              out.push(["install", "--export", "--certificates", certificates, "--mode", mode, "--components", components, "--replicas", replicas,
                ...(prometheus ? ["--prometheus-operator"] : []), ...(cidr ? ["--control-plane-cidr", "172.18.0.0/16", "fd00::/64"] : [])]);
  return out;
}

/**
 * The API server's own rules for webhook configurations (ValidateMutatingWebhookConfiguration,
 * reference/admission-webhooks.md §2.3): what the OpenAPI schema cannot say.
 */
function webhookProblems(config: Obj): string[] {
  const problems: string[] = [];
  const webhooks = config["webhooks"] as Record<string, unknown>[];
  const names = new Set<string>();
  for (const hook of webhooks) {
    const name = String(hook["name"]);
    const at = (m: string): void => void problems.push(`${config.kind} ${name}: ${m}`);
    if (names.has(name)) at("webhook names must be unique");
    names.add(name);
    if (name.split(".").length < 3) at("name must be a fully qualified domain name with at least three segments");
    if (!["None", "NoneOnDryRun"].includes(String(hook["sideEffects"]))) at("sideEffects must be None or NoneOnDryRun in v1 (dry-run requests are refused otherwise)");
    const versions = hook["admissionReviewVersions"] as string[];
    if (!Array.isArray(versions) || versions.length === 0 || !versions.some((v) => v === "v1" || v === "v1beta1")) at("admissionReviewVersions must name v1 or v1beta1");
    const timeout = Number(hook["timeoutSeconds"]);
    if (!(timeout >= 1 && timeout <= 30)) at("timeoutSeconds must be 1 to 30");
    if (!["Ignore", "Fail"].includes(String(hook["failurePolicy"]))) at("failurePolicy must be Ignore or Fail");
    if (!["Exact", "Equivalent"].includes(String(hook["matchPolicy"]))) at("matchPolicy must be Exact or Equivalent");
    if (config.kind === "MutatingWebhookConfiguration" && !["Never", "IfNeeded"].includes(String(hook["reinvocationPolicy"]))) at("reinvocationPolicy must be Never or IfNeeded");
    if (config.kind === "ValidatingWebhookConfiguration" && "reinvocationPolicy" in hook) at("a validating webhook has no reinvocationPolicy");
    const client = hook["clientConfig"] as Record<string, unknown>;
    if (("url" in client) === ("service" in client)) at("clientConfig needs exactly one of url and service");
    const service = client["service"] as Record<string, unknown> | undefined;
    if (service && !(String(service["path"]).startsWith("/") && Number(service["port"]) >= 1 && Number(service["port"]) <= 65535)) at("service path must start with / and port be 1-65535");
    const conditions = (hook["matchConditions"] ?? []) as { name: string; expression: string }[];
    if (conditions.length > 64) at("at most 64 matchConditions");
    if (new Set(conditions.map((c) => c.name)).size !== conditions.length) at("matchCondition names must be unique");
    for (const c of conditions) {
      if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(c.name)) at(`matchCondition ${c.name}: not a qualified name`);
      problems.push(...celProblems(c.expression).map((p) => `${config.kind} ${name}: matchCondition ${c.name}: ${p}`));
    }
  }
  return problems;
}

/** Requests a matchCondition sees (request.resource as the API server fills it). */
const SAMPLE_REQUESTS = [
  { resource: { group: "", version: "v1", resource: "nodes" } },
  { resource: { group: "certificates.k8s.io", version: "v1", resource: "certificatesigningrequests" } },
  { resource: { group: "coordination.k8s.io", version: "v1", resource: "leases" } },
  { resource: { group: "apps", version: "v1", resource: "deployments" } },
];

/**
 * The variables kube-apiserver gives a matchCondition (admissionregistration.k8s.io/v1:
 * request, object, oldObject, authorizer; params is not used by webhooks).
 */
const MATCH_CONDITION_ENV = new Environment()
  .registerVariable("request", "dyn")
  .registerVariable("object", "dyn")
  .registerVariable("oldObject", "dyn")
  .registerVariable("authorizer", "dyn");

/** A matchCondition must parse, type-check and evaluate to a bool as CEL (the API server refuses anything else). */
function celProblems(expression: string): string[] {
  let program: ReturnType<Environment["parse"]>;
  try {
    program = MATCH_CONDITION_ENV.parse(expression);
  } catch (err) {
    return [`does not compile as CEL: ${(err as Error).message}`];
  }
  const checked = program.check();
  if (!checked.valid) return [`does not type-check as CEL: ${String(checked.error)}`];
  return SAMPLE_REQUESTS.flatMap((request) => {
    const result: unknown = program({ request, object: null, oldObject: null });
    return typeof result === "boolean" ? [] : [`evaluates to ${String(result)}, not a bool, for ${request.resource.resource}`];
  });
}

describe("manifests/: the kustomize variants", () => {
  it("are exactly the variants install knows, each a plain kustomization listing every file it holds", () => {
    assert.deepEqual(readdirSync(MANIFESTS).sort(), INSTALL_VARIANTS.map((v) => v.name).sort());
    for (const variant of INSTALL_VARIANTS) {
      const dir = join(MANIFESTS, variant.name);
      const kustomization = parseYaml(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Record<string, unknown>;
      assert.deepEqual(Object.keys(kustomization).sort(), ["apiVersion", "kind", "resources"], `${variant.name}: resources only, no patches`);
      assert.deepEqual([...(kustomization["resources"] as string[])].sort(), readdirSync(dir).filter((f) => f !== "kustomization.yaml").sort());
    }
  });

  for (const variant of INSTALL_VARIANTS) {
    it(`${variant.name}: the committed files equal install --export --variant ${variant.name}, file for file and as one stream`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "gitops-guard-install-"));
      try {
        const written = await runCli(["install", "--export", "--variant", variant.name, "--kustomize-dir", dir]);
        assert.equal(written.code, 0, written.stderr);
        const committed = join(MANIFESTS, variant.name);
        assert.deepEqual(readdirSync(dir).sort(), readdirSync(committed).sort());
        for (const file of readdirSync(dir)) {
          assert.equal(readFileSync(join(committed, file), "utf8"), readFileSync(join(dir, file), "utf8"), `manifests/${variant.name}/${file} is stale: run make manifests`);
        }
        const exported = await runCli(["install", "--export", "--variant", variant.name]);
        assert.equal(exported.code, 0, exported.stderr);
        const files = (parseYaml(readFileSync(join(committed, "kustomization.yaml"), "utf8")) as { resources: string[] }).resources;
        assert.equal(body(exported.stdout), files.map((f) => readFileSync(join(committed, f), "utf8")).join("---\n"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("every variant and every install --export flag combination", () => {
  it("validates against the Kubernetes OpenAPI schemas (and cert-manager's and the Prometheus Operator's), has no field the API does not know, and passes the API server's webhook rules", async () => {
    const runs = [...INSTALL_VARIANTS.map((v) => ["install", "--export", "--variant", v.name]), ...flagCombinations()];
    assert.equal(runs.length, 4 + 128);
    const kinds = new Set<string>();
    for (const argv of runs) {
      const result = await runCli(argv);
      assert.equal(result.code, 0, `${argv.join(" ")}: ${result.stderr}`);
      const objects = objectsOf(result.stdout);
      const ids = objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
      assert.equal(new Set(ids).size, ids.length, `${argv.join(" ")}: no object twice`);
      for (const object of objects) {
        kinds.add(object.kind);
        assert.equal(schemaProblem(object), undefined, `${argv.join(" ")}: ${object.kind} ${object.metadata.name}`);
        assert.deepEqual(unknownFieldProblems(object), [], `${argv.join(" ")}: ${object.kind} ${object.metadata.name}`);
        if (object.kind.endsWith("WebhookConfiguration")) assert.deepEqual(webhookProblems(object), [], argv.join(" "));
      }
    }
    assert.deepEqual([...kinds].sort(), [
      "Certificate", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Issuer", "MutatingWebhookConfiguration", "Namespace",
      "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule", "Role", "RoleBinding", "Service", "ServiceAccount", "ServiceMonitor", "ValidatingWebhookConfiguration",
    ], "every kind the install can emit was validated");
  });

  it("the webhook rules and the schemas catch what they are there for (each check can fail)", async () => {
    const [mutating] = objectsOf((await runCli(["install", "--export"])).stdout).filter((o) => o.kind === "MutatingWebhookConfiguration");
    const broken = structuredClone(mutating!) as Obj;
    const hook = (broken["webhooks"] as Record<string, unknown>[])[0]!;
    hook["sideEffects"] = "Some";
    hook["timeoutSeconds"] = 31;
    hook["matchConditions"] = [{ name: "bad", expression: "request.resource.group ==" }, { name: "not-bool", expression: "request.resource.group" }];
    const problems = webhookProblems(broken).join("\n");
    assert.match(problems, /sideEffects must be None/);
    assert.match(problems, /timeoutSeconds must be 1 to 30/);
    assert.match(problems, /bad: does not compile as CEL/);
    assert.match(problems, /not-bool: evaluates to .*not a bool/);
    // The OpenAPI enum lists Some and Unknown too (v1beta1's values): only the API server's rule refuses them.
    assert.equal(schemaProblem(broken), undefined);
    hook["sideEffects"] = "Bogus";
    hook["admissionReviewVersions"] = "v1";
    assert.match(schemaProblem(broken) ?? "", /must be (equal to one of the allowed values|array)/);
    hook["timeoutSecond"] = 3;
    assert.deepEqual(unknownFieldProblems(broken), ["webhooks[0].timeoutSecond: unknown field (V1MutatingWebhook)"], "a misspelt field, which kubectl apply refuses");
  });
});

describe("the guard's own upgrade, checked by the guard", () => {
  // One snapshot per variant the previous release shipped (0.1.0: base and production, hand-written then).
  const previous = readdirSync(PREVIOUS).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length));
  it("has the previous release's install for base and production at least", () => {
    for (const variant of ["base", "production"]) assert.ok(previous.includes(variant), variant);
    for (const variant of previous) assert.ok(INSTALL_VARIANTS.some((v) => v.name === variant), `${variant} is still a variant`);
  });
  for (const variant of previous) {
    it(`${variant}: gitops-guard check from the previous release's install to this one finds nothing blocking`, async () => {
      const exported = await runCli(["install", "--export", "--variant", variant]);
      const result = await runCli(["check", "--before", join(PREVIOUS, `${variant}.yaml`), "--after", "-", "--format", "json"], exported.stdout);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const report = JSON.parse(result.stdout) as { summary: { blocking: number } };
      assert.equal(report.summary.blocking, 0);
    });
  }

  it("would fail on a selector change of our own Deployment (the lock-up the guard exists to prevent)", async () => {
    const exported = (await runCli(["install", "--export", "--variant", "base"])).stdout;
    const changed = exported.replace(/matchLabels:\n(\s+)app.kubernetes.io\/name: gitops-guard\n/, "matchLabels:\n$1app.kubernetes.io/name: gitops-guard\n$1app.kubernetes.io/component: webhook\n");
    assert.notEqual(changed, exported);
    const result = await runCli(["check", "--before", join(PREVIOUS, "base.yaml"), "--after", "-"], changed);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /spec\.selector/);
  });
});
