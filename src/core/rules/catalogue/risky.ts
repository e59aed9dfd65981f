import { row } from "./row.ts";
import { getAt } from "../../k8s/field-path.ts";
import { isEmptyValue, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { Rule } from "../rule.ts";
import { fluxForceGainedViolations } from "./flux-force-gained-violations.ts";
import { frozenNormalised } from "./frozen-normalised.ts";

/**
 * Changes the API server accepts but that are known to hurt (reference/k8s-immutable-fields.md §3
 * "Mutable but disruptive"; DESIGN "risky"). Every rule here is class `risky`, severity
 * `warning`, strategy `review`: it never blocks, it asks a person to confirm the effect.
 */

type Row = Omit<Rule, "id" | "class" | "check" | "severity" | "strategy"> & Partial<Pick<Rule, "id" | "check">>;

function risky(r: Row): Rule {
  return { ...row(r), class: "risky", severity: "warning", strategy: "review" };
}

function text(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : "";
}

/** SetDefaults_ReplicationController: an empty selector is set from the template labels. */
function replicationControllerSelector(rc: JsonObject): JsonValue | undefined {
  const selector = getAt(rc, ["spec", "selector"]);
  return isEmptyValue(selector) ? getAt(rc, ["spec", "template", "metadata", "labels"]) : selector;
}

/** Flux HelmRelease GetReleaseName: releaseName, else `<targetNamespace>-<name>`, else the name. */
function helmReleaseName(hr: JsonObject): JsonValue {
  const releaseName = text(getAt(hr, ["spec", "releaseName"]));
  if (releaseName !== "") return releaseName;
  const targetNamespace = text(getAt(hr, ["spec", "targetNamespace"]));
  const name = text(getAt(hr, ["metadata", "name"]));
  return targetNamespace === "" ? name : `${targetNamespace}-${name}`;
}

/** HelmRelease targetNamespace / storageNamespace default to the HelmRelease's own namespace. */
function helmReleaseNamespace(field: "targetNamespace" | "storageNamespace"): (hr: JsonObject) => JsonValue {
  return (hr) => text(getAt(hr, ["spec", field])) || text(getAt(hr, ["metadata", "namespace"]));
}

const POD_TEMPLATE_LABEL_RULES: readonly Rule[] = ["Deployment", "StatefulSet", "DaemonSet"].map((kind) =>
  risky({
    group: "apps",
    kind,
    path: "spec.template.metadata.labels",
    why: `changing a ${kind}'s pod-template labels rolls every pod (often a chart version label or kustomize commonLabels)`,
    source: "reference/k8s-immutable-fields.md §3 (workload template labels vs selector)",
  }),
);

const FLUX_FORCE_RULES: readonly Rule[] = ["PersistentVolumeClaim", "PersistentVolume"].map((kind) =>
  risky({
    group: "",
    kind,
    path: "metadata",
    id: `core.${kind}.flux-force`,
    check: { type: "custom", evaluate: fluxForceGainedViolations },
    why: `kustomize.toolkit.fluxcd.io/force: enabled makes Flux delete and re-create this ${kind} on an immutable error, deleting its data`,
    source: "reference/gitops-tools.md §1.3 (fluxcd/pkg ssa shouldForceApply)",
  }),
);

const FLUX_KUSTOMIZATION = "kustomize.toolkit.fluxcd.io";
const HELM_RELEASE = "helm.toolkit.fluxcd.io";

export const RISKY_RULES: readonly Rule[] = [
  risky({
    group: "",
    kind: "Service",
    path: "spec.selector",
    why: "a Service's selector is re-evaluated at once: a label typo black-holes its traffic without any error",
    source: "pkg/apis/core/validation/validation.go (ValidateServiceUpdate has no selector check)",
  }),
  risky({
    group: "",
    kind: "Service",
    path: "spec.type",
    defaultValue: "ClusterIP",
    when: (input) =>
      getAt(input.old, ["spec", "type"]) === "LoadBalancer" && getAt(input.new, ["spec", "type"]) !== "LoadBalancer",
    why: "changing a Service away from LoadBalancer releases its cloud load balancer and external IP",
    source: "reference/k8s-immutable-fields.md §3 (Service type LoadBalancer → ClusterIP / ExternalName)",
  }),
  ...POD_TEMPLATE_LABEL_RULES,
  risky({
    group: "",
    kind: "PersistentVolume",
    path: "spec.persistentVolumeReclaimPolicy",
    defaultValue: "Retain",
    why: "changing a PV's reclaim policy decides whether its data survives the claim's deletion",
    source: "reference/k8s-immutable-fields.md §3 (PV persistentVolumeReclaimPolicy / storageClassName)",
  }),
  risky({
    group: "",
    kind: "PersistentVolume",
    path: "spec.storageClassName",
    defaultValue: "",
    why: "changing a PV's storageClassName silently breaks the binding contract with its claim",
    source: "reference/k8s-immutable-fields.md §3 (PV persistentVolumeReclaimPolicy / storageClassName)",
  }),
  risky({
    group: "",
    kind: "ReplicationController",
    path: "spec.selector",
    // An empty selector defaults to the template labels.
    reads: ["spec.template.metadata.labels"],
    check: { type: "custom", evaluate: frozenNormalised(replicationControllerSelector) },
    why: "changing a ReplicationController's selector orphans the pods it selected and adopts others",
    source: "pkg/apis/core/validation/validation.go (ValidateReplicationControllerUpdate has no selector check)",
  }),
  risky({
    group: "policy",
    kind: "PodDisruptionBudget",
    path: "spec.selector",
    why: "changing a PodDisruptionBudget's selector moves its protection to other pods during node drains",
    source: "pkg/registry/policy/poddisruptionbudget/strategy.go (fully mutable since v1.15)",
  }),
  ...FLUX_FORCE_RULES,
  risky({
    group: FLUX_KUSTOMIZATION,
    kind: "Kustomization",
    path: "spec.path",
    why: "changing a Flux Kustomization's path applies a different directory and, with prune, deletes what the old one created",
    source: "reference/gitops-tools.md §2.2; DESIGN risky",
  }),
  risky({
    group: FLUX_KUSTOMIZATION,
    kind: "Kustomization",
    path: "spec.targetNamespace",
    defaultValue: "",
    why: "changing a Flux Kustomization's targetNamespace re-creates every object in the new namespace and prunes the old ones",
    source: "reference/gitops-tools.md §2.2; DESIGN risky",
  }),
  risky({
    group: FLUX_KUSTOMIZATION,
    kind: "Kustomization",
    path: "spec.prune",
    defaultValue: false,
    why: "changing a Flux Kustomization's prune decides whether objects removed from Git are deleted from the cluster",
    source: "reference/gitops-tools.md §2.2; DESIGN risky",
  }),
  risky({
    group: HELM_RELEASE,
    kind: "HelmRelease",
    path: "spec.chart.spec.chart",
    why: "changing a HelmRelease's chart upgrades the release to a different chart, replacing its resources",
    source: "reference/gitops-tools.md §2.3; DESIGN risky",
  }),
  risky({
    group: HELM_RELEASE,
    kind: "HelmRelease",
    path: "spec.releaseName",
    // Without releaseName the name is derived from targetNamespace and metadata.name.
    reads: ["spec.targetNamespace", "metadata.name"],
    check: { type: "custom", evaluate: frozenNormalised(helmReleaseName) },
    why: "a new Helm release name (explicit, or derived from targetNamespace) installs a new release and orphans the old one",
    source: "fluxcd/helm-controller api/v2 (GetReleaseName); DESIGN risky",
  }),
  risky({
    group: HELM_RELEASE,
    kind: "HelmRelease",
    path: "spec.targetNamespace",
    // Defaults to the HelmRelease's own namespace.
    reads: ["metadata.namespace"],
    check: { type: "custom", evaluate: frozenNormalised(helmReleaseNamespace("targetNamespace")) },
    why: "changing a HelmRelease's targetNamespace installs a new release in the new namespace and orphans the old one",
    source: "fluxcd/helm-controller api/v2 (GetReleaseNamespace); DESIGN risky",
  }),
  risky({
    group: HELM_RELEASE,
    kind: "HelmRelease",
    path: "spec.storageNamespace",
    // Defaults to the HelmRelease's own namespace.
    reads: ["metadata.namespace"],
    check: { type: "custom", evaluate: frozenNormalised(helmReleaseNamespace("storageNamespace")) },
    why: "changing a HelmRelease's storageNamespace loses the release history: Helm installs a new release and orphans the old one",
    source: "fluxcd/helm-controller api/v2 (GetStorageNamespace); DESIGN risky",
  }),
];
