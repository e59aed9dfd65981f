import type { JsonValue } from "../k8s/json.ts";
import type { Rule } from "../rules/rule.ts";
import { declaredRulesFromCrd, type CrdRuleOptions } from "./declared-rules-from-crd.ts";

/** The declared rules of many CRDs; a CRD that is not understood adds none (its watch reported it). */
export function declaredRulesOf(crds: readonly JsonValue[], options: CrdRuleOptions = {}): Rule[] {
  return crds.flatMap((crd) => {
    const result = declaredRulesFromCrd(crd, options);
    return result.ok ? result.rules : [];
  });
}
