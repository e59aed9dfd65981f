import { compareReleases, parseRelease } from "../kube/kube-release.ts";
import { gateEnabled, type KubeTarget } from "../kube/kube-target.ts";
import { isGateName } from "../kube/feature-gates.ts";
import { createCatalogue, type Catalogue } from "./catalogue.ts";
import { BUILTIN_RULES } from "./catalogue/builtin-rules.ts";
import type { Rule } from "./rule.ts";

/** True when the rule holds on the target: within its release range, with every gate it names in the state it names. */
export function ruleHolds(rule: Rule, target: KubeTarget): boolean {
  // createCatalogue refuses a rule whose since/until is not a release; here an unreadable one is open.
  const since = rule.since !== undefined ? parseRelease(rule.since) : undefined;
  const until = rule.until !== undefined ? parseRelease(rule.until) : undefined;
  if (since && compareReleases(target.release, since) < 0) return false;
  if (until && compareReleases(target.release, until) >= 0) return false;
  for (const [name, enabled] of Object.entries(rule.gates ?? {})) {
    if (isGateName(name) && enabled !== undefined && gateEnabled(target, name) !== enabled) return false;
  }
  return true;
}

/**
 * THE way a catalogue is built for a cluster: the built-in rules that hold on the target release
 * with its feature gates, then `extraRules` (policy custom rules, CRD-declared rules), which hold
 * on every release. check, serve and the tests all build theirs here.
 */
export function catalogueFor(target: KubeTarget, extraRules: readonly Rule[] = []): Catalogue {
  return createCatalogue([...BUILTIN_RULES.filter((rule) => ruleHolds(rule, target)), ...extraRules], target);
}
