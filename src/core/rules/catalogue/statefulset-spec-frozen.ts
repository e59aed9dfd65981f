import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { canonicalClaimSpec } from "./canonical-claim-spec.ts";
import { normalizedViolations } from "./normalized-violations.ts";


/** StatefulSet spec fields a current API server lets an update change. */
export const STATEFULSET_MUTABLE_SPEC = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "revisionHistoryLimit",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
] as const;

/**
 * A volume claim template as the API server compares it. The stored template carries
 * `apiVersion`/`kind`, `volumeMode: Filesystem` and `status.phase: Pending` that a Git manifest
 * omits (SetDefaults_PersistentVolumeClaim(Spec) run on every template); status and type meta are
 * not part of the comparison, and quantities compare by amount (semantic DeepEqual: 10Gi = 10240Mi).
 */
function normalizedClaimTemplate(template: JsonValue): JsonValue {
  if (!isJsonObject(template)) return template;
  const { apiVersion: _apiVersion, kind: _kind, status: _status, ...rest } = template;
  const spec = rest["spec"];
  if (!isJsonObject(spec)) return rest;
  return { ...rest, spec: canonicalClaimSpec(spec) };
}

/**
 * The frozen part of a StatefulSet spec, defaulted like the API server does before validation
 * (SetDefaults_StatefulSet: podManagementPolicy OrderedReady; serviceName is a Go string, so ""
 * and absent are the same value).
 */
function frozenSpec(statefulSet: JsonObject): JsonObject {
  const raw = getAt(statefulSet, ["spec"]);
  const spec: JsonObject = isJsonObject(raw) ? { ...raw } : {};
  for (const key of STATEFULSET_MUTABLE_SPEC) delete spec[key];
  if (spec["podManagementPolicy"] === undefined || spec["podManagementPolicy"] === null || spec["podManagementPolicy"] === "") {
    spec["podManagementPolicy"] = "OrderedReady";
  }
  if (spec["serviceName"] === "") delete spec["serviceName"];
  const templates = spec["volumeClaimTemplates"];
  if (Array.isArray(templates)) spec["volumeClaimTemplates"] = templates.map(normalizedClaimTemplate);
  return spec;
}

/**
 * `ValidateStatefulSetUpdate`: the new spec, with the mutable fields set to the stored values,
 * must equal the stored spec (`updates to statefulset spec for fields other than ... are forbidden`).
 */
export function statefulSetSpecFrozen(input: RuleInput, rule: CompiledRule): Violation[] {
  return normalizedViolations(input, rule.root, frozenSpec(input.old), frozenSpec(input.new), rule.pointerStructs);
}
