import type { JsonObject } from "../k8s/json.ts";
import { metaValue } from "../k8s/kube-object.ts";

/** The GitOps tools that apply objects, as records and policy matches name them. */
export const OWNING_TOOLS = ["flux", "argocd", "helm", "kapp", "kubectl", "other"] as const;
export type OwningTool = (typeof OWNING_TOOLS)[number];

/**
 * The exact field managers of each tool's apply (gitops-tools.md §1, §3; kubectl defaults):
 * `kubectl-client-side-apply`, and `kubectl` for server-side apply. A Map: the field manager is
 * the client's free text.
 */
const APPLY_MANAGERS: ReadonlyMap<string, OwningTool> = new Map([
  ["kustomize-controller", "flux"],
  ["argocd-controller", "argocd"],
  ["argocd-application-controller", "argocd"],
  ["helm", "helm"],
  ["helm-controller", "helm"],
  ["kapp", "kapp"],
  ["kubectl-client-side-apply", "kubectl"],
  ["kubectl", "kubectl"],
]);

/**
 * Which tool owns the object, from its labels and annotations (new or live), then the request's
 * fieldManager. Flux kustomize-controller labels every applied object with
 * `kustomize.toolkit.fluxcd.io/name|namespace` (fluxcd/pkg ssa GetOwnerLabels); helm-controller
 * and Helm set `meta.helm.sh/release-name`; Argo CD sets `argocd.argoproj.io/tracking-id` (annotation
 * tracking) or `argocd.argoproj.io/instance` (label tracking with that key); kapp sets `kapp.k14s.io/app`.
 */
function ownerFromMetadata(obj: JsonObject): OwningTool | undefined {
  const label = (key: string): string | undefined => metaValue(obj, "labels", key);
  const annotation = (key: string): string | undefined => metaValue(obj, "annotations", key);
  if (label("kustomize.toolkit.fluxcd.io/name") !== undefined) return "flux";
  if (annotation("argocd.argoproj.io/tracking-id") !== undefined) return "argocd";
  if (label("kapp.k14s.io/app") !== undefined || annotation("kapp.k14s.io/identity") !== undefined) return "kapp";
  if (annotation("meta.helm.sh/release-name") !== undefined || label("app.kubernetes.io/managed-by") === "Helm") {
    return "helm";
  }
  if (label("argocd.argoproj.io/instance") !== undefined) return "argocd";
  return undefined;
}

export function detectOwner(objects: readonly (JsonObject | undefined)[], fieldManager?: string): OwningTool {
  for (const obj of objects) {
    const owner = obj ? ownerFromMetadata(obj) : undefined;
    if (owner) return owner;
  }
  if (fieldManager) {
    // Any kubectl manager (`kubectl-edit`, `kubectl-rollout`…) marks a kubectl-managed object.
    const tool = applyingTool(fieldManager) ?? (fieldManager.startsWith("kubectl") ? "kubectl" : undefined);
    if (tool) return tool;
  }
  const kubectlApplied = objects.some(
    (obj) => metaValue(obj, "annotations", "kubectl.kubernetes.io/last-applied-configuration") !== undefined,
  );
  return kubectlApplied ? "kubectl" : "other";
}

/**
 * The tool whose *apply* this request is, from its exact fieldManager: `kustomize-controller`
 * (Flux), `argocd-controller` (Argo CD), `helm`/`helm-controller`, `kapp`, and kubectl's apply
 * managers (`kubectl-client-side-apply`, `kubectl` for server-side apply). Other kubectl managers
 * (`kubectl-rollout`, `kubectl-edit`, `kubectl-annotate`…) and controllers are not applies.
 */
export function applyingTool(fieldManager: string | undefined): OwningTool | undefined {
  return fieldManager === undefined ? undefined : APPLY_MANAGERS.get(fieldManager);
}
