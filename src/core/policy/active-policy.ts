import { createCatalogue, type Catalogue } from "../rules/catalogue.ts";
import { BUILTIN_RULES } from "../rules/catalogue/builtin-rules.ts";
import type { Rule } from "../rules/rule.ts";
import { customRulesToRules } from "./custom-rules.ts";
import type { LoadedPolicy } from "./parse-policy.ts";
import type { CustomRule, Policy } from "./policy-schema.ts";

/** The policy in force and the version every record names. */
export interface ActivePolicy {
  readonly policy: Policy;
  /** `<source>@<content hash>`, e.g. `configmap/gitops-guard/policy#48213@1f0c…` or `file:policy.yaml@1f0c…`. */
  readonly version: string;
  /** The rule catalogue to judge with (built-in rules + policy custom rules + CRD-declared rules). */
  readonly catalogue: Catalogue;
}

/**
 * The rule set a policy yields: the built-in rules, the policy's custom rules and the rules the
 * CRDs declare. The one place a catalogue is built: `check`, and `serve` on each thread that
 * decides, once per change of the policy or the CRDs (never per request).
 */
export function policyCatalogue(customRules: readonly CustomRule[], declared: readonly Rule[]): Catalogue {
  return createCatalogue([...BUILTIN_RULES, ...customRulesToRules(customRules), ...declared]);
}

/** A loaded policy with its catalogue and version, ready to judge with. */
export function activePolicy(loaded: LoadedPolicy, source: string, declared: readonly Rule[]): ActivePolicy {
  return {
    policy: loaded.policy,
    version: `${source}@${loaded.contentHash}`,
    catalogue: policyCatalogue(loaded.policy.customRules, declared),
  };
}
