import type { Rule } from "../rules/rule.ts";
import type { CustomRule } from "./policy-schema.ts";
import { parseKindRef } from "./kind-ref.ts";

/** `Kind` → any group ("*", the catalogue's wildcard), `Kind.group` → that group. */
function ruleTarget(ref: string): { group: string; kind: string } {
  const { kind, group } = parseKindRef(ref);
  return { group: group ?? "*", kind };
}

/**
 * The policy's custom rules as catalogue rules: the field is frozen at its path (any change,
 * adding or removing it included). `declared` rules are blocking like immutable fields; `risky`
 * ones are warnings (find-findings' defaults by class). The policy's message is the rule's why.
 */
export function customRulesToRules(customRules: readonly CustomRule[]): Rule[] {
  return customRules.map((custom, i) => ({
    id: custom.id,
    ...ruleTarget(custom.kind),
    path: custom.path,
    class: custom.class,
    check: { type: "frozen" },
    why: custom.message,
    source: `policy customRules[${i}]`,
  }));
}
