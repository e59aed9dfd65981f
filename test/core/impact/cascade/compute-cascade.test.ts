import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { analyzeImpact } from "../../../../src/core/impact/analyze-impact.ts";
import type { CascadeEntry } from "../../../../src/core/impact/cascade/cascade-entry.ts";
import type { ImpactReport, ResourceImpact } from "../../../../src/core/impact/impact-report.ts";
import type { JsonValue } from "../../../../src/core/k8s/json.ts";
import { builtinCatalogue } from "../../../support/rule-case.ts";
import { loadManifestObjects, toManifestObjects } from "../../../support/manifest-objects.ts";

function reportOf(before: ReturnType<typeof toManifestObjects>, after: ReturnType<typeof toManifestObjects>): ImpactReport {
  const result = analyzeImpact({ before, after, catalogue: builtinCatalogue() });
  assert.ok(result.ok);
  return result.report;
}

function fixture(name: string): ImpactReport {
  return reportOf(loadManifestObjects(`check/${name}/before.yaml`), loadManifestObjects(`check/${name}/after.yaml`));
}

function yamlObjects(text: string, source: string): ReturnType<typeof toManifestObjects> {
  return toManifestObjects(parseAllDocuments(text).map((d) => d.toJSON() as JsonValue).filter((d) => d !== null), source);
}

function inline(before: string, after: string): ImpactReport {
  return reportOf(yamlObjects(before, "before.yaml"), yamlObjects(after, "after.yaml"));
}

function resource(report: ImpactReport, kind: string, name: string): ResourceImpact {
  const found = report.resources.find((r) => r.kind === kind && r.name === name);
  assert.ok(found, `${kind} ${name} not in the report: ${report.resources.map((r) => `${r.kind}/${r.name}`).join(", ")}`);
  return found;
}

/** "Kind ns/name effect" for each entry: what the assertions compare. */
function effects(entries: readonly CascadeEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.namespace}/${e.name} ${e.relation} ${e.effect}`);
}

describe("cascade: a commonLabels rewrite of a Deployment (kube-prometheus-like monitoring)", () => {
  const report = fixture("cascade");
  const deployment = resource(report, "Deployment", "api");

  it("finds every selector the new pod labels escape, with matchExpressions, and what reaches the stranded Service", () => {
    assert.deepEqual(effects(deployment.cascade).sort(), [
      "HorizontalPodAutoscaler web/api targets recreated-target",
      "Ingress web/api targets dangling",
      "NetworkPolicy web/worker-from-api selects dangling",
      "PodDisruptionBudget web/api selects dangling",
      "PodDisruptionBudget web/everything selects recreated-target",
      "PodMonitor monitoring/frontends selects dangling",
      "Service web/api selects dangling",
      "ServiceMonitor monitoring/api targets dangling",
    ]);
    const service = deployment.cascade.find((e) => e.kind === "Service");
    assert.match(service?.message ?? "", /^after this change Service web\/api selects no pods of any workload in the manifests/);
    assert.equal(service?.path, "spec.selector");
    assert.equal(deployment.cascade.find((e) => e.kind === "NetworkPolicy")?.path, "spec.ingress[0].from[0]");
  });

  it("leaves alone what still selects the pods: NotIn misses the key, a Service without selector, a namespaced peer elsewhere", () => {
    const names = deployment.cascade.map((e) => e.name);
    assert.equal(names.includes("not-backend"), false, "tier NotIn (be) still selects tier=frontend");
    assert.equal(names.includes("external-db"), false, "a Service without selector selects nothing, before and after");
  });

  it("rates it high and asks for an approval and a maintenance window", () => {
    assert.equal(deployment.risk, "high");
    assert.deepEqual(deployment.safeguards.map((s) => [s.id, s.done]), [["approval", false], ["maintenance-window", false]]);
  });

  it("reports a removed ConfigMap still referenced, a changed one read through env, and a binding that stops granting", () => {
    const legacy = resource(report, "ConfigMap", "legacy");
    assert.deepEqual(effects(legacy.cascade), ["Deployment web/api references missing-reference"]);
    assert.match(legacy.cascade[0]?.message ?? "", /^ConfigMap web\/legacy is removed but still referenced by Deployment web\/api at spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.configMapKeyRef/);
    assert.equal(legacy.risk, "high");
    assert.deepEqual(effects(resource(report, "ConfigMap", "api-config").cascade), ["Deployment web/api references stale-until-restart"]);
    assert.equal(resource(report, "ConfigMap", "api-config").risk, "low");
    assert.deepEqual(effects(resource(report, "RoleBinding", "api-reader").cascade), [
      "ServiceAccount web/api bound-by permissions-removed",
      "Deployment web/api references permissions-removed",
    ]);
    assert.equal(report.summary.risk, "high");
  });
});

describe("cascade: a Flux repository", () => {
  const report = fixture("cascade-flux");

  it("lists dependents transitively, defaulting dependsOn's namespace to the dependent's", () => {
    assert.deepEqual(effects(resource(report, "Kustomization", "infra").cascade), [
      "Kustomization flux-system/apps depends-on order",
      "Kustomization flux-system/dashboards depends-on order",
    ]);
    assert.match(resource(report, "Kustomization", "infra").cascade[1]?.message ?? "", /through Kustomization flux-system\/apps/);
  });

  it("reports a removed dependency (cross-namespace HelmRelease), a removed substituteFrom ConfigMap, a renamed valuesKey, a cycle", () => {
    assert.deepEqual(effects(resource(report, "HelmRelease", "postgres").cascade), ["HelmRelease web/api depends-on missing-reference"]);
    assert.deepEqual(effects(resource(report, "ConfigMap", "cluster-vars").cascade), ["Kustomization flux-system/tenants references missing-reference"]);
    assert.deepEqual(effects(resource(report, "ConfigMap", "api-values").cascade), ["HelmRelease web/api references missing-key"]);
    const edge = resource(report, "Kustomization", "edge");
    assert.ok(effects(edge.cascade).includes("Kustomization flux-system/ingress depends-on cycle"), JSON.stringify(edge.cascade));
    assert.equal(edge.risk, "high");
  });
});

const DEPLOY = (name: string, labels: string, extra = ""): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {${labels}}
    spec:
      containers:
        - name: c
          image: nginx${extra}
`;

