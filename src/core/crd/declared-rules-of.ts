import type { JsonValue } from "../k8s/json.ts";
import type { Rule } from "../rules/rule.ts";
import { declaredRulesFromCrd } from "./declared-rules-from-crd.ts";

/** The declared rules of many CRDs; a CRD that is not understood adds none (its watch reported it). */
export function declaredRulesOf(crds: readonly JsonValue[]): Rule[] {
  return crds.flatMap((crd) => {
    const result = declaredRulesFromCrd(crd);
    return result.ok ? result.rules : [];
  });
}
