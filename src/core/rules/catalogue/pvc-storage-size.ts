import { getAt } from "../../k8s/field-path.ts";
import { compareQuantities } from "../../k8s/quantity.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { claimClass } from "./pvc-storage-class.ts";

function quantity(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

const NOT_EXPANDABLE =
  "only dynamically provisioned claims can be resized, and their StorageClass must have allowVolumeExpansion: true";

/**
 * Why growing the claim is refused by the PersistentVolumeClaimResize admission plugin, or
 * undefined. Unknown facts (no status, no class, StorageClass not in input.cluster) never refuse.
 */
function storedPhase(input: RuleInput): string | undefined {
  const phase = getAt(input.old, ["status", "phase"]);
  return typeof phase === "string" && phase !== "" ? phase : undefined;
}

function growthRefusal(input: RuleInput): string | undefined {
  const phase = storedPhase(input);
  if (phase !== undefined && phase !== "Bound") return `only bound claims can be expanded (phase ${phase})`;
  // A stored claim (its phase is known) without a class has none: GetPersistentVolumeClaimClass
  // returns "". Without status the pair is a partial description, and a missing class is unknown.
  const oldClass = claimClass(input.old) ?? (phase === undefined ? undefined : "");
  // A dropped class is restored from the stored object (server-assigned rule), so the stored one counts.
  const newClass = claimClass(input.new) ?? oldClass;
  if (oldClass === "" || newClass === "" || (oldClass !== undefined && oldClass !== newClass)) return NOT_EXPANDABLE;
  const storageClass = newClass === undefined ? undefined : input.cluster.storageClasses?.get(newClass);
  if (storageClass && storageClass["allowVolumeExpansion"] !== true) {
    return `StorageClass ${newClass ?? ""} does not have allowVolumeExpansion: true; ${NOT_EXPANDABLE}`;
  }
  return undefined;
}

/**
 * spec.resources.requests.storage: a shrink is refused unless the new size is still above
 * status.capacity (RecoverVolumeExpansionFailure: beta, on by default since v1.32, GA v1.34);
 * growth is refused by admission for unbound claims and claims whose class cannot expand.
 */
export function pvcStorageSize(input: RuleInput, rule: CompiledRule): Violation[] {
  const from = quantity(getAt(input.old, rule.root));
  const to = quantity(getAt(input.new, rule.root));
  if (from === undefined || to === undefined) return [];
  const order = compareQuantities(to, from);
  if (order === undefined || order === 0) return [];
  if (order < 0) {
    const capacity = quantity(getAt(input.old, ["status", "capacity", "storage"]));
    if (capacity !== undefined && (compareQuantities(to, capacity) ?? 0) > 0) return [];
    return [{ path: rule.root, from, to, detail: "a claim's storage request cannot shrink (below status.capacity)" }];
  }
  const refusal = growthRefusal(input);
  return refusal === undefined ? [] : [{ path: rule.root, from, to, detail: refusal }];
}
