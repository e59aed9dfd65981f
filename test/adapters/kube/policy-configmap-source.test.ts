import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { watchPolicyConfigMap } from "../../../src/adapters/kube/policy-configmap-source.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import type { ListWatch } from "../../../src/adapters/kube/list-watch.ts";
import { cloneJson, type JsonObject } from "../../../src/core/k8s/json.ts";
import type { LoadedPolicy, PolicyIssue } from "../../../src/core/policy/parse-policy.ts";
import { FIXTURES, loadObject } from "../../support/load-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { waitFor } from "../../support/wait-for.ts";

const NAMESPACE = "gitops-guard";
const NAME = "gitops-guard-policy";
const REF = { apiVersion: "v1", kind: "ConfigMap", namespace: NAMESPACE, name: NAME };

type Report =
  | { readonly kind: "policy"; readonly loaded: LoadedPolicy; readonly version: string }
  | { readonly kind: "invalid"; readonly issues: readonly PolicyIssue[]; readonly resourceVersion: string }
  | { readonly kind: "missing" };

/** The policy ConfigMap fixture, with its policy.yaml replaced when given. */
function policyConfigMap(policyYaml?: string): JsonObject {
  const configMap = cloneJson(loadObject("policy/policy-configmap.yaml"));
  if (policyYaml !== undefined) (configMap["data"] as JsonObject)["policy.yaml"] = policyYaml;
  return configMap;
}

const INVALID_POLICY = readFileSync(join(FIXTURES, "policy", "invalid-policy.yaml"), "utf8");
const VALID_POLICY = readFileSync(join(FIXTURES, "policy", "valid-policy.yaml"), "utf8");

