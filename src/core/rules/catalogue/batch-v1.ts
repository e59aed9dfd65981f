import { row } from "./row.ts";
import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { Rule } from "../rule.ts";
import { frozenNormalised } from "./frozen-normalised.ts";
import { jobCompletionsViolations } from "./job-completions-violations.ts";
import { allowsSchedulingDirectiveChanges, jobTemplateViolations, type SuspendedJobGates } from "./job-template-violations.ts";
import { jobSchedulingViolations } from "./job-scheduling-violations.ts";
import { POD_SPEC_POINTER_STRUCTS, pointerStructsUnder } from "./pointer-structs.ts";
import { selectorMatchesTemplate } from "./selector-matches-template.ts";

/**
 * batch/v1 (reference/k8s-immutable-fields.md §2.4; ValidateJobSpecUpdate in
 * pkg/apis/batch/validation/validation.go, validationOptionsForJob in pkg/registry/batch/job/strategy.go).
 *
 * Mutable, so deliberately without a rule: Job parallelism, activeDeadlineSeconds, backoffLimit,
 * suspend, ttlSecondsAfterFinished, maxFailedIndexes, podReplacementPolicy, manualSelector; and
 * everything in a CronJob (ValidateCronJobUpdate checks no field against the old object).
 *
 * The Job's generated selector and its controller-uid/job-name template labels are server-assigned
 * (server-assigned.ts): a manifest that drops them is restored, and find-findings drops the
 * immutable finding these rules report at the same paths.
 */

const JOB_SOURCE = "pkg/apis/batch/validation/validation.go (ValidateJobSpecUpdate)";

/** SetDefaults_Job: every `onPodConditions[*].status` left empty becomes "True". */
function podFailurePolicyWithDefaults(job: JsonObject): JsonValue | undefined {
  const policy = getAt(job, ["spec", "podFailurePolicy"]);
  if (!isJsonObject(policy) || !Array.isArray(policy["rules"])) return policy;
  const rules = policy["rules"].map((rule): JsonValue => {
    if (!isJsonObject(rule) || !Array.isArray(rule["onPodConditions"])) return rule;
    const onPodConditions = rule["onPodConditions"].map((pattern): JsonValue =>
      isJsonObject(pattern) && (pattern["status"] === undefined || pattern["status"] === "")
        ? { ...pattern, status: "True" }
        : pattern,
    );
    return { ...rule, onPodConditions };
  });
  return { ...policy, rules };
}

/** A Job field the API server refuses to change at all (ValidateImmutableField). */
function frozenJobField(field: string, why: string, extra: Partial<Rule> = {}): Rule {
  return {
    id: `batch.Job.${field}`,
    group: "batch",
    kind: "Job",
    path: `spec.${field}`,
    class: "immutable",
    check: { type: "frozen" },
    why,
    apiError: `spec.${field}: Invalid value: ...: field is immutable`,
    source: JOB_SOURCE,
    ...extra,
  };
}

const TEMPLATE_SOURCE =
  "pkg/apis/batch/validation/validation.go (validatePodTemplateUpdate); pkg/registry/batch/job/strategy.go (validationOptionsForJob); " +
  "KEP-2926 update (enhancements@64765b4b keps/sig-scheduling/2926-job-mutable-scheduling-directives/README.md:331-335); " +
  "KEP-5440 (keps/sig-apps/5440-mutable-job-pod-resource-updates/README.md:275-306); CHANGELOG-1.36 (kubernetes#135965)";

const GATE_DIRECTIVES = "MutableSchedulingDirectivesForSuspendedJobs";
const GATE_RESOURCES = "MutablePodResourcesForSuspendedJobs";

function templateWhy(gates: SuspendedJobGates): string {
  const when = gates.widenedSchedulingDirectives
    ? "a suspended Job that never started, or that is suspended again with no active pods,"
    : "only a suspended Job that never started";
  const resources = gates.resourcesWhileSuspended ? ", and (suspended, as above) its containers' resources" : "";
  return (
    "a Job's pod template is immutable (image, command, env, resources, labels…); " +
    `${when} may change nodeSelector, tolerations, nodeAffinity, schedulingGates, labels and annotations${resources}`
  );
}

/**
 * Job `spec.template`, once per state of the two suspended-Job gates (beta, on by default from
 * v1.36): the same rule id, one variant in any catalogue (catalogueFor).
 */
