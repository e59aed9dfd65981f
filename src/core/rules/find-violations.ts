import { getAt, patternCovers, pathLeadsTo, type PathSegment } from "../k8s/field-path.ts";
import { isEmptyValue, semanticEqual, type JsonValue } from "../k8s/json.ts";
import type { FieldChange } from "../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "./rule.ts";

function hasWildcard(segments: readonly PathSegment[]): boolean {
  return segments.includes("*");
}

function toViolation(change: FieldChange): Violation {
  return { path: change.path, from: change.from, to: change.to };
}

/**
 * Changes inside the subtree at `root`. A change recorded above the root (one side lacks the
 * whole parent) is narrowed to the root when the root is a concrete path.
 */
export function changesUnder(input: RuleInput, root: readonly PathSegment[]): Violation[] {
  const out: Violation[] = [];
  for (const change of input.changes) {
    if (patternCovers(root, change.path)) {
      out.push(toViolation(change));
    } else if (pathLeadsTo(change.path, root) && !hasWildcard(root)) {
      const from = getAt(input.old, root);
      const to = getAt(input.new, root);
      if (!semanticEqual(from, to)) out.push({ path: root, from, to });
    }
  }
  return out;
}

/** Any change under `root`, with `defaultValue` standing in for an absent value. */
export function frozenViolations(input: RuleInput, root: readonly PathSegment[], defaultValue?: JsonValue): Violation[] {
  if (defaultValue !== undefined && !hasWildcard(root)) {
    const from = getAt(input.old, root);
    const to = getAt(input.new, root);
    const fromOrDefault = isEmptyValue(from) ? defaultValue : from;
    const toOrDefault = isEmptyValue(to) ? defaultValue : to;
    return semanticEqual(fromOrDefault, toOrDefault) ? [] : [{ path: root, from, to }];
  }
  return changesUnder(input, root);
}

/** May go from unset to a value; any other change under `root` is refused. */
export function setOnceViolations(input: RuleInput, root: readonly PathSegment[]): Violation[] {
  if (hasWildcard(root)) {
    return changesUnder(input, root).filter((v) => !isEmptyValue(v.from));
  }
  if (isEmptyValue(getAt(input.old, root))) return [];
  return changesUnder(input, root);
}

/** Every place the pair breaks the rule (empty when the rule does not apply). */
export function findViolations(rule: CompiledRule, input: RuleInput): Violation[] {
  if (rule.when && !rule.when(input)) return [];
  const root = rule.root;
  switch (rule.check.type) {
    case "frozen":
      return frozenViolations(input, root, rule.defaultValue);
    case "set-once":
      return setOnceViolations(input, root);
    case "custom":
      return rule.check.evaluate(input, rule);
  }
}
