import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isJsonObject, type JsonObject } from "../../src/core/k8s/json.ts";
import { FIXTURES } from "../support/load-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { StatusError } from "../support/kube-apiserver/status-error.ts";
import { runCli } from "../support/run-cli.ts";

const LIVE = join(FIXTURES, "check", "live");
const AFTER = join(LIVE, "after");

interface JsonResource {
  kind: string;
  name: string;
  change: string;
  findings: { ruleId: string; path: string; severity: string; from?: unknown; to?: unknown }[];
  cascade: { kind: string; name: string; effect: string }[];
  serverDryRun?: { outcome: string; operation?: string; code?: number; reason?: string; message?: string; fields?: string[]; agrees: boolean; note?: string };
}

interface JsonReport {
  summary: { added: number; modified: number; removed: number; unchanged: number; blocking: number };
  resources: JsonResource[];
  live?: { server: string; version: string; lists: number; objects: number; context: number; notListed: string[]; dryRun?: { sent: number; accepted: number; refused: number; disagreements: number } };
}

function liveObjects(): JsonObject[] {
  const list: unknown = JSON.parse(readFileSync(join(LIVE, "live-objects.json"), "utf8"));
  assert.ok(isJsonObject(list) && Array.isArray(list["items"]));
  return list["items"].filter(isJsonObject);
}

function resource(report: JsonReport, kind: string, name: string): JsonResource {
  const found = report.resources.find((r) => r.kind === kind && r.name === name);
  assert.ok(found, `${kind} ${name} in the report`);
  return found;
}

/** kube-apiserver's own immutability checks for the two kinds the fixture changes (the simulator has no per-kind validation). */
function refuseImmutableChanges(server: SimulatedApiServer): void {
  server.setValidator("deployments.apps", (request) => {
    const oldSelector = JSON.stringify(request.oldObject?.["spec"] && isJsonObject(request.oldObject["spec"]) ? request.oldObject["spec"]["selector"] : undefined);
    const newSelector = JSON.stringify(request.object?.["spec"] && isJsonObject(request.object["spec"]) ? request.object["spec"]["selector"] : undefined);
    return request.operation === "UPDATE" && oldSelector !== newSelector ? [{ type: "FieldValueInvalid", field: "spec.selector", detail: "field is immutable", value: "v1.LabelSelector{…}" }] : undefined;
  });
  server.setValidator("services", (request) => {
    const ip = (o: JsonObject | undefined): string | undefined => {
      const value = o && isJsonObject(o["spec"]) ? o["spec"]["clusterIP"] : undefined;
      return typeof value === "string" ? value : undefined;
    };
    const was = ip(request.oldObject);
    return request.operation === "UPDATE" && was !== undefined && was !== ip(request.object) ? [{ type: "FieldValueInvalid", field: "spec.clusterIPs[0]", detail: "may not change once set", value: ip(request.object) ?? "" }] : undefined;
  });
}

