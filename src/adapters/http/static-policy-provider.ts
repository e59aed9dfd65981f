import { createCatalogue } from "../../core/rules/catalogue.ts";
import { BUILTIN_RULES } from "../../core/rules/catalogue/builtin-rules.ts";
import type { Rule } from "../../core/rules/rule.ts";
import type { LoadedPolicy } from "../../core/policy/parse-policy.ts";
import type { ActivePolicy, PolicyProvider } from "./active-policy.ts";

/** The catalogue for a policy: built-in rules plus the policy's own and any CRD-declared rules. */
export function activePolicy(loaded: LoadedPolicy, source: string, extraRules: readonly Rule[]): ActivePolicy {
  return {
    policy: loaded.policy,
    version: `${source}@${loaded.contentHash}`,
    catalogue: createCatalogue([...BUILTIN_RULES, ...extraRules]),
  };
}

/** A policy that never changes (a file, or the embedded default). */
export function staticPolicyProvider(active: ActivePolicy): PolicyProvider {
  return { current: () => active };
}
