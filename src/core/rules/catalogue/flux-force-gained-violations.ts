import { metaMap } from "../../k8s/kube-object.ts";
import type { JsonObject } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";

/** Flux kustomize-controller recreates an object carrying this (label or annotation) on an immutable error. */
export const FLUX_FORCE_KEY = "kustomize.toolkit.fluxcd.io/force";

const FIELDS = ["labels", "annotations"] as const;

/** fluxcd/pkg ssa/utils AnyInMetadata: the value is compared with strings.EqualFold since ssa/v0.30.0. */
function forcedBy(object: JsonObject, field: (typeof FIELDS)[number]): boolean {
  return metaMap(object, field).get(FLUX_FORCE_KEY)?.toLowerCase() === "enabled";
}

/**
 * The object gains `kustomize.toolkit.fluxcd.io/force: enabled` (label or annotation) that the
 * live object did not carry anywhere: on the next immutable error Flux deletes and re-creates it
 * (reference/gitops-tools.md §1.3), which for a PVC or PV deletes the data.
 */
export function fluxForceGainedViolations(input: RuleInput): Violation[] {
  if (FIELDS.some((field) => forcedBy(input.old, field))) return [];
  return FIELDS.filter((field) => forcedBy(input.new, field)).map((field) => ({
    path: ["metadata", field, FLUX_FORCE_KEY],
    from: metaMap(input.old, field).get(FLUX_FORCE_KEY),
    to: metaMap(input.new, field).get(FLUX_FORCE_KEY),
  }));
}
