import { getAt } from "../../k8s/field-path.ts";
import type { Rule, RuleInput } from "../rule.ts";
import { clearedValue } from "./cleared-value.ts";
import { droppedGeneratedLabels } from "./dropped-generated-labels.ts";
import { droppedNodePorts } from "./dropped-node-ports.ts";
import { bothNeedClusterIP, needsHealthCheck } from "./service-type.ts";

/**
 * Values the server assigned that the client dropped or cleared (the old object has them, the new
 * one lacks them or has ""): not a change of intent, so they are restored (strategy "restore"),
 * never reported as blocking. find-findings.ts drops immutable findings at or below a
 * server-assigned path. Reference: k8s-immutable-fields.md §1 and DESIGN "The core".
 *
 * - Service: the REST storage re-fills them itself (`patchAllocatedValues`), so the update
 *   succeeds either way: severity "info".
 * - Job generated selector and template labels, PVC volumeName and storageClassName: a full
 *   replace (`kubectl replace`, `helm --force`) that omits them is refused by the API server
 *   (`field is immutable` / `spec is immutable after creation`): severity "warning".
 */

const SERVICE_SOURCE = "pkg/registry/core/service/storage/storage.go (patchAllocatedValues)";

function serviceRule(field: "clusterIP" | "clusterIPs" | "ipFamilies" | "ipFamilyPolicy", why: string): Rule {
  return {
    id: `core.Service.${field}-dropped`,
    group: "",
    kind: "Service",
    path: `spec.${field}`,
    class: "server-assigned",
    when: bothNeedClusterIP,
    check: { type: "custom", evaluate: clearedValue },
    why,
    source: SERVICE_SOURCE,
    severity: "info",
  };
}

/** The Job's selector was generated (the stored Job does not set manualSelector: true). */
function generatedSelector(input: RuleInput): boolean {
  return getAt(input.old, ["spec", "manualSelector"]) !== true;
}

function absent(path: readonly string[]): (input: RuleInput) => boolean {
  return (input) => {
    const value = getAt(input.new, path);
    return value === undefined || value === null;
  };
}

const JOB_SOURCE = "pkg/registry/batch/job/strategy.go (generateSelector); pkg/apis/batch/validation (ValidateJobSpecUpdate)";

export const SERVER_ASSIGNED_RULES: readonly Rule[] = [
  serviceRule("clusterIP", "the manifest omits the Service's allocated cluster IP; the API server keeps the stored one"),
  serviceRule("clusterIPs", "the manifest omits the Service's allocated cluster IPs; the API server keeps the stored ones"),
  serviceRule("ipFamilies", "the manifest omits the Service's IP families; the API server keeps the stored ones"),
  serviceRule("ipFamilyPolicy", "the manifest omits the Service's ipFamilyPolicy; the API server keeps the stored one"),
  {
    id: "core.Service.healthCheckNodePort-dropped",
    group: "",
    kind: "Service",
    path: "spec.healthCheckNodePort",
    class: "server-assigned",
    when: (input) => needsHealthCheck(input.old) && needsHealthCheck(input.new),
    check: { type: "custom", evaluate: clearedValue },
    why: "the manifest omits the Service's allocated health check node port; the API server keeps the stored one",
    source: SERVICE_SOURCE,
    severity: "info",
  },
  {
    id: "core.Service.nodePort-dropped",
    group: "",
    kind: "Service",
    path: "spec.ports[*].nodePort",
    // Only while both sides need node ports (spec.type); a stored nodePort is matched by port name.
    reads: ["spec.type", "spec.ports[*].name"],
    class: "server-assigned",
    check: { type: "custom", evaluate: droppedNodePorts },
    why: "the manifest omits a port's allocated nodePort; the API server keeps the stored one (matched by port name)",
    source: SERVICE_SOURCE,
    severity: "info",
  },
  {
    id: "batch.Job.selector-dropped",
    group: "batch",
    kind: "Job",
    path: "spec.selector",
    class: "server-assigned",
    when: generatedSelector,
    check: { type: "custom", evaluate: clearedValue },
    why: "the manifest omits the Job's generated selector; the stored one must be kept (the selector is immutable)",
    apiError: "spec.selector: Invalid value: ...: field is immutable",
    source: JOB_SOURCE,
    severity: "warning",
  },
  {
    id: "batch.Job.generated-labels-dropped",
    group: "batch",
    kind: "Job",
    path: "spec.template.metadata.labels",
    class: "server-assigned",
    when: generatedSelector,
    check: { type: "custom", evaluate: droppedGeneratedLabels },
    why: "the manifest omits the Job's generated template labels (controller-uid, job-name); the stored ones must be kept",
    apiError: "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable",
    source: JOB_SOURCE,
    severity: "warning",
  },
  {
    id: "core.PersistentVolumeClaim.volumeName-dropped",
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.volumeName",
    class: "server-assigned",
    check: { type: "custom", evaluate: clearedValue },
    why: "the manifest omits the claim's bound volumeName; the stored one must be kept (a full replace is refused)",
    apiError: "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    source: "pkg/apis/core/validation/validation.go (ValidatePersistentVolumeClaimUpdate)",
    severity: "warning",
  },
  {
    id: "core.PersistentVolumeClaim.storageClassName-dropped",
    group: "",
    kind: "PersistentVolumeClaim",
    path: "spec.storageClassName",
    class: "server-assigned",
    // Only absent: "" is a value of its own ("no class") and a real change.
    when: absent(["spec", "storageClassName"]),
    check: { type: "custom", evaluate: clearedValue },
    why: "the manifest omits the claim's storageClassName (often the injected default class); the stored one must be kept",
    apiError: "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    source: "pkg/apis/core/validation/validation.go (ValidatePersistentVolumeClaimUpdate)",
    severity: "warning",
  },
];