function jobTemplateRules(): Rule[] {
  const rules: Rule[] = [];
  for (const widenedSchedulingDirectives of [false, true]) {
    for (const resourcesWhileSuspended of [false, true]) {
      const gates: SuspendedJobGates = { widenedSchedulingDirectives, resourcesWhileSuspended };
      rules.push({
        id: "batch.Job.template",
        group: "batch",
        kind: "Job",
        path: "spec.template",
        // The stored suspend decides which directives may change (status.startTime, conditions and
        // active too, but status is never compared).
        reads: ["spec.suspend"],
        class: "immutable",
        check: { type: "custom", evaluate: jobTemplateViolations(gates) },
        pointerStructs: pointerStructsUnder(["spec"], POD_SPEC_POINTER_STRUCTS),
        gates: { [GATE_DIRECTIVES]: widenedSchedulingDirectives, [GATE_RESOURCES]: resourcesWhileSuspended },
        why: templateWhy(gates),
        apiError: "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable",
        source: TEMPLATE_SOURCE,
        kubeVersions:
          "scheduling directives of suspended, never-started Jobs mutable since v1.27; after a run too, and resources, " +
          "with MutableSchedulingDirectivesForSuspendedJobs / MutablePodResourcesForSuspendedJobs (alpha v1.35, beta on v1.36)",
      });
    }
    // Only reachable when labels may change at all (suspended): otherwise the template rule refuses first.
    const gates: SuspendedJobGates = { widenedSchedulingDirectives, resourcesWhileSuspended: false };
    rules.push({
      id: "batch.Job.template-labels",
      group: "batch",
      kind: "Job",
      path: "spec.template.metadata.labels",
      // The labels are judged against the new selector.
      reads: ["spec.selector"],
      class: "immutable",
      check: { type: "custom", evaluate: selectorMatchesTemplate },
      when: (input) => allowsSchedulingDirectiveChanges(input.old, gates),
      gates: { [GATE_DIRECTIVES]: widenedSchedulingDirectives },
      why: "the suspended Job's new template labels no longer match its immutable selector",
      apiError: "spec.template.metadata.labels: Invalid value: ...: `selector` does not match template `labels`",
      source: "pkg/apis/batch/validation/validation.go (validateJobSpec)",
      strategy: "revert",
    });
  }
  return rules;
}

export const BATCH_V1_RULES: readonly Rule[] = [
  frozenJobField("selector", "the API server refuses any change to a Job's spec.selector, manual or generated"),
  ...jobTemplateRules(),
  row({
    group: "batch",
    kind: "Job",
    path: "spec.completions",
    // A nil completions defaults from parallelism; the new completionMode decides what may change.
    reads: ["spec.parallelism", "spec.completionMode"],
    check: { type: "custom", evaluate: jobCompletionsViolations },
    why:
      "a NonIndexed Job's completions is immutable; an Indexed Job may change it only together with " +
      "parallelism so that completions equals parallelism",
    apiError:
      "spec.completions: Invalid value: 5: field is immutable / spec.completions: Invalid value: 8: can only be " +
      "modified in tandem with spec.parallelism",
    source: "pkg/apis/batch/validation/validation.go (validateCompletions)",
    kubeVersions: "Indexed Jobs elastic since v1.27 (ElasticIndexedJob beta, GA v1.31); before, frozen for every mode",
  }),
  frozenJobField("completionMode", "a Job's completionMode (default NonIndexed) cannot change", {
    defaultValue: "NonIndexed",
  }),
  {
    ...frozenJobField("podFailurePolicy", "a Job's podFailurePolicy cannot be added, removed or changed"),
    check: { type: "custom", evaluate: frozenNormalised(podFailurePolicyWithDefaults) },
  },
  frozenJobField("backoffLimitPerIndex", "a Job's backoffLimitPerIndex cannot be added, removed or changed"),
  frozenJobField("managedBy", "a Job's managedBy (the controller that owns it) cannot change", {
    kubeVersions: "field exists since v1.30 (JobManagedBy); immutable wherever it exists",
  }),
  frozenJobField("successPolicy", "a Job's successPolicy cannot be added, removed or changed", {
    kubeVersions: "field exists since v1.30 (JobSuccessPolicy); immutable wherever it exists",
  }),
  row({
    group: "batch",
    kind: "Job",
    path: "spec.scheduling",
    check: { type: "custom", evaluate: jobSchedulingViolations },
    since: "1.37",
    gates: { WorkloadWithJob: true },
    why:
      "a Job's spec.scheduling is decided at creation (it cannot be set or cleared later); only " +
      "schedulingPolicy.gang.minCount may change",
    apiError:
      "spec.scheduling: Invalid value: null: field cannot be set once created / ... field cannot be cleared once set / " +
      "spec.scheduling.disruptionMode: Invalid value: null: field is immutable",
    apiErrorReconstructed: true,
    source:
      "kubernetes/api@10b39a39:batch/v1/types.go:478-549 (+k8s:update=NoSet, NoUnset, +k8s:immutable; standard tags, enforced); " +
      "apimachinery@eed236ce:pkg/api/validate/update.go:59,63, immutable.go:38",
    kubeVersions: "new in v1.37 behind WorkloadWithJob (alpha, off): with the gate off the field is not served",
  }),
];
