import type { JsonObject, JsonValue } from "../../k8s/json.ts";
import { compareObjects } from "../../compare/compare-objects.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/**
 * Reads the value a rule guards from a whole object, with the defaults the API server would
 * apply filled in (or another canonical form), so that a manifest that omits a defaulted field
 * compares equal to the live object that carries the default.
 */
export type Normalise = (object: JsonObject) => JsonValue | undefined;

/**
 * A `frozen` check on a normalised value: any difference between normalise(old) and
 * normalise(new) is refused, reported at the rule's path plus the path inside the value where the
 * two diverge (so a server-assigned finding at the same place can supersede it).
 */
export function frozenNormalised(normalise: Normalise): (input: RuleInput, rule: CompiledRule) => Violation[] {
  return (input, rule) =>
    compareObjects(normalise(input.old), normalise(input.new), { ignore: [] }).map((change) => ({
      path: [...rule.root, ...change.path],
      from: change.from,
      to: change.to,
    }));
}
