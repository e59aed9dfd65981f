import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyingTool, detectOwner, OWNING_TOOLS, type OwningTool } from "../../../src/core/owner/detect-owner.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parsedReview } from "../../support/load-review.ts";

function withMeta(labels: Record<string, string> = {}, annotations: Record<string, string> = {}): JsonObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "web", labels, annotations } };
}

describe("detectOwner", () => {
  const byMetadata: [string, JsonObject, OwningTool][] = [
    ["Flux kustomize-controller owner labels", withMeta({ "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" }), "flux"],
    ["Argo CD annotation tracking", withMeta({}, { "argocd.argoproj.io/tracking-id": "shop:apps/Deployment:web/api" }), "argocd"],
    ["Argo CD label tracking", withMeta({ "argocd.argoproj.io/instance": "shop" }), "argocd"],
    ["kapp app label", withMeta({ "kapp.k14s.io/app": "1700000000" }), "kapp"],
    ["kapp identity annotation", withMeta({}, { "kapp.k14s.io/identity": "v1;web/ConfigMap/c;v1" }), "kapp"],
    ["Helm release annotation", withMeta({}, { "meta.helm.sh/release-name": "shop" }), "helm"],
    ["Helm managed-by label", withMeta({ "app.kubernetes.io/managed-by": "Helm" }), "helm"],
    ["kubectl last-applied annotation", withMeta({}, { "kubectl.kubernetes.io/last-applied-configuration": "{}" }), "kubectl"],
    ["nothing", withMeta(), "other"],
  ];
  for (const [name, obj, owner] of byMetadata) {
    it(`${name} → ${owner}`, () => {
      assert.equal(detectOwner([obj, undefined]), owner);
    });
  }

  it("reads Flux before Helm: a Flux-applied Helm chart output is applied by Flux", () => {
    const obj = withMeta({ "kustomize.toolkit.fluxcd.io/name": "apps", "app.kubernetes.io/managed-by": "Helm" });
    assert.equal(detectOwner([obj]), "flux");
  });

  it("prefers Argo CD's tracking annotation over Helm labels (Argo CD renders Helm charts)", () => {
    const obj = withMeta({ "app.kubernetes.io/managed-by": "Helm" }, { "argocd.argoproj.io/tracking-id": "shop:apps/Deployment:web/api" });
    assert.equal(detectOwner([obj]), "argocd");
  });

  it("reads a Helm managed-by label before Argo CD's instance label (the label Helm charts also use)", () => {
    const obj = withMeta({ "app.kubernetes.io/managed-by": "Helm", "argocd.argoproj.io/instance": "shop" });
    assert.equal(detectOwner([obj]), "helm");
  });

  it("takes the first object with owner metadata: the new object, then the live one", () => {
    const flux = withMeta({ "kustomize.toolkit.fluxcd.io/name": "apps" });
    const helm = withMeta({}, { "meta.helm.sh/release-name": "shop" });
    assert.equal(detectOwner([flux, helm]), "flux");
    assert.equal(detectOwner([helm, flux]), "helm");
    assert.equal(detectOwner([withMeta(), helm]), "helm");
    assert.equal(detectOwner([undefined, flux]), "flux");
  });

  const byFieldManager: [string, OwningTool][] = [
    ["kustomize-controller", "flux"],
    ["argocd-controller", "argocd"],
    ["argocd-application-controller", "argocd"],
    ["helm-controller", "helm"],
    ["helm", "helm"],
    ["kapp", "kapp"],
    ["kubectl-client-side-apply", "kubectl"],
    ["kubectl-edit", "kubectl"],
    ["kubectl", "kubectl"],
    ["kube-controller-manager", "other"],
    ["my-kustomize-controller", "other"],
  ];
  for (const [fieldManager, owner] of byFieldManager) {
    it(`fieldManager ${fieldManager} → ${owner} when the metadata says nothing`, () => {
      assert.equal(detectOwner([withMeta(), withMeta()], fieldManager), owner);
    });
  }

  it("trusts owner metadata over the fieldManager", () => {
    assert.equal(detectOwner([withMeta({ "kustomize.toolkit.fluxcd.io/name": "apps" })], "kubectl-edit"), "flux");
  });

  it("trusts the fieldManager over kubectl's last-applied annotation", () => {
    assert.equal(detectOwner([withMeta({}, { "kubectl.kubernetes.io/last-applied-configuration": "{}" })], "kustomize-controller"), "flux");
  });

  it("finds the owner of the example reviews", () => {
    const cases: [string, OwningTool][] = [
      ["deployment-selector-change.json", "flux"],
      ["job-replace-drops-selector.json", "helm"],
      ["configmap-delete.json", "flux"],
    ];
    for (const [file, owner] of cases) {
      const { request } = parsedReview(file);
      assert.equal(detectOwner([request.object ?? undefined, request.oldObject ?? undefined]), owner, file);
    }
  });

  it("only ever answers a known tool", () => {
    assert.deepEqual([...OWNING_TOOLS].sort(), ["argocd", "flux", "helm", "kapp", "kubectl", "other"]);
    assert.ok(OWNING_TOOLS.includes(detectOwner([], "anything")));
  });
});

describe("applyingTool", () => {
  it("names the tool of each exact apply field manager, and no tool for other managers", () => {
    const cases: [string | undefined, OwningTool | undefined][] = [
      ["kustomize-controller", "flux"], ["argocd-controller", "argocd"], ["argocd-application-controller", "argocd"],
      ["helm", "helm"], ["helm-controller", "helm"], ["kapp", "kapp"], ["kubectl-client-side-apply", "kubectl"], ["kubectl", "kubectl"],
      ["kubectl-edit", undefined], ["kubectl-rollout", undefined], ["kube-controller-manager", undefined], [undefined, undefined],
      ["constructor", undefined], ["__proto__", undefined], ["toString", undefined],
    ];
    for (const [manager, tool] of cases) assert.equal(applyingTool(manager), tool, String(manager));
  });

  it("shares its table with detectOwner's field-manager fallback, which also counts every kubectl manager", () => {
    const cases: [string, OwningTool][] = [
      ["kustomize-controller", "flux"], ["argocd-application-controller", "argocd"], ["helm", "helm"], ["kapp", "kapp"], ["kubectl", "kubectl"],
      ["kubectl-edit", "kubectl"], ["kubectl-rollout", "kubectl"], ["constructor", "other"], ["manager", "other"],
    ];
    for (const [manager, owner] of cases) assert.equal(detectOwner([{ metadata: { name: "x" } }], manager), owner, manager);
  });
});
