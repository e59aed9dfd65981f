import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

const MIRROR = "kubernetes.io/config.mirror";
const APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function restricted(key: string): boolean {
  return key === MIRROR || key.startsWith(APPARMOR_PREFIX);
}

/**
 * `ValidatePodSpecificAnnotationUpdates`: the mirror-pod annotation and the (deprecated) beta
 * AppArmor annotations may not be added, changed or removed by an update.
 */
export function podRestrictedAnnotations(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  const olds = isJsonObject(before) ? before : {};
  const news = isJsonObject(after) ? after : {};
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter(restricted));
  const violations: Violation[] = [];
  for (const key of keys) {
    const from = ownValue(olds, key);
    const to = ownValue(news, key);
    if (from === to) continue;
    const what = key === MIRROR ? "the mirror pod annotation" : "AppArmor annotations";
    const detail = `an update may not add, remove or change ${what}`;
    violations.push({ path: [...rule.root, key], from, to, detail });
  }
  return violations;
}
