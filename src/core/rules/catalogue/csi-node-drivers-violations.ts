import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { compareObjects } from "../../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function driversByName(object: JsonObject): Map<string, { index: number; driver: JsonObject }> {
  const drivers = getAt(object, ["spec", "drivers"]);
  const out = new Map<string, { index: number; driver: JsonObject }>();
  if (!Array.isArray(drivers)) return out;
  drivers.forEach((driver, index) => {
    if (isJsonObject(driver) && typeof driver["name"] === "string") out.set(driver["name"], { index, driver });
  });
  return out;
}

/** With MutableCSINodeAllocatableCount the API server ignores `allocatable` when comparing entries. */
function withoutAllocatable(driver: JsonObject): JsonValue {
  const { allocatable: _allocatable, ...rest } = driver;
  return rest;
}

/**
 * CSINode `spec.drivers` entries are matched BY NAME (ValidateCSINodeUpdate): an entry present in
 * both old and new may not change (except its `allocatable` with MutableCSINodeAllocatableCount); adding or removing entries, and
 * re-ordering them, is allowed. Reported at the new entry's index.
 */
export function csiNodeDriversViolations(allocatableMutable: boolean): (input: RuleInput, rule: CompiledRule) => Violation[] {
  const comparable = (driver: JsonObject): JsonValue => (allocatableMutable ? withoutAllocatable(driver) : driver);
  return (input, rule) => {
    const before = driversByName(input.old);
    const violations: Violation[] = [];
    for (const [name, after] of driversByName(input.new)) {
      const old = before.get(name);
      if (!old) continue;
      for (const change of compareObjects(comparable(old.driver), comparable(after.driver), { ignore: [] })) {
        violations.push({ path: [...rule.root, after.index, ...change.path], from: change.from, to: change.to });
      }
    }
    return violations;
  };
}