describe("watchPolicyConfigMap", () => {
  let server: SimulatedApiServer;
  let kc: KubeConfig;
  let reports: Report[];
  let errors: Error[];
  let source: ListWatch | undefined;

  before(async () => {
    server = await startKubeApiServer({ namespaces: ["default", "kube-system", NAMESPACE] });
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
  });
  after(async () => {
    source?.stop();
    await server.stop();
  });

  function start(): void {
    source?.stop();
    server.store.delete(REF);
    reports = [];
    errors = [];
    source = watchPolicyConfigMap({
      kc, http: createKubeHttp(kc), namespace: NAMESPACE, name: NAME, backoff: { initialMs: 20, maxMs: 100 },
      handlers: {
        onPolicy: (loaded, version) => reports.push({ kind: "policy", loaded, version }),
        onInvalid: (issues, configMap) => reports.push({ kind: "invalid", issues, resourceVersion: String((configMap["metadata"] as JsonObject)["resourceVersion"]) }),
        onMissing: () => reports.push({ kind: "missing" }),
        onError: (error) => errors.push(error),
      },
    });
  }

  function watching(): boolean {
    return server.requests.some((r) => r.path === `/api/v1/namespaces/${NAMESPACE}/configmaps` && r.query["watch"] !== undefined && r.status === 200);
  }

  it("reports missing when the ConfigMap does not exist, then the policy once it is created", async () => {
    start();
    await waitFor("missing", () => reports.length === 1);
    assert.deepEqual(reports, [{ kind: "missing" }]);
    await waitFor("the watch", watching);
    const stored = server.store.put(policyConfigMap());
    await waitFor("the policy", () => reports.length === 2);
    const report = reports[1]!;
    assert.equal(report.kind, "policy");
    if (report.kind !== "policy") return;
    const rv = String((stored["metadata"] as JsonObject)["resourceVersion"]);
    assert.equal(report.version, `configmap/${NAMESPACE}/${NAME}#${rv}`);
    assert.deepEqual(report.loaded.policy.deletionProtection.kinds, ["PersistentVolumeClaim", "Namespace"]);
    assert.match(report.loaded.contentHash, /^[0-9a-f]{16}$/);
    assert.deepEqual(errors, []);
  });

  it("reports a valid policy found by the first list", async () => {
    server.store.put(policyConfigMap(VALID_POLICY));
    source?.stop();
    reports = [];
    source = watchPolicyConfigMap({
      kc, http: createKubeHttp(kc), namespace: NAMESPACE, name: NAME,
      handlers: {
        onPolicy: (loaded, version) => reports.push({ kind: "policy", loaded, version }),
        onInvalid: () => assert.fail("valid"), onMissing: () => assert.fail("present"), onError: (error) => errors.push(error),
      },
    });
    await waitFor("the policy", () => reports.length === 1);
    const report = reports[0]!;
    assert.ok(report.kind === "policy" && report.loaded.policy.mode === "audit");
  });

  it("reports an invalid new version with paths under data.policy.yaml, and a valid one after it", async () => {
    start();
    server.store.put(policyConfigMap());
    await waitFor("the first policy", () => reports.length === 1);
    await waitFor("the watch", watching);
    const invalid = server.store.put(policyConfigMap(INVALID_POLICY));
    await waitFor("the invalid version", () => reports.length === 2);
    const report = reports[1]!;
    assert.equal(report.kind, "invalid");
    if (report.kind !== "invalid") return;
    assert.equal(report.resourceVersion, String((invalid["metadata"] as JsonObject)["resourceVersion"]));
    const paths = report.issues.map((i) => i.path);
    assert.ok(paths.includes("data.policy.yaml.mode"), JSON.stringify(paths));
    assert.ok(paths.every((p) => p.startsWith("data.policy.yaml")), JSON.stringify(paths));
    server.store.put(policyConfigMap(VALID_POLICY));
    await waitFor("the valid version", () => reports.length === 3);
    assert.equal(reports[2]!.kind, "policy");
  });

  it("reports a ConfigMap without a policy.yaml key as invalid", async () => {
    start();
    const configMap = policyConfigMap();
    configMap["data"] = { "other.yaml": "a: 1" };
    server.store.put(configMap);
    await waitFor("a report", () => reports.length === 1);
    const report = reports[0]!;
    assert.ok(report.kind === "invalid");
    assert.deepEqual(report.issues, [{ path: "data.policy.yaml", message: "the ConfigMap has no policy.yaml key" }]);
  });

  it("reports missing when the ConfigMap is deleted, and the policy again when it comes back", async () => {
    start();
    server.store.put(policyConfigMap());
    await waitFor("the policy", () => reports.length === 1);
    await waitFor("the watch", watching);
    server.store.delete(REF);
    await waitFor("missing", () => reports.length === 2);
    assert.deepEqual(reports[1], { kind: "missing" });
    server.store.put(policyConfigMap());
    await waitFor("the policy again", () => reports.length === 3);
    assert.equal(reports[2]!.kind, "policy");
  });

  it("ignores other ConfigMaps in the namespace", async () => {
    start();
    server.store.put(policyConfigMap());
    await waitFor("the policy", () => reports.length === 1);
    await waitFor("the watch", watching);
    const other = policyConfigMap(INVALID_POLICY);
    (other["metadata"] as JsonObject)["name"] = "someone-elses-config";
    server.store.put(other);
    server.store.put(policyConfigMap(VALID_POLICY));
    await waitFor("the next version", () => reports.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(reports.map((r) => r.kind), ["policy", "policy"]);
    server.store.delete({ ...REF, name: "someone-elses-config" });
  });

  it("judges the same resourceVersion once, even when a relist delivers it again", async () => {
    start();
    server.store.put(policyConfigMap());
    await waitFor("the policy", () => reports.length === 1);
    await waitFor("the watch", watching);
    const lists = (): number => server.requests.filter((r) => r.path === `/api/v1/namespaces/${NAMESPACE}/configmaps` && r.query["watch"] === undefined && r.status === 200).length;
    const before = lists();
    await server.setAvailable(false);
    await waitFor("an error", () => errors.length > 0);
    await server.setAvailable(true);
    await waitFor("a relist", () => lists() > before);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(reports.map((r) => r.kind), ["policy"], "the relisted, unchanged ConfigMap is not judged again");
  });
});
