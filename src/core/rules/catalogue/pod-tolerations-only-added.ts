import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { violationsAt } from "./violations-at.ts";

// Toleration fields compared by validateOnlyAddedTolerations (tolerationSeconds may change).
const FIELDS = ["key", "operator", "value", "effect"] as const;

function field(toleration: JsonValue | undefined, name: string): JsonValue {
  const value = isJsonObject(toleration) ? toleration[name] : undefined;
  return value === undefined || value === null ? "" : value;
}

function sameExceptSeconds(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return FIELDS.every((name) => field(a, name) === field(b, name));
}

/**
 * `validateOnlyAddedTolerations`: every stored toleration must still be present (anywhere in the
 * list) with only its tolerationSeconds changed. Adding tolerations is allowed.
 */
export function podTolerationsOnlyAdded(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  const olds = Array.isArray(before) ? before : [];
  const news = Array.isArray(after) ? after : [];
  const violations: Violation[] = [];
  olds.forEach((toleration, i) => {
    if (news.some((candidate) => sameExceptSeconds(toleration, candidate))) return;
    const path = [...rule.root, i];
    const changed = violationsAt(input, path).filter((v) => v.path[path.length] !== "tolerationSeconds");
    violations.push(...(changed.length > 0 ? changed : [{ path, from: toleration, to: getAt(input.new, path) }]));
  });
  return violations;
}
