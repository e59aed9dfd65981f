import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { canonicalClaimSpec } from "./canonical-claim-spec.ts";
import { normalizedViolations } from "./normalized-violations.ts";
import { upgradeFromAnnotation, upgradeFromNil } from "./pvc-storage-class.ts";

/** Unknown phase (no status in the pair) counts as Bound: unknown facts never block. */
export function claimIsBound(claim: JsonObject): boolean {
  const phase = getAt(claim, ["status", "phase"]);
  return typeof phase !== "string" || phase === "" || phase === "Bound";
}

function setOrDelete(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/**
 * A claim spec as the API server compares it: volumeMode defaulted to Filesystem
 * (SetDefaults_PersistentVolumeClaimSpec), dataSource and dataSourceRef filled from each other
 * (`NormalizeDataSources` in PrepareForUpdate), quantities by amount, blank volumeName dropped.
 */
function normalizedSpec(claim: JsonObject): JsonObject {
  const raw = getAt(claim, ["spec"]);
  const spec = canonicalClaimSpec(isJsonObject(raw) ? raw : {});
  if (spec["volumeName"] === "") delete spec["volumeName"];
  const source = spec["dataSource"];
  const ref = spec["dataSourceRef"];
  if (isJsonObject(source) && ref === undefined) spec["dataSourceRef"] = source;
  if (isJsonObject(ref) && source === undefined && ref["namespace"] === undefined) spec["dataSource"] = ref;
  return spec;
}

function withStorage(resources: JsonValue | undefined, storage: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(resources) || !isJsonObject(resources["requests"])) return resources;
  const requests: JsonObject = { ...resources["requests"] };
  setOrDelete(requests, "storage", storage);
  return { ...resources, requests };
}

/**
 * `ValidatePersistentVolumeClaimUpdate`: the spec is immutable except (1) requests.storage and
 * (2) volumeAttributesClassName of a Bound claim, (3) volumeName while the stored one is empty,
 * (4) storageClassName nil → value. Those are munged to the stored values, as the API server
 * does, and judged by their own rules.
 */
export function pvcSpecFrozen(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = normalizedSpec(input.old);
  const after = normalizedSpec(input.new);
  if (before["volumeName"] === undefined) setOrDelete(before, "volumeName", after["volumeName"]);
  if (upgradeFromAnnotation(input) || upgradeFromNil(input)) setOrDelete(after, "storageClassName", before["storageClassName"]);
  if (claimIsBound(input.old)) {
    setOrDelete(after, "resources", withStorage(after["resources"], getAt(before, ["resources", "requests", "storage"])));
    if (after["volumeAttributesClassName"] !== undefined) {
      setOrDelete(after, "volumeAttributesClassName", before["volumeAttributesClassName"]);
    }
  }
  return normalizedViolations(input, rule.root, before, after, rule.pointerStructs);
}
