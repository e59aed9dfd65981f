import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/** The deprecated annotation that named a claim's class before spec.storageClassName existed. */
export const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

function annotation(claim: JsonObject): string | undefined {
  const annotations = getAt(claim, ["metadata", "annotations"]);
  const value = isJsonObject(annotations) ? annotations[BETA_STORAGE_CLASS_ANNOTATION] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** spec.storageClassName: undefined when nil (absent or null); "" is a value ("no class"). */
export function specClass(claim: JsonObject): string | undefined {
  const value = getAt(claim, ["spec", "storageClassName"]);
  return typeof value === "string" ? value : undefined;
}

/** `GetPersistentVolumeClaimClass`: the beta annotation wins over spec.storageClassName. */
export function claimClass(claim: JsonObject): string | undefined {
  return annotation(claim) ?? specClass(claim);
}

/** `validateStorageClassUpgradeFromAnnotation`: annotation → spec.storageClassName with the same value. */
export function upgradeFromAnnotation(input: RuleInput): boolean {
  const oldAnnotation = annotation(input.old);
  const newAnnotation = annotation(input.new);
  return (
    oldAnnotation !== undefined &&
    (newAnnotation === undefined || newAnnotation === oldAnnotation) &&
    specClass(input.old) === undefined &&
    specClass(input.new) === oldAnnotation
  );
}

/** `validateStorageClassUpgradeFromNil` (RetroactiveDefaultStorageClass, GA v1.28): nil → a value. */
export function upgradeFromNil(input: RuleInput): boolean {
  return annotation(input.old) === undefined && specClass(input.old) === undefined && specClass(input.new) !== undefined;
}

function differs(from: JsonValue | undefined, to: JsonValue | undefined): boolean {
  return (from ?? null) !== (to ?? null);
}

/** spec.storageClassName changes only nil → value (or annotation → same value). */
export function pvcStorageClassName(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = getAt(input.old, rule.root);
  const to = getAt(input.new, rule.root);
  if (!differs(from, to) || upgradeFromAnnotation(input) || upgradeFromNil(input)) return [];
  return [{ path: rule.root, from, to }];
}

/** `ValidateImmutableAnnotation` on the beta storage-class annotation, outside the one-time migration. */
export function pvcStorageClassAnnotation(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = annotation(input.old);
  const to = annotation(input.new);
  if ((from ?? "") === (to ?? "") || upgradeFromAnnotation(input)) return [];
  return [{ path: [...rule.root, BETA_STORAGE_CLASS_ANNOTATION], from, to }];
}
