import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function versionNames(versions: JsonValue | undefined): string[] {
  if (!Array.isArray(versions)) return [];
  return versions.map((v) => (isJsonObject(v) && typeof v["name"] === "string" ? v["name"] : ""));
}

/**
 * A CRD version still listed in the live `status.storedVersions` may not be removed from
 * `spec.versions` (ValidateCustomResourceDefinitionStoredVersions: status is taken from the stored
 * object on update). Reported at the removed entry's index in the old `spec.versions`.
 */
export function crdStoredVersionsViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  const stored = getAt(input.old, ["status", "storedVersions"]);
  if (!Array.isArray(stored)) return [];
  const oldNames = versionNames(getAt(input.old, rule.root));
  const newNames = new Set(versionNames(getAt(input.new, rule.root)));
  const violations: Violation[] = [];
  for (const version of stored) {
    if (typeof version !== "string" || newNames.has(version)) continue;
    const index = oldNames.indexOf(version);
    violations.push({
      path: index < 0 ? rule.root : [...rule.root, index],
      from: version,
      to: undefined,
      detail: `version ${version} is still in status.storedVersions: migrate stored objects and remove it from status.storedVersions first`,
    });
  }
  return violations;
}