describe("cascade: single relationships", () => {
  it("defaults a missing namespace to default on both sides, so they select each other", () => {
    const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {role: web}}\n";
    const report = inline(`${DEPLOY("web", "app: web, role: web")}---\n${service}`, `${DEPLOY("web", "app: web, role: www")}---\n${service}`);
    assert.deepEqual(effects(resource(report, "Deployment", "web").cascade), ["Service default/web selects dangling"]);
  });

  it("never matches across namespaces", () => {
    const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\nspec: {selector: {role: web}}\n";
    const report = inline(`${DEPLOY("web", "app: web, role: web")}---\n${service}`, `${DEPLOY("web", "app: web, role: www")}---\n${service}`);
    assert.deepEqual(resource(report, "Deployment", "web").cascade, []);
  });

  it("says when a Service comes to select the pods of two workloads, and when an existing policy starts applying", () => {
    const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {role: web}}\n";
    const policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lock}\nspec: {podSelector: {matchLabels: {role: web}}}\n";
    const before = [DEPLOY("web", "app: web, role: web"), DEPLOY("batch", "app: batch"), service, policy].join("---\n");
    const after = [DEPLOY("web", "app: web, role: web"), DEPLOY("batch", "app: batch, role: web"), service, policy].join("---\n");
    const batch = resource(inline(before, after), "Deployment", "batch");
    assert.deepEqual(effects(batch.cascade), ["Service default/web selects selects-multiple", "NetworkPolicy default/lock selects newly-selected"]);
    assert.match(batch.cascade[0]?.message ?? "", /now selects pods of 2 workloads/);
  });

  it("follows a changed Service selector to the workloads it leaves, and a removed port to the Ingress and HTTPRoute using it", () => {
    const svc = (sel: string, port: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {${sel}}\n  ports: [{name: ${port}, port: 80}]\n`;
    const ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  defaultBackend: {service: {name: web, port: {name: http}}}\n";
    const route = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web, namespace: gw}\nspec:\n  rules:\n    - backendRefs: [{name: web, namespace: shop, port: 80}]\n";
    const deploy = DEPLOY("web", "app: web").replace("name: web\n", "name: web\n  namespace: shop\n");
    const report = inline([deploy, svc("app: web", "http"), ingress, route].join("---\n"), [deploy, svc("app: webb", "web"), ingress, route].join("---\n"));
    assert.deepEqual(effects(resource(report, "Service", "web").cascade), [
      "Deployment shop/web selected-by dangling",
      "Ingress shop/web targets missing-reference",
    ]);
    const removed = inline([deploy, svc("app: web", "http"), route].join("---\n"), [deploy, route].join("---\n"));
    assert.deepEqual(effects(resource(removed, "Service", "web").cascade), ["HTTPRoute gw/web targets missing-reference"]);
  });

  it("follows a ServiceMonitor's namespaceSelector and matchExpressions to the Services it stops selecting", () => {
    const monitor = (values: string): string =>
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m, namespace: monitoring}\nspec:\n  namespaceSelector: {any: true}\n  selector:\n    matchExpressions: [{key: team, operator: In, values: [${values}]}]\n`;
    const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x, labels: {team: a}}\nspec: {selector: {app: a}}\n";
    const report = inline(`${monitor("a, b")}---\n${svc}`, `${monitor("b")}---\n${svc}`);
    assert.deepEqual(effects(resource(report, "ServiceMonitor", "m").cascade), ["Service x/a selected-by dangling"]);
  });

  it("evaluates NetworkPolicy peers with a namespaceSelector against Namespace labels", () => {
    const ns = (team: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: clients, labels: {team: ${team}}}\n`;
    const client = DEPLOY("client", "app: client").replace("name: client\n", "name: client\n  namespace: clients\n");
    const policy =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow, namespace: web}\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector: {matchLabels: {team: shop}}\n          podSelector: {matchLabels: {app: client}}\n";
    const relabelled = client.replace("labels: {app: client}", "labels: {app: client2}");
    const report = inline([ns("shop"), client, policy].join("---\n"), [ns("shop"), relabelled, policy].join("---\n"));
    assert.deepEqual(effects(resource(report, "Deployment", "client").cascade), ["NetworkPolicy web/allow selects dangling"]);
  });

  it("finds key-level, projected, PVC and imagePullSecrets references, and skips optional ones", () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  imagePullSecrets: [{name: registry}]
  containers: [{name: c, image: x}]
  volumes:
    - name: a
      projected:
        sources:
          - secret: {name: tls, items: [{key: tls.crt, path: crt}]}
          - configMap: {name: opt, optional: true}
    - name: data
      persistentVolumeClaim: {claimName: data}
`;
    const objs = (tlsKey: string): string =>
      [
        "apiVersion: v1\nkind: Secret\nmetadata: {name: registry}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: e30=}\n",
        `apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ndata: {${tlsKey}: eA==}\n`,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: opt}\ndata: {a: b}\n",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
      ].join("---\n");
    const report = inline(`${pod}---\n${objs("tls.crt")}`, `${pod}---\n${objs("tls.pem")}`.replace(/---\napiVersion: v1\nkind: Secret\nmetadata: \{name: registry\}[^-]*/, "").replace(/---\napiVersion: v1\nkind: ConfigMap[^-]*/, "").replace(/---\napiVersion: v1\nkind: PersistentVolumeClaim[\s\S]*$/, ""));
    assert.deepEqual(effects(resource(report, "Secret", "registry").cascade), ["Pod default/p references missing-reference"]);
    assert.deepEqual(effects(resource(report, "Secret", "tls").cascade), ["Pod default/p references missing-key"]);
    assert.deepEqual(resource(report, "ConfigMap", "opt").cascade, [], "an optional reference is never missing");
    const claim = resource(report, "PersistentVolumeClaim", "data");
    assert.deepEqual(effects(claim.cascade), ["Pod default/p references missing-reference"]);
    assert.equal(claim.risk, "critical");
  });

  it("reports an HPA whose target is removed", () => {
    const hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n";
    const report = inline(`${DEPLOY("web", "app: web")}---\n${hpa}`, hpa);
    assert.deepEqual(effects(resource(report, "Deployment", "web").cascade), ["HorizontalPodAutoscaler default/web targets missing-reference"]);
  });

  it("deletes the custom resources of a removed CRD, and flags a version no longer served", () => {
    const crd = (served: boolean): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - {name: v1alpha1, served: ${served}, storage: false, schema: {openAPIV3Schema: {type: object}}}
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`;
    const cr = "apiVersion: example.com/v1alpha1\nkind: Widget\nmetadata: {name: w, namespace: a}\n";
    const removed = inline(`${crd(true)}---\n${cr}`, cr);
    const gone = resource(removed, "CustomResourceDefinition", "widgets.example.com");
    assert.deepEqual(effects(gone.cascade), ["Widget a/w instance-of deleted"]);
    assert.equal(gone.risk, "critical");
    assert.deepEqual(gone.safeguards.map((s) => s.id), ["migration-procedure", "backup", "approval"]);
    const unserved = inline(`${crd(true)}---\n${cr}`, `${crd(false)}---\n${cr}`);
    assert.deepEqual(effects(resource(unserved, "CustomResourceDefinition", "widgets.example.com").cascade), ["Widget a/w instance-of missing-reference"]);
  });

  it("counts safeguards declared done by annotation", () => {
    const hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n";
    const annotated = DEPLOY("web", "app: web").replace("name: web\n", "name: web\n  annotations: {gitops-guard.io/safeguards: 'approval, bogus'}\n");
    const report = inline(`${annotated}---\n${hpa}`, hpa);
    assert.deepEqual(resource(report, "Deployment", "web").safeguards, [{ id: "approval", done: true, reasons: ["missing-reference: HorizontalPodAutoscaler default/web"] }]);
    assert.equal(report.summary.safeguardsMissing, 0);
  });
});
