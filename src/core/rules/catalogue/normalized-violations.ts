import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import type { JsonValue } from "../../k8s/json.ts";
import { compareObjects } from "../../compare/compare-objects.ts";
import type { RuleInput, Violation } from "../rule.ts";

/**
 * The differences between two normalised (defaulted, munged) copies of the subtree at `root`,
 * reported with the raw values of the pair so a restore or revert writes back what was stored.
 * `pointerStructs`: see CompareOptions (relative to `root`).
 */
export function normalizedViolations(
  input: RuleInput,
  root: readonly PathSegment[],
  oldValue: JsonValue | undefined,
  newValue: JsonValue | undefined,
  pointerStructs?: readonly (readonly PathSegment[])[],
): Violation[] {
  return compareObjects(oldValue, newValue, { ignore: [], pointerStructs: pointerStructs ?? [] }).map((change) => {
    const path = [...root, ...change.path];
    return { path, from: getAt(input.old, path), to: getAt(input.new, path) };
  });
}
