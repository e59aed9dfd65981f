import type { LoadedPolicy } from "../../core/policy/parse-policy.ts";
import type { Rule } from "../../core/rules/rule.ts";
import { customRulesToRules } from "../../core/policy/custom-rules.ts";
import type { ActivePolicy, PolicyProvider } from "./active-policy.ts";
import { activePolicy } from "./static-policy-provider.ts";

/** A policy provider fed by watches (ConfigMap, CRDs); the catalogue is rebuilt once per change, not per request. */
export interface DynamicPolicyProvider extends PolicyProvider {
  setPolicy(loaded: LoadedPolicy, source: string): ActivePolicy;
  setCrdRules(rules: readonly Rule[]): void;
}

export function dynamicPolicyProvider(): DynamicPolicyProvider {
  let policy: { readonly loaded: LoadedPolicy; readonly source: string } | undefined;
  let crdRules: readonly Rule[] = [];
  let active: ActivePolicy | undefined;
  const rebuild = (): ActivePolicy | undefined => {
    active = policy ? activePolicy(policy.loaded, policy.source, [...customRulesToRules(policy.loaded.policy.customRules), ...crdRules]) : undefined;
    return active;
  };
  return {
    current: () => active,
    setPolicy(loaded, source) {
      policy = { loaded, source };
      return rebuild()!;
    },
    setCrdRules(rules) {
      crdRules = rules;
      rebuild();
    },
  };
}
