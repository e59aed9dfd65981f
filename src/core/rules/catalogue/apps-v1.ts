import { row } from "./row.ts";
import type { Rule } from "../rule.ts";
import { selectorMatchesTemplate } from "./selector-matches-template.ts";
import { CLAIM_SPEC_POINTER_STRUCTS, pointerStructsUnder } from "./pointer-structs.ts";
import { statefulSetSpecFrozen } from "./statefulset-spec-frozen.ts";

export { STATEFULSET_MUTABLE_SPEC } from "./statefulset-spec-frozen.ts";

/**
 * apps/v1 (reference/k8s-immutable-fields.md §2.3). Selectors of Deployment, ReplicaSet,
 * DaemonSet and StatefulSet are frozen since apps/v1 (kubernetes#50808); the StatefulSet spec is
 * frozen except for a short list that has grown across releases.
 */

const SELECTOR_WHY =
  "the API server refuses any change to a workload's spec.selector (apps/v1); the template labels must keep matching it";

function selectorRules(kind: string, strategy: "blue-green" | "orphan-recreate"): Rule[] {
  return [
    {
      id: `apps.${kind}.selector`,
      group: "apps",
      kind,
      path: "spec.selector",
      class: "immutable",
      check: { type: "frozen" },
      why: SELECTOR_WHY,
      apiError: "spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable",
      source: `pkg/registry/apps/${kind.toLowerCase()}/strategy.go (ValidateUpdate)`,
      strategy,
    },
    {
      id: `apps.${kind}.template-labels`,
      group: "apps",
      kind,
      path: "spec.template.metadata.labels",
      // The labels are judged against the new selector.
      reads: ["spec.selector"],
      class: "immutable",
      check: { type: "custom", evaluate: selectorMatchesTemplate },
      why: "the pod template's labels no longer match the immutable selector",
      apiError: "spec.template.metadata.labels: Invalid value: ...: `selector` does not match template `labels`",
      source: "pkg/apis/apps/validation (ValidatePodTemplateSpecForReplicaSet)",
      strategy: "revert",
    },
  ];
}

export const APPS_V1_RULES: readonly Rule[] = [
  ...selectorRules("Deployment", "blue-green"),
  ...selectorRules("ReplicaSet", "blue-green"),
  ...selectorRules("DaemonSet", "orphan-recreate"),
  // The StatefulSet selector is also inside the frozen spec below; the specific rule names it better.
  ...selectorRules("StatefulSet", "orphan-recreate"),
  row({
    group: "apps",
    kind: "StatefulSet",
    path: "spec",
    // Compared after defaulting (podManagementPolicy, claim-template volumeMode/status/type meta) and by
    // quantity amount, as ValidateStatefulSetUpdate sees it: a Git manifest omits what the server stored.
    check: { type: "custom", evaluate: statefulSetSpecFrozen },
    pointerStructs: pointerStructsUnder(["volumeClaimTemplates", "*", "spec"], CLAIM_SPEC_POINTER_STRUCTS),
    why:
      "the API server refuses StatefulSet spec changes outside replicas, ordinals, template, updateStrategy, " +
      "revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds (selector, serviceName, " +
      "podManagementPolicy and volumeClaimTemplates are frozen)",
    apiError:
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', " +
      "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    source:
      "pkg/apis/apps/validation (ValidateStatefulSetUpdate); +k8s:alpha(since: \"1.37\")=+k8s:immutable on selector, " +
      "volumeClaimTemplates, serviceName, podManagementPolicy (apps/v1/types.go:214-260: new in v1.37, shadow only; not v1.35)",
    kubeVersions:
      "revisionHistoryLimit is mutable on every release the catalogue knows (v1.33+; refused on v1.31.4, kubernetes#130263; " +
      "the PR that freed it was not found)",
    strategy: "orphan-recreate",
  }),
  row({
    group: "apps",
    kind: "ControllerRevision",
    path: "data",
    why: "a ControllerRevision's data is a snapshot; the API server refuses any change",
    apiError: "data: Invalid value: ...: field is immutable",
    source: "pkg/apis/apps/validation (ValidateControllerRevisionUpdate)",
  }),
];
