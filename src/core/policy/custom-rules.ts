import type { Rule } from "../rules/rule.ts";
import type { CustomRule } from "./policy-schema.ts";

/** `Kind` → any group ("*"), `Kind.group` → that group, as policy kind references read (kindRefMatches). */
function splitKindRef(ref: string): { group: string; kind: string } {
  const dot = ref.indexOf(".");
  return dot < 0 ? { group: "*", kind: ref } : { group: ref.slice(dot + 1), kind: ref.slice(0, dot) };
}

/**
 * The policy's custom rules as catalogue rules: the field is frozen at its path (any change,
 * adding or removing it included). `declared` rules are blocking like immutable fields; `risky`
 * ones are warnings (find-findings' defaults by class). The policy's message is the rule's why.
 */
export function customRulesToRules(customRules: readonly CustomRule[]): Rule[] {
  return customRules.map((custom, i) => ({
    id: custom.id,
    ...splitKindRef(custom.kind),
    path: custom.path,
    class: custom.class,
    check: { type: "frozen" },
    why: custom.message,
    source: `policy customRules[${i}]`,
  }));
}