describe("check --live against the simulated API server", () => {
  let server: SimulatedApiServer;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "check-live-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server.stop();
  });

  async function start(): Promise<SimulatedApiServer> {
    server = await startKubeApiServer({ namespaces: ["default", "web"], kubernetesVersion: "v1.35.2" });
    for (const item of liveObjects()) server.store.put(item);
    return server;
  }

  const check = async (...extra: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> => {
    const run = await runCli(["check", "--live", "--after", AFTER, "--kubeconfig", server.kubeconfigPath, "--format", "json", ...extra]);
    return { code: run.code, report: run.stdout === "" ? ({} as JsonReport) : (JSON.parse(run.stdout) as JsonReport), stderr: run.stderr };
  };

  it("judges the manifests against the live objects: server-assigned values kept, defaulted fields not a change, a headless switch over an allocated clusterIP refused", async () => {
    await start();
    const { code, report } = await check();
    assert.equal(code, 1);
    const deployment = resource(report, "Deployment", "api");
    assert.equal(deployment.change, "modified");
    assert.deepEqual(deployment.findings.map((f) => [f.ruleId, f.severity]), [
      ["apps.Deployment.selector", "blocking"],
      ["apps.Deployment.template.metadata.labels", "warning"],
    ]);
    const db = resource(report, "Service", "db");
    // The manifest omits clusterIP elsewhere; here it asks for None over the allocated 10.96.12.34.
    assert.deepEqual(db.findings.map((f) => [f.ruleId, f.from, f.to]), [["core.Service.clusterIP", "10.96.12.34", "None"]]);
    assert.equal(resource(report, "ConfigMap", "api-settings").change, "added");
    assert.equal(report.summary.removed, 0, "a live object the manifests do not name is never 'removed'");
  });

  it("sees objects created outside Git: the cascade reaches a hand-made Service selecting the recreated Deployment's pods", async () => {
    await start();
    const { report } = await check();
    const deployment = resource(report, "Deployment", "api");
    assert.deepEqual(deployment.cascade.map((c) => [c.kind, c.name, c.effect]), [["Service", "api-legacy", "recreated-target"]]);
    assert.equal(report.live?.context, 1, "api-legacy is context, neither judged nor listed");
    assert.ok(!report.resources.some((r) => r.name === "api-legacy"));
  });

  it("reads the cluster with one LIST per kind and namespace (limit 500, never a GET per object) and reports what it read", async () => {
    await start();
    const { report } = await check();
    const gets = server.requests.filter((r) => r.method === "GET" && /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(r.path));
    assert.deepEqual(gets, [], "no per-object GET");
    const lists = server.requests.filter((r) => r.method === "GET" && r.query["limit"] !== undefined);
    assert.ok(lists.every((r) => r.query["limit"] === "500"));
    const paths = lists.map((r) => r.path);
    assert.equal(new Set(paths).size, paths.length, "each collection listed once");
    assert.ok(paths.includes("/apis/apps/v1/namespaces/web/deployments") && paths.includes("/api/v1/namespaces/web/services"));
    assert.ok(!paths.some((p) => p.endsWith("/secrets")), "Secrets are never listed as context");
    assert.equal(report.live?.lists, lists.length);
    assert.equal(report.live?.objects, 3);
    assert.equal(report.live?.version, "1.35");
    assert.ok(report.live?.notListed.includes("PodDisruptionBudget (policy/v1): not served by this API server"));
    assert.equal(server.requests.filter((r) => r.method !== "GET").length, 0, "without --server-dry-run nothing is written");
  });

  it("pages through a large collection with continue tokens", async () => {
    await start();
    for (let i = 0; i < 1_001; i++) server.store.put({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: "web" }, data: { i: String(i) } });
    const { report } = await check();
    const pages = server.requests.filter((r) => r.path === "/api/v1/namespaces/web/configmaps");
    assert.equal(pages.length, 3);
    assert.equal(pages[0]?.query["continue"], undefined);
    assert.ok(pages[1]?.query["continue"] && pages[2]?.query["continue"]);
    assert.equal(report.live?.objects, 1_004);
    assert.equal(report.live?.context, 1_002);
  });

  it("--server-dry-run sends the owner's write with dryRun=All, stores nothing, and reports the server's verdict beside ours", async () => {
    await start();
    refuseImmutableChanges(server);
    const version = server.store.resourceVersion();
    const { code, report } = await check("--server-dry-run");
    assert.equal(code, 1);
    const writes = server.requests.filter((r) => r.method !== "GET");
    assert.deepEqual(writes.map((w) => [w.method, w.path, w.query["dryRun"], w.query["fieldManager"], w.contentType]), [
      ["PATCH", "/apis/apps/v1/namespaces/web/deployments/api", "All", "kustomize-controller", "application/apply-patch+yaml"],
      ["PATCH", "/api/v1/namespaces/web/services/db", "All", "kustomize-controller", "application/apply-patch+yaml"],
      ["PATCH", "/api/v1/namespaces/web/configmaps/api-settings", "All", "kustomize-controller", "application/apply-patch+yaml"],
    ]);
    assert.equal(server.store.resourceVersion(), version, "a dry run stores nothing");
    assert.equal(server.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "api-settings" }), undefined);
    const deployment = resource(report, "Deployment", "api").serverDryRun;
    assert.deepEqual({ ...deployment, note: undefined }, { outcome: "refused", operation: "apply", code: 422, reason: "Invalid", message: deployment?.message, fields: ["spec.selector"], agrees: true, note: undefined });
    assert.match(deployment?.message ?? "", /field is immutable/);
    assert.equal(resource(report, "Service", "db").serverDryRun?.outcome, "refused");
    assert.deepEqual(resource(report, "ConfigMap", "api-settings").serverDryRun, { outcome: "accepted", operation: "apply", agrees: true });
    assert.deepEqual(report.live?.dryRun, { sent: 3, accepted: 1, refused: 2, disagreements: 0 });
  });

  it("--server-dry-run flags a disagreement both ways: an admission denial we did not predict, an acceptance we did not expect", async () => {
    await start();
    server.setAdmission({
      mutating: [],
      validating: [(request) => {
        if (request.resource.plural === "configmaps") throw new StatusError(400, "BadRequest", 'admission webhook "labels.policy.example.com" denied the request: label team is required');
      }],
    });
    const { report } = await check("--server-dry-run");
    const cm = resource(report, "ConfigMap", "api-settings").serverDryRun;
    assert.equal(cm?.outcome, "refused");
    assert.equal(cm?.agrees, false);
    assert.match(cm?.note ?? "", /refused the dry run \(400 BadRequest\) where gitops-guard found nothing blocking/);
    // No immutability validator: the simulated server accepts the selector change we refuse.
    const deployment = resource(report, "Deployment", "api").serverDryRun;
    assert.equal(deployment?.agrees, false);
    assert.match(deployment?.note ?? "", /accepted the dry run, gitops-guard expects a refusal at spec\.selector/);
    assert.equal(report.live?.dryRun?.disagreements, 3);
  });

  it("shows the server's verdict beside ours in text, Markdown and SARIF (valid SARIF 2.1.0), disagreements flagged", async () => {
    await start();
    server.setAdmission({ mutating: [], validating: [(request) => {
      if (request.resource.plural === "configmaps") throw new StatusError(400, "BadRequest", 'admission webhook "labels.policy.example.com" denied the request: label team is required');
    }] });
    const argv = ["check", "--live", "--after", AFTER, "--kubeconfig", server.kubeconfigPath, "--server-dry-run"];
    const text = await runCli(argv);
    assert.match(text.stdout, /ConfigMap web\/api-settings[^\n]*\n(?:.*\n)*? {2}server {4}refused 400 BadRequest \(apply, dry run\): admission webhook "labels\.policy\.example\.com" denied the request/);
    assert.match(text.stdout, / {2}DISAGREES the API server refused the dry run \(400 BadRequest\)/);
    assert.match(text.stdout, /dry run: 3 sent, 2 accepted, 1 refused, 3 disagreements with gitops-guard/);
    assert.match(text.stdout, /live: https:\/\/127\.0\.0\.1:\d+ \(Kubernetes 1\.35\): \d+ LIST requests, 3 live objects, 1 outside the manifests/);
    const md = await runCli([...argv, "--format", "markdown"]);
    assert.match(md.stdout, /\*\*API server dry run:\*\* ❌ refused, 400 BadRequest \(apply\)/);
    assert.match(md.stdout, /⚠️ \*\*Disagrees with gitops-guard:\*\*/);
    assert.match(md.stdout, /Compared with the live cluster https:\/\/127\.0\.0\.1:\d+ \(Kubernetes 1\.35\): 3 live objects, 1 outside the manifests\. Dry run: 3 sent, 2 accepted, 1 refused, \*\*3 disagreeing with gitops-guard\*\*\./);
    const sarif = await runCli([...argv, "--format", "sarif"]);
    const AjvModule = (await import("ajv-draft-04")).default;
    const schema: unknown = JSON.parse(readFileSync(join(FIXTURES, "check", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8"));
    assert.ok(isJsonObject(schema));
    const validate = new AjvModule.default({ strict: false, unicodeRegExp: false, logger: false }).compile(schema);
    const log: unknown = JSON.parse(sarif.stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    const results = (log as { runs: { results: { ruleId: string; level: string; message: { text: string } }[] }[] }).runs[0]?.results ?? [];
    // Most severe first (GitHub keeps the first 5,000).
    assert.deepEqual(results.filter((r) => r.ruleId.startsWith("server.")).map((r) => [r.ruleId, r.level]), [
      ["server.dry-run-refused", "error"],
      ["server.dry-run-accepted", "warning"],
      ["server.dry-run-accepted", "warning"],
    ]);
  });

  it("an RBAC denial of a LIST is exit 3 naming the verb, resource and namespace", async () => {
    await start();
    server.setAuthorizer((a) => !(a.verb === "list" && a.resource === "deployments"));
    const { code, stderr } = await check();
    assert.equal(code, 3);
    assert.match(stderr, /LIST \/apis\/apps\/v1\/namespaces\/web\/deployments: forbidden by RBAC/);
    assert.match(stderr, /cannot list resource "deployments" in API group "apps" in the namespace "web"/);
  });

  it("an RBAC denial of a context kind is a note, not a failure", async () => {
    await start();
    server.setAuthorizer((a) => !(a.verb === "list" && a.resource === "cronjobs"));
    const { code, report } = await check();
    assert.equal(code, 1);
    assert.ok(report.live?.notListed.includes("CronJob in namespace web: forbidden by RBAC (the cascade does not see them)"));
  });

  it("an RBAC denial of the dry-run write is exit 3; an admission 403 is a verdict", async () => {
    await start();
    server.setAuthorizer((a) => a.verb !== "patch");
    const denied = await check("--server-dry-run");
    assert.equal(denied.code, 3);
    assert.match(denied.stderr, /dry run PATCH .*: forbidden by RBAC .*cannot patch resource/);
    server.setAuthorizer(undefined);
    server.setAdmission({ mutating: [], validating: [(r) => {
      if (r.resource.plural === "configmaps") throw new StatusError(403, "Forbidden", 'configmaps "api-settings" is forbidden: exceeded quota: compute, requested: count/configmaps=1, used: count/configmaps=10, limited: count/configmaps=10');
    }] });
    const quota = await check("--server-dry-run");
    assert.equal(quota.code, 1);
    assert.equal(resource(quota.report, "ConfigMap", "api-settings").serverDryRun?.code, 403);
  });

  it("a bad kubeconfig, an unknown context, bad credentials and an unreachable server are exit 3 with a clear message", async () => {
    await start();
    const missing = await runCli(["check", "--live", "--after", AFTER, "--kubeconfig", join(dir, "nope.yaml")]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /cannot load Kubernetes configuration from .*nope\.yaml/);
    const context = await check("--context", "prod");
    assert.equal(context.code, 3);
    assert.match(context.stderr, /the kubeconfig has no context "prod" \(it has: /);
    const badToken = join(dir, "bad-token.yaml");
    await writeFile(badToken, server.kubeconfigYaml.replace(server.token, "not-the-token"));
    const unauthorized = await runCli(["check", "--live", "--after", AFTER, "--kubeconfig", badToken]);
    assert.equal(unauthorized.code, 3);
    assert.match(unauthorized.stderr, /refused the credentials of the kubeconfig \(401 Unauthorized\)/);
    await server.setAvailable(false);
    const down = await check();
    assert.equal(down.code, 3);
    assert.match(down.stderr, /cannot reach the API server https:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/);
  });

  it("refuses --before with --live, and --server-dry-run without it (exit 2)", async () => {
    await start();
    const both = await runCli(["check", "--live", "--before", AFTER, "--after", AFTER]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--live reads the before side from the cluster/);
    const dry = await runCli(["check", "--before", AFTER, "--after", AFTER, "--server-dry-run"]);
    assert.equal(dry.code, 2);
    assert.match(dry.stderr, /need --live/);
    const none = await runCli(["check", "--after", AFTER]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /check needs --before PATH \(or --live/);
  });
});

describe("check --live with removed API versions", () => {
  let server: SimulatedApiServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "check-live-removed-"));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("pairs a legacy manifest with the live object of its successor, and trusts discovery over the release", async () => {
    // Kubernetes 1.24 still served batch/v1beta1; this server does not list it (discovery decides).
    server = await startKubeApiServer({ namespaces: ["default", "jobs"], kubernetesVersion: "v1.24.17" });
    server.store.put({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "report", namespace: "jobs" }, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "r", image: "report:1" }] } } } } } });
    const manifest = join(dir, "cronjob.yaml");
    await writeFile(manifest, [
      "apiVersion: batch/v1beta1",
      "kind: CronJob",
      "metadata: {name: report, namespace: jobs}",
      "spec:",
      "  schedule: '0 4 * * *'",
      "  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: r, image: 'report:1'}]}}}}",
      "",
    ].join("\n"));
    const run = await runCli(["check", "--live", "--after", manifest, "--kubeconfig", server.kubeconfigPath, "--format", "json", "--server-dry-run"]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    const cronJob = resource(report, "CronJob", "report");
    assert.equal(cronJob.change, "modified", "paired with the live batch/v1 object");
    assert.deepEqual(cronJob.findings.map((f) => [f.ruleId, f.path, f.severity, f.to]), [["api.removed", "apiVersion", "blocking", "batch/v1"]]);
    assert.match(JSON.stringify(cronJob.findings[0]), /the live server's discovery does not list it/);
    assert.deepEqual(cronJob.serverDryRun, { outcome: "not-sent", why: "the API server does not serve CronJob in batch/v1beta1", agrees: true });
    assert.ok(server.requests.some((r) => r.path === "/apis/batch/v1/namespaces/jobs/cronjobs"), "listed through the successor");
  });
});
